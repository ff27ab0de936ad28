"""The minutes of a panel meeting as Markdown: who, when, who attended and who sent apologies,
each agenda item with its reasons, the decisions against it and the actions that follow, then
the general decisions. Minutes that leave the service (a file, a download) are logged as a
disclosure of the meeting, its items, decisions and actions to the panel's members.

Everything typed or derived from agencies' records (titles, decision and action text, reasons,
flag summaries, record keys, names) is escaped by :func:`md`, so it reads as the text it is
and cannot add structure to the minutes: no heading, list, link, image, HTML tag, table or
emphasis of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from joinedup.model.access import Actor
from joinedup.model.panel import Action, AgendaItem, Decision, PanelMeeting
from joinedup.panel.attendance import LABELS, by_mark
from joinedup.panel.briefing import CATEGORY_LABEL
from joinedup.panel.meetings import Minutes, minutes
from joinedup.store.actor_session import ActorSession

MARKING = "OFFICIAL-SENSITIVE: for the members of the panel; do not forward."
_BREAKS = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]+")
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")


def md(value: object) -> str:
    """``value`` as Markdown text that renders as itself, placed after the start of a line.

    Line breaks and other control characters become one space (so no new block, heading or
    list can start); the characters that open inline structure (emphasis, code, links and
    images, HTML tags and entities, table cells, strikethrough) are backslash-escaped.
    """
    return _SPECIAL.sub(r"\\\1", _BREAKS.sub(" ", str(value)))


_LEAD = re.compile(r"^\s*- ")
_ESCAPED = re.compile(r"\\(.)")


def plain(line: str) -> str:
    """A line of :func:`reasons` as plain text (no list mark, no escapes)."""
    return _ESCAPED.sub(r"\1", _LEAD.sub("", line))


def _who(names: dict[str, Actor], user_id: str | None) -> str:
    found = names.get(user_id or "")
    return md(found.username) if found else "unassigned"


def _action_lines(actions: list[Action], names: dict[str, Actor]) -> list[str]:
    lines = []
    for a in actions:
        state = a.status if a.escalation_level == 0 else f"{a.status}, level {a.escalation_level}"
        lines.append(
            f"    - Action ({_who(names, a.owner_user_id)}, due {a.due_on}, {md(state)}): "
            f"{md(a.description)}"
        )
    return lines


def reasons(item: AgendaItem) -> list[str]:
    """The item's briefing as indented Markdown list lines (its text escaped)."""
    b = item.briefing
    lines = []
    if b.get("withdrawn"):
        lines.append(f"  - Withdrawn: {md(b['withdrawn'])}")
    if b.get("category"):
        basis = f" ({md(b['category_basis'])})" if b.get("category_basis") else ""
        label = CATEGORY_LABEL.get(b["category"]) or md(b["category"])
        lines.append(f"  - Risk: {label}{basis}")
    if b.get("agencies"):
        agencies = ", ".join(md(a.replace("_", " ")) for a in b["agencies"])
        lines.append(f"  - Agencies: {agencies}")
    for agency, keys in (b.get("agency_keys") or {}).items():
        shown = ", ".join(md(k) for k in keys)
        lines.append(f"  - {md(agency.replace('_', ' '))} records: {shown}")
    if b.get("route_id"):
        lines.append(f"  - Routed because: {md(b.get('reason', ''))}")
        lines.append(f"  - To be acknowledged by: {md(b.get('acknowledge_by', ''))}")
    if b.get("action_id"):
        owner = md(b.get("owner") or "unassigned")
        lines.append(f"  - Owner: {owner}; due {md(b.get('due_on'))}")
    for flag in b.get("flags", []):
        lines.append(
            f"  - Flag {md(flag['rule'])} ({md(flag['status'])}): {md(flag.get('summary') or '')}"
        )
    return lines


@dataclass(frozen=True)
class Gathered:
    """What the minutes are made of: the record, users' names by id, the panel's name."""

    record: Minutes
    names: dict[str, Actor]
    panel: str

    def who(self, user_id: str | None) -> str:
        """A user's name (unescaped), or "unassigned"."""
        found = self.names.get(user_id or "")
        return found.username if found else "unassigned"

    def attendance(self) -> dict[str, list[str]]:
        """Names under each attendance mark."""
        names = {i: a.username for i, a in self.names.items()}
        return by_mark(self.record.meeting, names)


def gather(session: ActorSession, meeting_id: str) -> Gathered:
    """The minutes' content, read as ``session`` may (a member of the panel)."""
    session.require("panel.write_minutes")
    record = minutes(session, meeting_id)
    panels = {p.id: p.name for p in session.my_panels()}
    m = record.meeting
    users = [m.chair_id, *m.attendance, *(a.owner_user_id for a in record.actions)]
    names = session.colleagues(u for u in users if u)
    return Gathered(record, names, panels.get(m.panel_id, "Panel"))


def disclose(session: ActorSession, found: Gathered) -> None:
    """Log the minutes leaving the service: a disclosure of everything in them to the panel's
    members (the audit names the meeting, its items, decisions and actions)."""
    record = found.record
    to = f"members of {found.panel}"
    session.disclose(PanelMeeting, [record.meeting.id], recipient=to)
    for model, ids in (
        (AgendaItem, [i.id for i in record.items]),
        (Decision, [d.id for d in record.decisions]),
        (Action, [a.id for a in record.actions]),
    ):
        if ids:
            session.disclose(model, ids, recipient=to)


def markdown(record: Minutes, names: dict[str, Actor], panel_name: str, today: date) -> str:
    """Render gathered minutes."""
    m = record.meeting
    marks = by_mark(m, {i: a.username for i, a in names.items()})
    present = [
        f"- {LABELS[mark]}: {', '.join(md(n) for n in seen) or 'none recorded'}"
        for mark, seen in marks.items()
        if seen or mark != "absent"
    ]
    out = [
        f"# {md(panel_name)}: meeting of {m.held_on}",
        "",
        f"*{MARKING}*",
        "",
        f"- Chair: {_who(names, m.chair_id)}",
        f"- Status: {md(m.status)}"
        + (f" (closed {m.closed_at:%Y-%m-%d %H:%M})" if m.closed_at else ""),
        f"- Minutes produced: {today}",
        *present,
        "",
        "## Agenda, decisions and actions",
        "",
    ]
    if not record.items:
        out.append("No agenda items.")
    for item in record.items:
        out.append(f"{item.position}. **{md(item.title)}** ({md(item.section)})")
        out.extend(reasons(item))
        for d in record.decisions_for(item.id):
            out.append(f"  - **Decision**: {md(d.text)}")
            out.extend(_action_lines(record.actions_for([d.id]), names))
    general = record.decisions_for(None)
    if general:
        out += ["", "## Other decisions", ""]
        for d in general:
            out.append(f"- **Decision**: {md(d.text)}")
            out.extend(_action_lines(record.actions_for([d.id]), names))
    loose = [a for a in record.actions if a.decision_id is None]
    if loose:
        out += ["", "## Other actions", ""]
        out.extend(line.strip() for line in _action_lines(loose, names))
    return "\n".join(out) + "\n"


def render_minutes(
    session: ActorSession, meeting_id: str, *, today: date, leaving: bool = False
) -> str:
    """The minutes of ``meeting_id`` as Markdown (a member of its panel may read them);
    ``leaving``: they are written out of the service, logged as a disclosure."""
    found = gather(session, meeting_id)
    if leaving:
        disclose(session, found)
    return markdown(found.record, found.names, found.panel, today)
