"""API fuzzing with schemathesis against /api/v1/openapi.json, in-process (ASGI): for every
operation, signed in as each role and signed out, a few generated requests each: no answer
is a server error, and every answer conforms to the OpenAPI document (status code, content
type, body schema). Bounded (a few examples per operation) so CI stays fast."""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.generation.modes import GenerationMode

from tests.web.conftest import USERS, Web

# per operation and role; JOINEDUP_FUZZ_EXAMPLES=200 for a deeper run by hand
EXAMPLES = int(os.environ.get("JOINEDUP_FUZZ_EXAMPLES", "8"))


def _fuzz_one(operation: Any, headers: dict[str, str], seen: dict[str, int]) -> None:
    label = f"{operation.method.upper()} {operation.path}"

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=st.one_of(*(operation.as_strategy(mode) for mode in GenerationMode)))
    def run(case: Any) -> None:
        response = case.call_and_validate(headers=headers)
        assert response.status_code < 500, (label, response.status_code)
        seen[label] = seen.get(label, 0) + 1

    run()


def _fuzz(web: Web, headers: dict[str, str]) -> dict[str, int]:
    """Fuzz every operation with ``headers``; how many requests each got."""
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", web.client.app)
    seen: dict[str, int] = {}
    for result in schema.get_all_operations():
        _fuzz_one(result.ok(), headers, seen)
    return seen


def test_the_openapi_document_lists_every_api_route(web: Web) -> None:
    document = web.client.get("/api/v1/openapi.json").json()
    paths = set(document["paths"])
    assert {"/tokens", "/people", "/people/{person_id}"} <= paths


@pytest.mark.parametrize("username", [*sorted(USERS), None])
def test_no_server_error_and_every_answer_conforms(web: Web, username: str | None) -> None:
    headers = {"Authorization": f"Bearer {web.token(username)}"} if username else {}
    seen = _fuzz(web, headers)
    assert "POST /tokens" in seen and "GET /people/{person_id}" in seen
    assert all(count >= 1 for count in seen.values())
