"""The minutes of a panel meeting as a Word document, since partnerships circulate Word: the
same content as the Markdown minutes (who, attendance, the agenda with its reasons, decisions
and actions) in headings, paragraphs and one table of actions. Text is placed as text: Word
has no markup to escape, and nothing typed can add structure."""

from __future__ import annotations

import io
import re
from datetime import date

from docx import Document
from docx.shared import Pt

from joinedup.model.panel import Action
from joinedup.panel.attendance import LABELS
from joinedup.panel.minutes import MARKING, Gathered, plain

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # XML 1.0 refuses these


def _text(value: object) -> str:
    """``value`` as text Word can hold (control characters dropped)."""
    return _CONTROL.sub("", str(value))


def _state(action: Action) -> str:
    if action.escalation_level:
        return f"{action.status}, level {action.escalation_level}"
    return action.status


def minutes_docx(found: Gathered, today: date, reasons: dict[str, list[str]]) -> bytes:
    """The gathered minutes as a .docx file's bytes (``reasons``: each item's briefing lines,
    by item id)."""
    record, m = found.record, found.record.meeting
    doc = Document()
    doc.core_properties.title = _text(f"{found.panel}: meeting of {m.held_on}")
    doc.core_properties.author = "joinedup"
    doc.add_heading(_text(f"{found.panel}: meeting of {m.held_on}"), level=0)
    marking = doc.add_paragraph().add_run(MARKING)
    marking.bold = True
    marking.font.size = Pt(10)
    closed = f" (closed {m.closed_at:%Y-%m-%d %H:%M})" if m.closed_at else ""
    for line in (
        f"Chair: {found.who(m.chair_id)}",
        f"Status: {m.status}{closed}",
        f"Minutes produced: {today}",
        *(
            f"{LABELS[mark]}: {', '.join(names) or 'none recorded'}"
            for mark, names in found.attendance().items()
            if names or mark != "absent"
        ),
    ):
        doc.add_paragraph(_text(line))
    doc.add_heading("Agenda, decisions and actions", level=1)
    if not record.items:
        doc.add_paragraph("No agenda items.")
    for item in record.items:
        doc.add_heading(_text(f"{item.position}. {item.title}"), level=2)
        for line in reasons.get(item.id, []):
            doc.add_paragraph(_text(plain(line)), style="List Bullet")
        for d in record.decisions_for(item.id):
            para = doc.add_paragraph()
            para.add_run("Decision: ").bold = True
            para.add_run(_text(d.text))
    general = record.decisions_for(None)
    if general:
        doc.add_heading("Other decisions", level=1)
        for d in general:
            doc.add_paragraph(_text(d.text), style="List Bullet")
    doc.add_heading("Actions", level=1)
    if not record.actions:
        doc.add_paragraph("No actions.")
    else:
        table = doc.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, title in zip(
            table.rows[0].cells, ("Action", "Owner", "Due", "Status"), strict=True
        ):
            cell.text = title
        for a in record.actions:
            row = table.add_row().cells
            row[0].text = _text(a.description)
            row[1].text = _text(found.who(a.owner_user_id))
            row[2].text = str(a.due_on or "")
            row[3].text = _state(a)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
