"""The concern form and its status (issue 17, referrer): name the child, say what was seen;
the language check shown as one types (``/language``: warn, never refuse); then where it
went and whether each recipient has read it, updated while the page is open. The app decides
who may (:class:`Forbidden`, shown as the 404 page); the pages only render."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from joinedup.app.concerns import Concern, ConcernForm, concern_form, send_concern
from joinedup.app.intelligence import grading_in_words, my_submissions, submission_status
from joinedup.web.auth import Visitor, check_csrf, visitor
from joinedup.web.state import state
from joinedup.web.work_pages import page

router = APIRouter()
PARTS = ("source", "intelligence", "handling")  # the 3x5x2 grading, in its order


def _born(day: str, month: str, year: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


@router.get("/concerns")
def concerns(request: Request) -> Response:
    """The referrer's own concerns, newest first, and a link to tell a new one."""
    me = visitor(request)
    mine = my_submissions(me.caller)
    return page(request, me, "concerns.html", mine=mine)


@router.get("/concerns/new")
def new_concern(request: Request) -> Response:
    """The concern form."""
    me = visitor(request)
    return _form(request, me, concern_form(me.caller), {}, {})


def _form(
    request: Request, me: Visitor, offer: ConcernForm, form: dict[str, str], errors: dict[str, str]
) -> Response:
    return page(
        request,
        me,
        "concern_form.html",
        form=form,
        errors=errors,
        urgencies=offer.urgencies,
        gradings=offer.gradings,
    )


def _grading(offer: ConcernForm, chosen: dict[str, str], errors: dict[str, str]) -> str | None:
    """The 3x5x2 grading chosen (police only: all three parts, or none of them)."""
    if offer.gradings is None or not any(chosen.values()):
        return None
    for part, name, grades in offer.gradings:
        if chosen[part] not in {t.code for t in grades}:
            errors[f"grade_{part}"] = f"Choose the {name.lower()}, or clear all three"
    return "-".join(chosen[p] for p in PARTS)


@router.post("/concerns")
def send(
    request: Request,
    forename: Annotated[str, Form()] = "",
    surname: Annotated[str, Form()] = "",
    born_day: Annotated[str, Form()] = "",
    born_month: Annotated[str, Form()] = "",
    born_year: Annotated[str, Form()] = "",
    seen: Annotated[str, Form()] = "",
    when: Annotated[str, Form()] = "",
    where: Annotated[str, Form()] = "",
    vehicles: Annotated[str, Form()] = "",
    phones: Annotated[str, Form()] = "",
    people: Annotated[str, Form()] = "",
    urgency: Annotated[str, Form()] = "routine",
    grade_source: Annotated[str, Form()] = "",
    grade_intelligence: Annotated[str, Form()] = "",
    grade_handling: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Send the concern: the child matched (or not), the concern routed at once (a police
    user's with its 3x5x2 grading)."""
    me = visitor(request)
    check_csrf(request, me, csrf_token)
    offer = concern_form(me.caller)
    chosen = dict(source=grade_source, intelligence=grade_intelligence, handling=grade_handling)
    form = dict(
        forename=forename, surname=surname, born_day=born_day, born_month=born_month,
        born_year=born_year, seen=seen, when=when, where=where, vehicles=vehicles,
        phones=phones, people=people, urgency=urgency,
        **{f"grade_{k}": v[:2] for k, v in chosen.items()},
    )  # fmt: skip
    errors: dict[str, str] = {}
    grading = _grading(offer, chosen, errors)
    if not seen.strip():
        errors["seen"] = "Say what was seen or heard"
    born = _born(born_day, born_month, born_year)
    if any(v.strip() for v in (born_day, born_month, born_year)) and born is None:
        errors["born_day"] = "Enter a real date of birth, for example 27 3 2011"
    if urgency not in offer.urgencies:
        errors["urgency"] = "Choose how urgent it is"
    if errors:
        return _form(request, me, offer, form, errors)
    concern = Concern(
        forename[:200], surname[:200], born, seen[:20_000], when[:200], where[:500],
        tuple(v.strip() for v in vehicles.split(",") if v.strip())[:10],
        tuple(p.strip() for p in phones.split(",") if p.strip())[:10],
        people[:2000], urgency, grading,
    )  # fmt: skip
    sent, match = send_concern(me.caller, concern)
    return RedirectResponse(f"/concerns/{sent.submission.id}?match={match.found}", status_code=303)


@router.get("/concerns/{submission_id}")
def concern(request: Request, submission_id: str, match: str = "") -> Response:
    """Where the concern went and whether each recipient has read it."""
    me = visitor(request)
    sub, routes = submission_status(me.caller, submission_id)
    graded = grading_in_words(sub.grading) if sub.grading else []
    return page(
        request, me, "concern.html", sub=sub, routes=routes, match=match, graded=graded,
        partial=False,
    )  # fmt: skip


@router.get("/concerns/{submission_id}/routes")
def concern_routes(request: Request, submission_id: str) -> Response:
    """The recipients table alone (polled by the status page while it is open)."""
    me = visitor(request)
    sub, routes = submission_status(me.caller, submission_id)
    return state(request).templates.TemplateResponse(
        request, "_concern_routes.html", {"sub": sub, "routes": routes}
    )
