"""The settings as mypy's Django plugin loads them: annotator.settings refuses to load without
a SECRET_KEY when DEBUG is off, and type checking needs none. Never used to run the app."""

import os

os.environ.setdefault("SECRET_KEY", "type-checking-only")

from annotator.settings import *  # noqa: F403
