"""Forms: the upload (a file or pasted text, with the article's metadata) and report filters."""

from django import forms

from claims.models import Article, Tag
from claims.selectors import ReportFilters


class ArticleUploadForm(forms.Form):
    file = forms.FileField(
        required=False,
        help_text="HTML page, PDF, DOCX, Markdown or plain text.",
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

    def clean(self) -> dict:
        cleaned = super().clean()
        has_file = bool(cleaned.get("file"))
        has_text = bool((cleaned.get("text") or "").strip())
        if has_file and has_text:
            raise forms.ValidationError("Give either a file or pasted text, not both.")
        if not has_file and not has_text:
            if self.files.get("file") is not None:
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

    def __init__(self, *args, tags: list[Tag], publishers: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [("", "Any tag"), *((t.slug, t.name) for t in tags)]
        self.fields["publisher"].choices = [("", "Any publisher"), *((p, p) for p in publishers)]


class ReportFilterForm(forms.Form):
    """The filters every report and export takes from its query string."""

    publisher = forms.CharField(max_length=200, required=False)
    tag = forms.ModelMultipleChoiceField(
        queryset=Tag.objects.order_by("order", "name"), to_field_name="slug", required=False
    )
    reviewer = forms.CharField(max_length=150, required=False)
    status = forms.ChoiceField(choices=[("", "Any"), *Article.Status.choices], required=False)
    created_after = forms.DateField(required=False, label="From")
    created_before = forms.DateField(required=False, label="To")

    def clean(self) -> dict:
        cleaned = super().clean()
        after, before = cleaned.get("created_after"), cleaned.get("created_before")
        if after and before and after > before:
            self.add_error("created_before", "The end date is before the start date.")
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
        )
