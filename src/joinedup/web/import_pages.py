"""The upload page (issue 17, administrator): upload an agency export (CSV, XLSX, or an SSD
folder as a zip) with its format; it is imported in the background by the server (the
browser may close), with a progress bar (HTMX polling) and, when done, the reconciliation:
rows read = accepted + quarantined."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, Response, UploadFile
from fastapi.responses import RedirectResponse

from joinedup.app import administration, imports
from joinedup.app.errors import NotFound
from joinedup.web.auth import Visitor, check_csrf, visitor
from joinedup.web.directory_pages import page

router = APIRouter()


def _imports_page(request: Request, me: Visitor, error: str = "") -> Response:
    jobs = imports.import_jobs(me.caller)
    return page(
        request,
        me,
        "admin_imports.html",
        jobs=jobs,
        choices=imports.choices(),
        agencies=sorted(a["name"] for a in administration.list_agencies(me.caller)),
        error=error,
    )


@router.get("/admin/imports")
def imports_page(request: Request) -> Response:
    """The latest uploads and their state; the form to upload an export."""
    me = visitor(request)
    return _imports_page(request, me)


@router.post("/admin/imports")
def upload(
    request: Request,
    export: Annotated[UploadFile | None, File()] = None,
    agency: Annotated[str, Form(max_length=200)] = "",
    choice: Annotated[str, Form(max_length=200)] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    """Check the file and start its import in the background; then its page."""
    me = visitor(request)
    check_csrf(request, me, csrf_token)
    if export is None or not export.filename:
        return _imports_page(request, me, "Choose the file to upload")
    if not agency:
        return _imports_page(request, me, "Say which agency sent it")
    try:
        run_id = imports.upload(me.caller, export.file, export.filename, agency, choice)
    except imports.UploadRefused as exc:
        return _imports_page(request, me, str(exc))
    return RedirectResponse(f"/admin/imports/{run_id}", status_code=303)


def _job(me: Visitor, run_id: str) -> imports.ImportJob:
    job = imports.import_job(me.caller, run_id[:64])
    if job is None:
        raise NotFound(f"no upload {run_id[:64]}")
    return job


@router.get("/admin/imports/{run_id}")
def import_page(request: Request, run_id: str) -> Response:
    """One upload: its progress while it runs, its reconciliation once done."""
    me = visitor(request)
    return page(request, me, "admin_import.html", job=_job(me, run_id))


@router.get("/admin/imports/{run_id}/progress")
def import_progress(request: Request, run_id: str) -> Response:
    """The progress fragment HTMX polls (it stops polling once the import has ended)."""
    me = visitor(request)
    return page(request, me, "_import_progress.html", job=_job(me, run_id))
