"""Use case of the worker's ``notify`` job: email each person with an address that there is
something new to see in joinedup (issue 17).

The email says only that, and links to the notifications page (``JOINEDUP_BASE_URL`` +
``/notifications``): never a name, a kind of concern or any case detail. Each notification is
told once: a person is emailed when they have a notification that no email told them of and
that they have not read, and every notification the email covers is then stamped as emailed
(:mod:`joinedup.store.notices`), so a worker restarted, or run again, sends nothing twice. A
send that fails is logged with the error's kind only (no address, no name) and, left unstamped,
is tried again on the next run. With no ``JOINEDUP_SMTP_URL`` the job sends nothing.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import date
from typing import Any

from joinedup.app.context import Caller, runtime, session
from joinedup.app.notifications import gather, notification_settings, pending_for
from joinedup.common.smtp import Mailer, message, parse_smtp_url, redact
from joinedup.store import notices

__all__ = ["email_notifications", "notifications_link"]

log = logging.getLogger(__name__)
PAGE = "/notifications"


def notifications_link(base_url: str) -> str:
    """The link every notification email carries."""
    return base_url.rstrip("/") + PAGE


def email_notifications(who: Caller, today: date | None = None) -> dict[str, Any]:
    """Email every person with an address who has notifications not yet told (the service
    account reads what is pending; each person's kinds follow their role). Returns counts."""
    rt = runtime()
    settings = rt.settings
    if not settings.smtp_url:
        return {"smtp": "not set", "emailed": 0}
    server = parse_smtp_url(settings.smtp_url)
    rules = notification_settings()
    with session(who, rt) as opened:
        people = opened.mail_recipients()
        found = gather(opened, set(rules.kinds))
    day = today or date.today()
    link = notifications_link(settings.base_url)
    body = rules.email.body.format(link=link)
    due: list[tuple[str, str, list[str]]] = []
    for person, address in people:
        live = [n.key for n in pending_for(person, found, day)]
        state = notices.states(rt.engine, person.user_id)
        fresh = [k for k in live if not ((s := state.get(k)) and (s.read_at or s.emailed_at))]
        notices.forget_except(rt.engine, person.user_id, live)
        if fresh:
            due.append((person.user_id, address, fresh))
    report: dict[str, Any] = {"smtp": redact(settings.smtp_url), "people": len(people)}
    report.update(emailed=0, failed=0, notifications=0)
    if not due:
        return report
    try:
        with Mailer(server) as mailer:
            for user_id, address, keys in due:
                try:
                    mailer.send(message(settings.mail_from, address, rules.email.subject, body))
                except (smtplib.SMTPException, OSError) as exc:
                    report["failed"] += 1
                    log.warning("notification email not sent (%s); tried next run", _kind(exc))
                    continue
                notices.mark_emailed(rt.engine, user_id, keys)
                report["emailed"] += 1
                report["notifications"] += len(keys)
    except (smtplib.SMTPException, OSError) as exc:
        report["failed"] = len(due) - report["emailed"]
        log.warning(
            "the SMTP server %s failed (%s); %d email(s) tried again next run",
            redact(settings.smtp_url),
            _kind(exc),
            report["failed"],
        )
    return report


def _kind(exc: BaseException) -> str:
    """The error's kind and SMTP code, never its text (a server may echo the address)."""
    code = getattr(exc, "smtp_code", None)
    return f"{type(exc).__name__}{f' {code}' if code else ''}"
