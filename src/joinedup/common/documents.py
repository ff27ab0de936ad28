"""The one loader of the platform's YAML documents (vocabularies, policy, rules, the risk tool,
formats, mappings, panel, network and linkage settings, the simulator's data).

A document is read from a package's ``data`` folder or from a user's file, parsed with safe
YAML and, where it has one, validated into its pydantic model. Every failure is a
:class:`DocumentError` (or the caller's subclass) naming the file and, where known, the line.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from joinedup.common.errors import JoinedupError

M = TypeVar("M", bound=BaseModel)
MAX_PROBLEMS = 5  # problems named in one message
MAX_GIVEN = 60  # longest input value repeated in a message


class DocumentError(JoinedupError, ValueError):
    """A YAML document that cannot be read, parsed or validated."""


def packaged(package: str, *parts: str) -> Traversable:
    """A file in ``package``'s ``data`` folder (``packaged("joinedup.model", "roles.yml")``)."""
    return resources.files(package).joinpath("data", *parts)


def read_text(source: Path | str | Traversable) -> tuple[str, str]:
    """The text of a document and its file name (for messages)."""
    path = Path(source) if isinstance(source, str) else source
    return path.read_text(encoding="utf-8"), path.name


def load_yaml(
    text: str,
    *,
    where: str,
    error: type[ValueError] = DocumentError,
    versions: Collection[object] | None = None,
) -> Any:
    """``text`` parsed as safe YAML; raises ``error`` naming ``where`` and the line when it
    is not YAML. With ``versions``, the document must be a mapping whose ``version:`` is one
    of them (an empty collection: any version, but one must be given)."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise error(f"{where}{line}: cannot be read: not valid YAML: {problem}") from exc
    if versions is not None:
        _check_version(raw, where, error, versions)
    return raw


def _check_version(
    raw: Any, where: str, error: type[ValueError], versions: Collection[object]
) -> None:
    if not isinstance(raw, dict) or "version" not in raw:
        raise error(f"{where}: the document has no 'version:'")
    if versions and raw["version"] not in versions:
        known = ", ".join(str(v) for v in versions)
        raise error(f"{where}: version {raw['version']!r} is not supported (known: {known})")


def parse_document(
    model: type[M],
    text: str,
    *,
    where: str,
    what: str,
    error: type[ValueError] = DocumentError,
    versions: Collection[object] | None = None,
) -> M:
    """``text`` as ``model``; raises ``error`` naming ``where``, the line and ``what`` when it
    is not."""
    raw = load_yaml(text, where=where, error=error, versions=versions)
    return validate_document(model, raw, text, where=where, what=what, error=error)


def validate_document(
    model: type[M],
    raw: Any,
    text: str,
    *,
    where: str,
    what: str,
    error: type[ValueError] = DocumentError,
) -> M:
    """``raw`` (parsed from ``text``) as ``model``; a validation error names the line of the
    first problem."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise error(validation_message(exc, text, where=where, what=what)) from exc


def validation_message(exc: ValidationError, text: str, *, where: str, what: str) -> str:
    """One line for a validation error of a document: the file, then each problem (at most
    five) with its line and field."""
    problems = []
    for error in exc.errors()[:MAX_PROBLEMS]:
        loc = tuple(error["loc"])
        line = line_of(text, loc)
        at = f"line {line} " if line else ""
        field = ".".join(str(p) for p in loc) or "document"
        given = _given(error.get("input"))
        problems.append(f"{at}{field}: {error['msg'].removeprefix('Value error, ')}{given}")
    more = exc.error_count() - len(problems)
    tail = f" (and {more} more)" if more > 0 else ""
    return f"{where}: invalid {what}: {'; '.join(problems)}{tail}"


def _given(value: object) -> str:
    """`` (given 'x')`` for a short scalar input, else nothing."""
    if isinstance(value, (str, int, float)) and len(str(value)) <= MAX_GIVEN:
        return f" (given {value!r})"
    return ""


def line_of(text: str, loc: Sequence[int | str]) -> int | None:
    """The line (from 1) of the YAML node at path ``loc`` in ``text``, or of the nearest
    node above it that exists; None when the text does not compose."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    if node is None:
        return None
    for key in loc:
        child = _child(node, key)
        if child is None:
            break
        node = child
    return int(node.start_mark.line) + 1


def _child(node: yaml.Node, key: int | str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for name, value in node.value:
            if isinstance(name, yaml.ScalarNode) and name.value == str(key):
                return value  # type: ignore[no-any-return]
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
        return node.value[key]  # type: ignore[no-any-return]
    return None
