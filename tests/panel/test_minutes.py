"""The Markdown minutes (issue 13, point 9): typed text cannot add structure to them.

Decision, action and item text, reasons and flag summaries are escaped: rendered by a
CommonMark renderer (with GFM tables and strikethrough) they are the text that was typed, with
no heading, link, image, HTML tag, table or emphasis of their own.
"""

from __future__ import annotations

import html
import re
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from joinedup.model.access import Actor
from joinedup.model.base import new_id
from joinedup.model.panel import Action, AgendaItem, Decision, PanelMeeting
from joinedup.panel.meetings import Minutes
from joinedup.panel.minutes import markdown, md

RENDERER = MarkdownIt("commonmark").enable("table").enable("strikethrough")
HOSTILE = (
    "# Heading\n[click here](http://evil.example) <script>alert(1)</script> "
    "<img src=x onerror=alert(1)> **bold** _it_ `code` ~~gone~~ &copy; ![i](x.png)\n"
    "| a | b |\n|---|---|\n| c | d |\n\n- a list\n> a quote\r\n1. first"
)


def _flat(text: str) -> str:
    """``text`` as the minutes show it: line breaks and control characters as one space."""
    return re.sub("[\x00-\x1f\x7f\x85\u2028\u2029]+", " ", text)


@settings(max_examples=300, deadline=None)
@given(text=st.text())
def test_escaped_text_renders_as_itself(text: str) -> None:
    tokens = RENDERER.parseInline(f"x {md(text)} x")[0].children or []
    assert {t.type for t in tokens} <= {"text", "text_special"}
    assert "".join(t.content for t in tokens) == f"x {_flat(text)} x"


def _minutes(text: str) -> Minutes:
    agency, panel, meeting_id = new_id(), new_id(), new_id()
    chair = new_id()
    meeting = PanelMeeting(
        id=meeting_id, agency_id=agency, panel_id=panel, held_on=date(2026, 3, 4), chair_id=chair
    )
    briefing = {
        "withdrawn": text,
        "category": "category_3",
        "category_basis": text,
        "agencies": ["police", text],
        "agency_keys": {"police": [text, "INC1"]},
        "route_id": new_id(),
        "reason": text,
        "acknowledge_by": text,
        "flags": [{"rule": text, "status": "open", "summary": text}],
    }
    item = AgendaItem(
        id=new_id(),
        agency_id=agency,
        panel_id=panel,
        meeting_id=meeting_id,
        position=1,
        title=text[:200],
        briefing=briefing,
    )
    decided = Decision(
        id=new_id(),
        agency_id=agency,
        panel_id=panel,
        meeting_id=meeting_id,
        agenda_item_id=item.id,
        text=text,
    )
    general = Decision(
        id=new_id(), agency_id=agency, panel_id=panel, meeting_id=meeting_id, text=text
    )
    actions = [
        Action(
            id=new_id(),
            agency_id=agency,
            decision_id=d.id,
            description=text,
            owner_user_id=chair,
            due_on=date(2026, 4, 1),
        )
        for d in (decided, general)
    ]
    return Minutes(meeting, [item], [decided, general], actions)


def test_hostile_decision_action_and_item_text_adds_no_structure() -> None:
    minutes = _minutes(HOSTILE)
    names = {minutes.meeting.chair_id or "": Actor(
        user_id=minutes.meeting.chair_id or "", username="chair_[x](y)", agency_id=new_id(),
        role="panel_chair",
    )}  # fmt: skip
    text = markdown(minutes, names, "Dunmere MASE <b>", date(2026, 3, 4))
    rendered = RENDERER.render(text)
    for tag in ("<a ", "<script", "<img", "<table", "<code>", "<s>", "<blockquote>"):
        assert tag not in rendered, tag
    assert rendered.count("<h1>") == 1 and rendered.count("<h2>") == 2  # the minutes' own
    assert rendered.count("<em>") == 1 and rendered.count("<ol>") == 1  # the marking, the items
    assert rendered.count("<strong>") == 3  # the item's title and the two decision labels
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered
    assert html.escape(_flat(HOSTILE), quote=False) in rendered
    assert "Dunmere MASE &lt;b&gt;" in rendered and "chair_[x](y)" in rendered
