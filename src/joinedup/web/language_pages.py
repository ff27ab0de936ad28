"""The language check as one types (an HTMX partial): what in a text may blame or judge the
child, pointed out, never refused. One endpoint serves every form that has it (the concern,
a panel decision or action, the risk assessment's narrative and reasons): the form names
the field whose text is checked, and posts its fields as usual."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from joinedup.app.language import check_note
from joinedup.web.auth import check_csrf, visitor
from joinedup.web.state import state

router = APIRouter()
MAX_TEXT = 20_000
FIELD = re.compile(r"[a-z][a-z0-9_]{0,63}")  # a form field's name, as the templates write it


async def _posted(request: Request) -> dict[str, str]:
    """The posted form's text fields (read once, before the sync handler runs)."""
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


Posted = Annotated[dict[str, str], Depends(_posted)]


@router.post("/language")
def language(request: Request, form: Posted, field: str = "text") -> Response:
    """Check the text of the posted form's ``field`` (``text`` by default): nothing is
    stored and nothing is read from the store, so every signed-in user may ask. The answer's
    id names the field, so a form with several checked fields never repeats an id."""
    me = visitor(request)
    check_csrf(request, me, form.get("csrf_token"))
    named = FIELD.fullmatch(field) and field != "csrf_token"  # the token is not a text
    text = form.get(field, "")[:MAX_TEXT] if named else ""
    findings = check_note(text) if text.strip() else []
    return state(request).templates.TemplateResponse(
        request, "_language_findings.html", {"findings": findings, "field": field if named else ""}
    )
