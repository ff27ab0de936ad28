"""The SMTP URL: the three schemes, their default ports, credentials only over TLS, and a
redacted form for logs."""

from __future__ import annotations

import pytest

from joinedup.common.smtp import SmtpUrlError, message, parse_smtp_url, redact


def test_the_three_schemes_and_their_ports() -> None:
    plain = parse_smtp_url("smtp://127.0.0.1:8025")
    assert (plain.scheme, plain.host, plain.port, plain.user) == ("smtp", "127.0.0.1", 8025, None)
    assert parse_smtp_url("smtp://relay").port == 25
    tls = parse_smtp_url("smtps://mailer:p%40ss@mail.example")
    assert (tls.port, tls.user, tls.password) == (465, "mailer", "p@ss")
    assert parse_smtp_url("smtp+starttls://u:p@mail.example").port == 587


@pytest.mark.parametrize(
    "url",
    ["http://mail.example", "mail.example:25", "smtp://", "smtp://u:p@relay:25", "smtp://h:99999"],
)
def test_urls_it_cannot_use_are_refused(url: str) -> None:
    with pytest.raises(SmtpUrlError):
        parse_smtp_url(url)


def test_the_password_never_shows() -> None:
    url = "smtps://mailer:secret@mail.example:465"
    assert redact(url) == "smtps://mail.example:465"
    assert "secret" not in repr(parse_smtp_url(url))
    assert "secret" not in redact("smtp://mailer:secret@relay")


def test_a_plain_text_message() -> None:
    sent = message("from@example.org", "to@example.org", "Subject", "Body\n")
    assert sent["To"] == "to@example.org" and sent.get_content() == "Body\n"
