"""Row insertion below the ORM, for the few places that write thousands of rows at once."""

from collections.abc import Iterable

from django.db import connection
from django.db.models import Model


def rows_insert(*, model: type[Model], columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
    """COPY on PostgreSQL (a tenth of the time of INSERTs for 16,000 sentences); a plain
    executemany elsewhere. The rows skip model validation: callers build them correctly."""
    quote = connection.ops.quote_name
    table, names = quote(model._meta.db_table), ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY goes around Django's cursor wrapper: this turns the driver's errors into
            # Django's own (IntegrityError...), as execute() would.
            with (
                connection.wrap_database_errors,
                cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", list(rows))
