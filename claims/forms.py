"""Forms: the upload (a file or pasted text, with the article's metadata), the article list's
filters, the editors' assignment of articles to reviewers and the report filters."""

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model

from claims import selectors
from claims.models import REVIEWER, Article, Tag
from claims.reports import contents
from claims.selectors import ReportFilters
from claims.services.errors import Rejected

# What a report or export covers: the reviewers' annotations (the default) or the final ones
# editors accepted in adjudication. The values appear in report and download URLs.
REVIEW_SCOPE, FINAL_SCOPE = "everyone", "final"

# What this module's choice fields hold: (value, label) pairs, no groups, no callables.
_Choices = Iterable[tuple[Any, Any]]


class ArticleUploadForm(forms.Form):
    file = forms.FileField(
        required=False,
        help_text="HTML page, PDF, DOCX, Markdown or plain text.",
        error_messages={"empty": "The file is empty."},
    )
    text = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        label="…or paste the text",
    )
    title = forms.CharField(
        max_length=300, required=False, help_text="Taken from the document if empty."
    )
    publisher = forms.CharField(max_length=200, required=False, help_text="Clinic, vendor or site.")
    source_url = forms.URLField(
        max_length=2000, required=False, label="Source URL", assume_scheme="https"
    )
    # Set when the page asks whether to store a near-duplicate: the upload waiting for it.
    held = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)
    allow_near_duplicate = forms.BooleanField(
        required=False, label="It is a different article: store it anyway"
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("held"):
            return cleaned  # the upload is the one held; nothing else needs choosing
        has_file = bool(cleaned.get("file"))
        has_text = bool((cleaned.get("text") or "").strip())
        if has_file and has_text:
            raise forms.ValidationError("Give either a file or pasted text, not both.")
        if not has_file and not has_text:
            if self.files.get("file") is not None:
                # The field itself refuses an empty file: say it once.
                if not self.has_error("file"):
                    self.add_error("file", "The file is empty.")
            else:
                raise forms.ValidationError("Choose a file or paste the article's text.")
        return cleaned


class ArticleListForm(forms.Form):
    """The article list's search and filters, read from the query string."""

    q = forms.CharField(max_length=200, required=False, label="Search title or publisher")
    status = forms.ChoiceField(
        choices=[("", "Any status"), *Article.Status.choices], required=False
    )
    tag = forms.ChoiceField(required=False, label="Tagged")
    publisher = forms.ChoiceField(required=False)
    assigned = forms.BooleanField(required=False, label="Assigned to me")

    def __init__(self, *args, tags: list[Tag], publishers: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "tag").choices = [("", "Any tag"), *((t.slug, t.name) for t in tags)]
        publisher = _choice_field(self, "publisher")
        publisher.choices = [("", "Any publisher"), *((p, p) for p in publishers)]


class AssignmentForm(forms.Form):
    """The articles ticked on the list page and the reviewers an editor assigns them to."""

    articles = forms.ModelMultipleChoiceField(
        queryset=Article.objects.only("pk", "title"),
        error_messages={
            "required": "Tick at least one article to assign.",
            "invalid_choice": "There is no article %(value)s.",
            "invalid_pk_value": "“%(pk)s” is not an article number.",
        },
    )
    # Ticked, like the articles: a multiple select box needs Ctrl-click to pick two.
    reviewers = forms.ModelMultipleChoiceField(
        queryset=get_user_model().objects.filter(groups__name=REVIEWER).order_by("username"),
        to_field_name="username",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one reviewer.",
            "invalid_choice": "“%(value)s” is not a reviewer.",
        },
    )
    # A blind first pass: the suggested tags stay hidden from these reviewers.
    blind = forms.BooleanField(required=False, label="Blind: reviewers see no suggestions")


