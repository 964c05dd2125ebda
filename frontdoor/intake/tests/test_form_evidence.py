"""The online referral form: evidence uploads."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.test import Client

from frontdoor.intake.models import Document, Submission
from frontdoor.intake.tests.form_pages import (
    EXE,
    PDF,
    PNG,
    errors_of,
    professional_until_check,
    send,
    text_of,
    url,
)

pytestmark = pytest.mark.django_db


# --------------------------------------------------------------------------- evidence


def docx(*, macro: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        if macro:
            archive.writestr("word/vbaProject.bin", b"\x00")
    return buffer.getvalue()


def upload(client: Client, name: str, content: bytes, action: str = "upload") -> Any:
    file = io.BytesIO(content)
    file.name = name
    return client.post(url("referral-evidence"), {"action": action, "documents": file})


def test_evidence_is_uploaded_listed_removed_and_sent(client: Client) -> None:
    professional_until_check(client)

    assert upload(client, "body map.pdf", PDF)["Location"] == url("referral-evidence")
    assert upload(client, "photo.png", PNG)["Location"] == url("referral-evidence")
    assert upload(client, "letter.docx", docx())["Location"] == url("referral-evidence")
    page = client.get(url("referral-evidence"))
    assert "body map.pdf" in text_of(page) and "photo.png" in text_of(page)
    assert 'enctype="multipart/form-data"' in page.content.decode()
    photo = Document.objects.get(filename="photo.png")
    removed = client.post(url("referral-evidence"), {"action": "remove", "document": photo.pk})
    assert removed["Location"] == url("referral-evidence")
    assert "photo.png" not in text_of(client.get(url("referral-evidence")))
    check = text_of(client.get(url("referral-check")))
    assert "body map.pdf" in check and "letter.docx" in check

    send(client)

    submission = Submission.objects.get()
    assert sorted(d.filename for d in submission.documents.all()) == ["body map.pdf", "letter.docx"]
    assert not Document.objects.filter(draft__isnull=False, submission__isnull=True).exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.pdf", EXE, "The selected file must be a PDF, JPG, PNG or Word (DOCX) file"),
        ("macro.docx", docx(macro=True), "must be a PDF, JPG, PNG or Word (DOCX) file"),
        ("empty.pdf", b"", "The selected file is empty"),
        ("big.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024), "smaller than 5 MB"),
    ],
)
def test_a_bad_upload_is_refused_with_a_clear_message(
    client: Client, name: str, content: bytes, message: str
) -> None:
    professional_until_check(client)

    response = upload(client, name, content)

    assert response.status_code == 200
    assert message in errors_of(response)
    assert 'href="#documents"' in response.content.decode()
    assert not Document.objects.exists()


def test_upload_without_a_file_and_too_many_files(client: Client) -> None:
    professional_until_check(client)
    assert "Select a file to upload" in errors_of(
        client.post(url("referral-evidence"), {"action": "upload"})
    )
    for index in range(5):
        upload(client, f"file{index}.pdf", PDF)
    refused = upload(client, "six.pdf", PDF, action="continue")
    assert "You can upload up to 5 files" in errors_of(refused)
    assert Document.objects.count() == 5


def test_continue_with_a_file_chosen_uploads_it(client: Client) -> None:
    professional_until_check(client)
    assert upload(client, "note.pdf", PDF, action="continue")["Location"] == url("referral-check")
    assert Document.objects.get().filename == "note.pdf"
