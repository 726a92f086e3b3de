"""Unpacking a zip (a DOCX) within the limits: never more bytes than the bounds allow.

A zip says in its central directory how large each member is once inflated, so an archive
bomb can be refused before any of it is inflated. The directory can lie, though, so the
members are then inflated by streaming, counting every byte against the size the directory
declared (and so against the bound it was checked for), and the verified bytes are stored
uncompressed in a new in-memory archive that is what the DOCX reader (python-docx, which
reads members whole with `ZipFile.read`) is given. Re-checking the
original archive and handing it over would leave python-docx to inflate members itself,
trusting whatever it finds; with the rebuilt one there is nothing left to inflate, and it
reads exactly the bytes that were counted (one entry per name, as `ZipFile` resolves them).
"""

import io
import zipfile
import zlib
from typing import BinaryIO

from claims.ingest.errors import IngestError
from claims.ingest.limits import MB, IngestLimits, megabytes, over_limit

_CHUNK = MB
# A member this small cannot hurt, whatever its ratio (a run of spaces compresses 1000:1).
_RATIO_FLOOR = MB
# A Word document has a few dozen parts; a zip directory of thousands is no document.
_MAX_MEMBERS = 10_000
# What inflating a damaged or unusual member raises (encrypted members raise RuntimeError).
_DAMAGE = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)


def unpacked_package(data: bytes, *, limits: IngestLimits) -> BinaryIO:
    """The archive in `data`, rebuilt with every member stored uncompressed, or IngestError
    when it unpacks past the limits. A damaged archive raises zipfile.BadZipFile."""
    package = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        _check_directory(members, limits)
        with zipfile.ZipFile(package, "w", zipfile.ZIP_STORED) as rebuilt:
            for info in {info.filename: info for info in members if not info.is_dir()}.values():
                _copy_member(archive, info, rebuilt)
    package.seek(0)
    return package


def _check_directory(members: list[zipfile.ZipInfo], limits: IngestLimits) -> None:
    """Refuse on what the central directory declares, before inflating anything."""
    if len(members) > _MAX_MEMBERS:
        raise over_limit(
            f"This file is a zip archive of {len(members):,} files; a Word document holds a few "
            f"dozen, and Claimscope opens at most {_MAX_MEMBERS:,}."
        )
    for info in members:
        if info.file_size > limits.max_unpacked_bytes:
            raise _unpacks_too_large(f"Its part {info.filename}", info.file_size, limits)
        if _ratio_absurd(info, limits):
            raise over_limit(
                f"Its part {info.filename} is compressed "
                f"{info.file_size // max(info.compress_size, 1):,} to 1; real documents stay "
                f"under {limits.max_compression_ratio} to 1, so Claimscope does not unpack it "
                "(it looks built to exhaust the server)."
            )
    total = sum(info.file_size for info in members)
    if total > limits.max_unpacked_bytes:
        raise _unpacks_too_large("This document", total, limits)


def _ratio_absurd(info: zipfile.ZipInfo, limits: IngestLimits) -> bool:
    return (
        info.file_size > _RATIO_FLOOR
        and info.file_size > limits.max_compression_ratio * info.compress_size
    )


def _copy_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, rebuilt: zipfile.ZipFile) -> None:
    """Inflate one member into `rebuilt` a chunk at a time, never past the size the directory
    declares (which the directory check bounded): CPython's reader stops there too and then
    checks the CRC, but the bound must not depend on how a reader treats a lying header."""
    copied = 0
    try:
        with archive.open(info) as source, rebuilt.open(_stored(info), "w") as target:
            while chunk := source.read(_CHUNK):
                copied += len(chunk)
                if copied > info.file_size:
                    raise over_limit(
                        f"Its part {info.filename} holds more than the {info.file_size:,} "
                        "bytes its zip directory declares; the file is damaged or built to "
                        "mislead, and Claimscope does not unpack it."
                    )
                target.write(chunk)
    except _DAMAGE as error:
        raise zipfile.BadZipFile(str(error)) from None


def _stored(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    return zipfile.ZipInfo(info.filename, date_time=info.date_time)  # ZIP_STORED by default


def _unpacks_too_large(what: str, size: int, limits: IngestLimits) -> IngestError:
    return over_limit(
        f"{what} unpacks to {megabytes(size)}; the most Claimscope unpacks from one upload is "
        f"{megabytes(limits.max_unpacked_bytes)}."
    )