class ReportFilterForm(forms.Form):
    """The filters every report and export takes from its query string."""

    publisher = forms.CharField(max_length=200, required=False)
    tag = forms.ModelMultipleChoiceField(
        queryset=Tag.objects.order_by("order", "name"), to_field_name="slug", required=False
    )
    reviewer = forms.CharField(max_length=150, required=False)
    scope = forms.ChoiceField(
        choices=[(REVIEW_SCOPE, "Reviewers’"), (FINAL_SCOPE, "Final (adjudicated)")],
        required=False,
        label="Annotations",
        error_messages={
            "invalid_choice": (
                f"Choose “{REVIEW_SCOPE}” (the reviewers' annotations) or “{FINAL_SCOPE}” "
                "(the adjudicated ones), not “%(value)s”."
            )
        },
    )
    status = forms.ChoiceField(choices=[("", "Any"), *Article.Status.choices], required=False)
    created_after = forms.DateField(required=False, label="From")
    created_before = forms.DateField(required=False, label="To")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        after, before = cleaned.get("created_after"), cleaned.get("created_before")
        if after and before and after > before:
            self.add_error("created_before", "The end date is before the start date.")
        # Final annotations are the editors' verdicts, authored by them: no reviewer has any.
        if cleaned.get("scope") == FINAL_SCOPE and cleaned.get("reviewer"):
            self.add_error("scope", "Choose one reviewer or the final annotations, not both.")
        return cleaned

    def filters(self, *, article_id: int | None = None) -> ReportFilters:
        """The filters of a valid form."""
        data = self.cleaned_data
        return ReportFilters(
            publisher=data["publisher"].strip(),
            tags=tuple(tag.slug for tag in data["tag"]),
            reviewer=data["reviewer"].strip(),
            status=data["status"],
            created_after=data["created_after"],
            created_before=data["created_before"],
            article_id=article_id,
            final=data["scope"] == FINAL_SCOPE,
        )


class CorpusReportForm(ReportFilterForm):
    """The shared report filters, offering the publishers and reviewers there are as choices
    (a reviewer is offered only themselves)."""

    def __init__(self, data: Any, *, user: Any) -> None:
        super().__init__(data)
        publishers = selectors.article_publishers()
        self.fields["publisher"] = forms.ChoiceField(
            choices=[("", "Any publisher"), *((p, p) for p in publishers)], required=False
        )
        self.fields["reviewer"] = _reviewer_field(contents.reviewer_choices(user=user))
        _use_browser_widgets(self)


class ArticleReportForm(ReportFilterForm):
    """Whose annotations one article's report shows: everyone's, one reviewer's or the final
    (adjudicated) ones, optionally narrowed by tag and date."""

    # Django drops an inherited field that a subclass sets to None.
    publisher = None  # type: ignore[assignment]
    status = None  # type: ignore[assignment]
    field_order = ["reviewer", "scope", "tag", "created_after", "created_before"]

    def __init__(self, data: Any, *, user: Any, article: Article) -> None:
        super().__init__(data)
        # Replacing a field keeps its place in `field_order`.
        self.fields["reviewer"] = _reviewer_field(
            contents.reviewer_choices(user=user, article=article)
        )
        _use_browser_widgets(self)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        # The article fixes these two; the shared `filters()` still reads them.
        cleaned.update(publisher="", status="")
        return cleaned


def _reviewer_field(usernames: list[str]) -> forms.ChoiceField:
    return forms.ChoiceField(
        choices=[("", "Everyone"), *((name, name) for name in usernames)],
        required=False,
        label="Reviewer",
    )


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{name} is not a choice field")
    return field


def _use_browser_widgets(form: forms.Form) -> None:
    """Date pickers and tag checkboxes instead of text boxes and a multi-select list."""
    for name in ("created_after", "created_before"):
        form.fields[name].widget = forms.DateInput(attrs={"type": "date"})
    tag = _choice_field(form, "tag")
    tag.widget = forms.CheckboxSelectMultiple(choices=cast(_Choices, tag.choices))


def filter_summary(form: forms.Form) -> list[tuple[str, str]]:
    """The filters in force, as (label, value) pairs to print on the report."""
    summary = []
    for name, value in form.cleaned_data.items():
        # The reviewers' annotations are what a report covers unless told otherwise.
        if name not in form.fields or not value or (name, value) == ("scope", REVIEW_SCOPE):
            continue
        field = form.fields[name]
        if name == "tag":
            shown = ", ".join(tag.name for tag in value)
        elif isinstance(field, forms.ChoiceField):
            shown = str(dict(cast(_Choices, field.choices)).get(value, value))
        else:
            shown = str(value)
        summary.append((str(field.label or name.capitalize()), shown))
    return summary


def form_rejected(form: forms.Form, error: Rejected) -> None:
    """A service's refusal shown on the form: next to the field it names, else above it."""
    form.add_error(error.field if error.field in form.fields else None, error.message)
