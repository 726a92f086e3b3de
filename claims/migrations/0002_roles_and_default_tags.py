"""Create the role groups and the default tag vocabulary."""

from django.db import migrations

ROLES = ["reviewer", "editor", "reader"]

DEFAULT_TAGS = [
    {
        "slug": "unsupported",
        "name": "Unsupported",
        "definition": (
            "A factual claim about efficacy, safety or mechanism with no evidence given for it, "
            "or whose cited source does not support it."
        ),
        "colour": "#d97706",
        "shortcut": "1",
        "order": 1,
    },
    {
        "slug": "overstated",
        "name": "Overstated",
        "definition": (
            "Stronger than any evidence allows: absolutes (“cures”, “completely”, “no risk”, "
            "“proven”), results from tiny or uncontrolled studies presented as general, relative "
            "improvements with no baseline, “world’s only/first”."
        ),
        "colour": "#dc2626",
        "shortcut": "2",
        "order": 2,
    },
    {
        "slug": "cited-case-report",
        "name": "Cited case report",
        "definition": (
            "The claim rests on a single case, a case series, a testimonial or an anecdote, "
            "cited formally or told as a story."
        ),
        "colour": "#7c3aed",
        "shortcut": "3",
        "order": 3,
    },
    {
        "slug": "price-claim",
        "name": "Price claim",
        "definition": (
            "Any statement of cost, price range, payment or price comparison between places."
        ),
        "colour": "#059669",
        "shortcut": "4",
        "order": 4,
    },
]


def create_roles_and_tags(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Tag = apps.get_model("claims", "Tag")
    for role in ROLES:
        Group.objects.get_or_create(name=role)
    for tag in DEFAULT_TAGS:
        Tag.objects.update_or_create(slug=tag["slug"], defaults=tag)


def remove_roles_and_tags(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()
    Tag = apps.get_model("claims", "Tag")
    Tag.objects.filter(slug__in=[t["slug"] for t in DEFAULT_TAGS], annotations=None).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("claims", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles_and_tags, remove_roles_and_tags)]
