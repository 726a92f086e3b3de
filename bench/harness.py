"""Start-up shared by the bench scripts and docs/screenshots.py, and their throwaway database.

Each script runs as `python bench/<name>.py` from the project root, so Python finds this
module beside it; the scripts import their sibling modules by bare name (`harness`,
`live_site`, `corpus`) and call `django_setup()` before importing anything of Django's.
"""

import os
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def project_on_path() -> None:
    """Make `annotator`, `claims` and `tests` importable, whichever folder the script is in."""
    sys.path.insert(0, str(ROOT))


def django_setup(*, secret_key: str = "bench-only-secret") -> None:
    """Configure Django from annotator.settings, as `manage.py` would. DATABASE_URL and
    SECRET_KEY from the environment win; `secret_key` is only the default."""
    import django

    project_on_path()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "annotator.settings")
    os.environ.setdefault("SECRET_KEY", secret_key)
    # whitenoise looks for collected static files, which only deployments have.
    warnings.filterwarnings("ignore", "No directory at", UserWarning)
    django.setup()


@contextmanager
def test_database() -> Iterator[None]:
    """A fresh test database on the server DATABASE_URL names (else SQLite), dropped after.
    For the rest of the run: no query log, no API throttling, and static files straight from
    the app folders, as in development (no collectstatic step)."""
    settings.DEBUG = False
    settings.API_THROTTLE_RATE = ""
    # Before anything opens a storage: Django reads STORAGES once, on the first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    original_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        yield
    finally:
        connection.close()
        connection.creation.destroy_test_db(original_name, verbosity=0)
