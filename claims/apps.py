"""The claims app: articles, their sentences, the tag vocabulary and annotations."""

from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Claims"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from claims import checks  # noqa: F401  # registers the system checks
