"""The API's OpenAPI document says what the API answers: bad input is a ``400`` with the
problem body (our handler's), never FastAPI's default ``422`` validation error; text in a
web address never holds NUL."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

BAD_INPUT = "400"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
NO_NUL = "^[^\\u0000]*$"  # errors.refuse_nul answers 400 before any route runs


def _rewrite(document: dict[str, Any]) -> dict[str, Any]:
    for methods in document.get("paths", {}).values():
        for operation in methods.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if schema.get("type") == "string":  # a NUL in a web address is bad input
                    schema.setdefault("pattern", NO_NUL)
            responses = operation.get("responses", {})
            if responses.pop("422", None) is not None or operation.get("parameters"):
                responses.setdefault(
                    BAD_INPUT,
                    {
                        "description": "Bad input: a field is missing or malformed",
                        "content": {"application/json": {"schema": PROBLEM_REF}},
                    },
                )
    schemas = document.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return document


def document_problems(api: FastAPI) -> None:
    """Make ``api``'s OpenAPI document list 400 (not 422) for every operation with input."""

    def openapi() -> dict[str, Any]:
        if api.openapi_schema is None:
            api.openapi_schema = _rewrite(
                get_openapi(
                    title=api.title,
                    version=api.version,
                    description=api.description,
                    routes=api.routes,
                    servers=api.servers,
                )
            )
        return api.openapi_schema

    api.openapi = openapi  # type: ignore[method-assign]
