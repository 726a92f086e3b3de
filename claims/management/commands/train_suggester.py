"""Train a new suggestion model version from the shipped corpus and this instance's settled
annotations; it is stored inactive, with its figures, for an editor to activate."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from claims.services.errors import Rejected
from claims.services.suggestions import (
    instance_training_data,
    suggester_activate,
    suggester_store,
)
from claims.suggest.corpus import HELDOUT_DIR, TRAIN_DIR, read_gold
from claims.suggest.evaluate import format_report
from claims.suggest.report import model_report, report_figures
from claims.suggest.train import train


class Command(BaseCommand):
    help = (
        "Train a suggestion model on the shipped corpus plus this instance's final "
        "annotations, tags two or more reviewers agree on, and dismissed suggestions."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", default="", help="The new version's name (trained-<time>).")
        parser.add_argument(
            "--activate",
            action="store_true",
            help="Make it active and suggest with it for every article in the background.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"] or f"trained-{timezone.now():%Y%m%d-%H%M%S}"
        shipped = read_gold([TRAIN_DIR])
        examples, negatives = instance_training_data()
        self.stdout.write(
            f"training on {len(shipped)} shipped sentences, {len(examples)} from this "
            f"instance and {len(negatives)} dismissed suggestions"
        )
        model = train([*shipped, *examples], version=name, negatives=negatives)
        heldout = model_report(model, read_gold([HELDOUT_DIR]))
        figures = {
            **model.figures,
            "heldout": report_figures(heldout),
            "instance": {"sentences": len(examples), "dismissed": len(negatives)},
        }
        try:
            version = suggester_store(model=model, figures=figures, user=None)
        except Rejected as error:
            raise CommandError(error.message) from None
        self.stdout.write(format_report(heldout, f"{name} on the held-out pages"))
        if options["activate"]:
            run = suggester_activate(version=version, user=None)
            self.stdout.write(f"{name} is active; run {run.pk} suggests for {run.total} article(s)")
        else:
            self.stdout.write(f"stored {name}; an editor activates it on the Suggestions page")
