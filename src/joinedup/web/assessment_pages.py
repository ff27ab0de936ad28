"""The risk assessment in the browser (issue 17, social worker and CSE team): the form
pre-filled from the linked records, each indicator confirmed or overridden with a reason, the
narrative practitioners write (with the language check as they type, ``/language``), the
category and next review date before saving; then every version side by side. The app
decides who may (:class:`Forbidden`, shown as the 404 page); the pages only render."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import RedirectResponse

from joinedup.app.risk_assessment import (
    NARRATIVE,
    AssessmentForm,
    assessment_form,
    assessment_versions,
    category_words,
    grade_preview,
    preview_grade,
)
from joinedup.app.safeguarding import record_assessment
from joinedup.web.auth import Visitor, check_csrf, visitor
from joinedup.web.state import state
from joinedup.web.work_pages import page

router = APIRouter()
MAX_TEXT = 10_000


async def _posted(request: Request) -> dict[str, str]:
    """The posted form's text fields (read once, before the sync handler runs)."""
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


Posted = Annotated[dict[str, str], Depends(_posted)]


def _age(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) < 4 else None


def _answers(form: dict[str, str]) -> dict[str, bool]:
    return {k[4:]: v == "yes" for k, v in form.items() if k.startswith("ind_")}


def _show(
    request: Request,
    me: Visitor,
    found: AssessmentForm,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    posted = form or {}
    answers = {r.id: r.suggested for r in found.indicators} | _answers(posted)
    graded = preview_grade(answers, found.prefill.age_today, date.today()) if form else found.graded
    texts = {n: posted.get(n, found.narrative.get(n, "")) for n in NARRATIVE}
    # each problem links to its field ("answers": the app's own refusal, to the indicators)
    problems = [("indicators" if k == "answers" else k, v) for k, v in (errors or {}).items()]
    return page(
        request, me, "assessment.html", a=found, answers=answers, form=posted, texts=texts,
        errors=errors or {}, problems=problems, graded=graded, today=date.today(),
    )  # fmt: skip


@router.get("/people/{person_id}/assessment")
def assessment(request: Request, person_id: str) -> Response:
    """The risk assessment form, pre-filled from every record the worker may see."""
    me = visitor(request)
    return _show(request, me, assessment_form(me.caller, person_id))


@router.post("/people/{person_id}/assessment/grade")
def grade(request: Request, person_id: str, form: Posted) -> Response:
    """The category and next review date the answers on the form would give (an HTMX
    partial; nothing is stored)."""
    me = visitor(request)
    check_csrf(request, me, form.get("csrf_token"))
    graded = grade_preview(me.caller, _answers(form), _age(form.get("age", "")), date.today())
    return state(request).templates.TemplateResponse(
        request, "_assessment_grade.html", {"graded": graded, "today": date.today()}
    )


@router.post("/people/{person_id}/assessment")
def save(request: Request, person_id: str, form: Posted) -> Response:
    """Record a new version: each indicator confirmed or overridden (a reason is needed
    where the answer differs from what the records suggest), with the narrative."""
    me = visitor(request)
    check_csrf(request, me, form.get("csrf_token"))
    errors: dict[str, str] = {}
    answers: dict[str, tuple[bool, str | None]] = {}
    for name, present in _answers(form).items():
        reason = form.get(f"reason_{name}", "").strip()[:500]
        if present != (form.get(f"suggested_{name}") == "yes") and not reason:
            errors[f"reason_{name}"] = "Say why your answer differs from what the records suggest"
        answers[name] = (present, reason or None)
    for n in NARRATIVE:
        if len(form.get(n, "")) > MAX_TEXT:
            errors[n] = f"Write at most {MAX_TEXT:,} characters (put the detail in the case record)"
    if not errors:
        try:
            done = record_assessment(
                me.caller,
                person_id,
                answers,
                child_views=form.get("child_views") or None,
                protective_factors=form.get("protective_factors") or None,
                safety_plan=form.get("safety_plan") or None,
            )
        except ValueError as exc:  # an override without a reason, a text too long
            errors["answers"] = str(exc)
        else:
            a = done.item
            warn = "1" if done.language else ""
            return RedirectResponse(
                f"/people/{person_id}/assessments?saved={a.version}&warn={warn}", status_code=303
            )
    return _show(request, me, assessment_form(me.caller, person_id), form, errors)


@router.get("/people/{person_id}/assessments")
def versions(request: Request, person_id: str, saved: str = "", warn: str = "") -> Response:
    """Every version of the child's assessment side by side, what changed highlighted."""
    me = visitor(request)
    found = assessment_versions(me.caller, person_id)
    return page(
        request, me, "assessments.html", v=found, words=category_words,
        saved=saved if saved.isdigit() else "", warn=bool(warn),
    )  # fmt: skip
