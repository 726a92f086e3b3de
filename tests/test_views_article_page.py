"""The article page after an upload: the warning about damaged bytes that were replaced."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGE = "Our PRP facial’s “glow” lasts for years – from £650, it’s a bargain.\n"


def upload_page(client, data: bytes):
    file = SimpleUploadedFile("facial.txt", data, content_type="text/plain")
    return client.post(reverse("claims:article_upload"), {"file": file}, follow=True)


def test_it_tells_the_uploader_how_many_damaged_bytes_were_replaced(signed_in):
    damaged = PAGE.encode("utf-8").replace("£".encode(), b"\xa3")  # a Latin-1 pound sign
    response = upload_page(signed_in, damaged)
    assert response.redirect_chain[0][1] == 302
    assert (
        "1 damaged byte in the uploaded file was replaced with �: "
        "check the sentences marked with it against the original."
    ) in response.text
    assert "from �650" in response.text


def test_it_warns_of_nothing_when_the_file_decoded_cleanly(signed_in):
    response = upload_page(signed_in, PAGE.encode("utf-8"))
    assert response.status_code == 200
    assert "damaged byte" not in response.text
