"""Upload form: a file or pasted text, with the article's metadata."""

from django import forms


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
