"""Notification emails against a real SMTP server (aiosmtpd on 127.0.0.1, started here):
only "something to see" and the link, never a name or case detail; each notification told
once, across runs of the worker; a failed send logged without personal data and retried."""

from __future__ import annotations

import email
import logging
import socket
from collections.abc import Iterator
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from joinedup.app import administration
from joinedup.app.context import Caller, pipeline
from joinedup.app.notify_email import email_notifications
from joinedup.app.schedule import JobSchedule, Schedule
from joinedup.app.worker import run_due
from tests.app.notification_world import CONCERN, build
from tests.web.conftest import Web

ADDRESS = "sw.one@social-care.example"
BASE = "https://joinedup.example"
ADMIN = Caller("admin", "administration")
# what an email must never carry: the child, the concern, the flag, the agencies, the action
SECRET = (
    "Aisha",
    "Ayesha",
    "Khan",
    CONCERN,
    "silver car",
    "missing",
    "Health",
    "Police",
    "escalat",
    "action",
    "flag",
    "sw.one",
)


class Inbox:
    """Messages the test server received."""

    def __init__(self) -> None:
        self.messages: list[tuple[Envelope, Message]] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.content if isinstance(envelope.content, bytes) else b""
        self.messages.append((envelope, email.message_from_bytes(raw)))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    """An SMTP server on 127.0.0.1 and the settings that point at it."""
    inbox = Inbox()
    port = _free_port()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    monkeypatch.setenv("JOINEDUP_SMTP_URL", f"smtp://127.0.0.1:{port}")
    monkeypatch.setenv("JOINEDUP_BASE_URL", BASE + "/")
    monkeypatch.setenv("JOINEDUP_MAIL_FROM", "notifications@joinedup.example")
    try:
        yield inbox
    finally:
        server.stop()


def test_an_email_says_only_there_is_something_to_see_and_is_sent_once(
    web: Web, smtp: Inbox
) -> None:
    build(web)
    administration.set_user_email(ADMIN, "sw.one", ADDRESS)
    report = email_notifications(pipeline("safeguarding"))
    assert report["emailed"] == 1 and report["failed"] == 0 and report["notifications"] == 6
    assert len(smtp.messages) == 1
    envelope, sent = smtp.messages[0]
    assert envelope.rcpt_tos == [ADDRESS] and sent["To"] == ADDRESS
    assert sent["From"] == "notifications@joinedup.example"
    body = sent.get_payload(decode=True)
    assert isinstance(body, bytes)
    text = body.decode()
    assert f"{BASE}/notifications" in text
    whole = f"{sent['Subject']}\n{text}"
    for secret in SECRET:
        assert secret.lower() not in whole.lower(), secret
    # again, and through the worker's job (a restart reads the same stored state): nothing new
    again = email_notifications(pipeline("safeguarding"))
    assert again["emailed"] == 0
    off = JobSchedule(every="1d", enabled=False)  # chasing would escalate: a new notification
    only = Schedule(jobs={"drops": off, "escalate": off, "chase": off})
    results = run_due(only, force=True)
    assert {r.job: r.outcome for r in results}["notify"] == "ok"
    assert len(smtp.messages) == 1


def test_nothing_is_sent_without_a_server_or_an_address(
    web: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(web, escalate=False)
    monkeypatch.delenv("JOINEDUP_SMTP_URL", raising=False)
    assert email_notifications(pipeline("safeguarding")) == {"smtp": "not set", "emailed": 0}


def test_what_was_read_in_the_app_is_not_emailed_and_new_things_are(web: Web, smtp: Inbox) -> None:
    from joinedup.app.notifications import mark_read

    build(web, escalate=False)
    administration.set_user_email(ADMIN, "sw.one", ADDRESS)
    mark_read(Caller("sw.one", "safeguarding"))
    assert email_notifications(pipeline("safeguarding"))["emailed"] == 0
    build(web, escalate=False, panel="Second panel")  # new concern, flags, actions
    assert email_notifications(pipeline("safeguarding"))["emailed"] == 1
    assert len(smtp.messages) == 1


def test_a_failed_send_is_logged_without_personal_data_and_retried(
    web: Web, smtp: Inbox, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    build(web, escalate=False)
    administration.set_user_email(ADMIN, "sw.one", ADDRESS)
    working = str(__import__("os").environ["JOINEDUP_SMTP_URL"])
    monkeypatch.setenv(
        "JOINEDUP_SMTP_URL", f"smtp+starttls://user:hunter2@127.0.0.1:{_free_port()}"
    )
    with caplog.at_level(logging.WARNING):
        report = email_notifications(pipeline("safeguarding"))
    assert report["emailed"] == 0 and report["failed"] == 1
    logged = caplog.text
    assert "tried again next run" in logged
    for secret in (ADDRESS, "sw.one", "hunter2", "user:", "Aisha"):
        assert secret not in logged
    assert "hunter2" not in str(report)
    monkeypatch.setenv("JOINEDUP_SMTP_URL", working)
    assert email_notifications(pipeline("safeguarding"))["emailed"] == 1
    assert len(smtp.messages) == 1
