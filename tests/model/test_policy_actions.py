"""Actions in roles.yml: the vocabulary loads and is checked, every action is used by the code
and every check names a known action, no role name is written in Python outside the policy
loader, and docs/security.md carries the generated role x action table."""

from __future__ import annotations

import ast
import re
from importlib import resources
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from joinedup.model.access import Actor
from joinedup.model.base import utcnow
from joinedup.model.policy import (
    TABLE_END,
    TABLE_START,
    action_table_markdown,
    parse_policy,
    policy,
    with_action_table,
)
from joinedup.model.vocab import VocabularyError
from joinedup.store.actor_session import ActorSession, Forbidden

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "joinedup"
POLICY_LOADER = SRC / "model" / "policy.py"
SECURITY = ROOT / "docs" / "security.md"
ACTIONS = tuple(policy().actions)
ACTION_NAME = re.compile(r"^[a-z_]+\.[a-z_]+$")
# functions whose string arguments of the form "area.verb" name an action
ACTION_CALLS = {
    "require",
    "may",
    "allows_action",
    "roles_allowed",
    "describe",
    "on_behalf",
    "require_chair",
    "elevation_after",
    "administrator",
}
# calls whose string arguments are row categories (one of which, "admin", is also a role name)
CATEGORY_CALLS = {"reaches", "require_operation", "Kind"}


def _shipped() -> dict[str, object]:
    path = resources.files("joinedup.model").joinpath("data", "policy", "roles.yml")
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _sources() -> list[tuple[Path, ast.Module]]:
    return [
        (path, ast.parse(path.read_text(encoding="utf-8")))
        for path in sorted(SRC.rglob("*.py"))
        if path != POLICY_LOADER
    ]


def _strings(tree: ast.AST) -> list[str]:
    return [
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


def _called(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return node.func.id if isinstance(node.func, ast.Name) else None


def _action_arguments() -> list[tuple[str, int, str]]:
    """(file, line, name) of every "area.verb" string given to an action check."""
    found = []
    for path, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _called(node) in ACTION_CALLS:
                for arg in node.args:
                    for text in _strings(arg):
                        if ACTION_NAME.match(text):
                            found.append((str(path.relative_to(SRC)), node.lineno, text))
    return found


# -- the vocabulary -------------------------------------------------------------------------


def test_the_shipped_policy_has_one_service_role_and_an_administrator() -> None:
    rules = policy()
    assert rules.service_role() not in rules.person_roles()
    assert set(rules.person_roles()) | {rules.service_role()} == set(rules.roles)
    assert rules.allows_action(rules.administrator_role(), "users.add")
    assert all(text.strip() for text in rules.actions.values())
    assert rules.roles_allowed("intel.route") == (rules.service_role(),)
    assert rules.elevation_after("intel.route") == "intel.submit"
    assert rules.elevation_after("intel.submit") is None


def test_every_role_may_take_some_action_and_every_action_is_someones() -> None:
    rules = policy()
    assert all(r.actions for r in rules.roles.values())
    assert all(rules.roles_allowed(a) for a in rules.actions)


@pytest.mark.parametrize(
    ("where", "change"),
    [
        ("role", lambda d: d["roles"]["referrer"]["actions"].append("intel.teleport")),
        ("elevation", lambda d: d["elevations"].update({"intel.teleport": {"after": "x.y"}})),
        ("after", lambda d: d["elevations"]["intel.route"].update({"after": "intel.teleport"})),
    ],
)
def test_an_unknown_action_anywhere_is_a_load_error_naming_file_and_name(
    where: str, change: object
) -> None:
    data = _shipped()
    assert callable(change)
    change(data)
    with pytest.raises(VocabularyError, match=r"roles\.yml.*intel\.teleport"):
        parse_policy(yaml.safe_dump(data), where="policy file roles.yml")


def test_the_service_role_must_be_one_and_elevations_must_be_its() -> None:
    data = _shipped()
    data["roles"]["analyst"]["service"] = True  # type: ignore[index]
    with pytest.raises(VocabularyError, match="exactly one role must be the service role"):
        parse_policy(yaml.safe_dump(data), where="roles.yml")
    data = _shipped()
    data["elevations"]["intel.submit"] = {"after": "intel.submit"}  # type: ignore[index]
    with pytest.raises(VocabularyError, match="service role may not take it"):
        parse_policy(yaml.safe_dump(data), where="roles.yml")


def test_an_unknown_action_asked_of_the_policy_is_an_error() -> None:
    with pytest.raises(VocabularyError, match=r"unknown action 'panel\.fly'"):
        policy().allows_action("analyst", "panel.fly")


# -- the code uses the vocabulary -----------------------------------------------------------


def test_every_action_check_names_a_known_action() -> None:
    checks = _action_arguments()
    assert len(checks) > 30  # the walk finds the checks at all
    unknown = [c for c in checks if c[2] not in policy().actions]
    assert unknown == []


def test_every_action_in_the_vocabulary_is_checked_by_some_code_path() -> None:
    used = {name for _, _, name in _action_arguments()}
    assert [a for a in policy().actions if a not in used] == []


def _role_strings(tree: ast.AST) -> list[str]:
    """String constants equal to a role name, leaving out row categories given to
    ``CATEGORY_CALLS`` and module names in ``__all__``."""
    names, skip = set(policy().roles), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _called(node) in CATEGORY_CALLS:
            skip.update(id(n) for arg in node.args for n in ast.walk(arg))
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            skip.update(id(n) for n in ast.walk(node.value))
    return [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and n.value in names and id(n) not in skip
    ]


def test_no_role_name_is_written_in_python_outside_the_policy_loader() -> None:
    found = [
        (str(path.relative_to(SRC)), text)
        for path, tree in _sources()
        for text in _role_strings(tree)
    ]
    assert found == []


def test_the_role_name_walk_would_find_one() -> None:
    tree = ast.parse('if actor.role == "admin":\n    pass\nreaches(role, "alteration", "admin")\n')
    assert _role_strings(tree) == ["admin"]


# -- the docs -------------------------------------------------------------------------------


def test_security_md_carries_the_generated_role_action_table() -> None:
    text = SECURITY.read_text(encoding="utf-8")
    assert TABLE_START in text and TABLE_END in text
    assert with_action_table(text) == text, (
        "docs/security.md's role x action table differs from roles.yml; regenerate it with "
        "`.venv/bin/python -m joinedup.model.policy docs/security.md`"
    )


def test_the_table_has_a_row_per_action_and_a_column_per_role() -> None:
    table = action_table_markdown()
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    assert len(rows) == len(policy().actions)
    header = table.splitlines()[0]
    assert all(f"`{role}`" in header for role in policy().roles)
    chase = next(r for r in rows if r.startswith("| `actions.chase`"))
    cells = [c.strip() for c in chase.strip("|").split("|")]
    marked = {
        role for role, cell in zip(header.strip("|").split("|")[2:], cells[2:], strict=True) if cell
    }
    assert {m.strip().strip("`") for m in marked} == set(policy().roles_allowed("actions.chase"))


def test_a_document_without_markers_is_refused() -> None:
    with pytest.raises(ValueError, match="markers"):
        with_action_table("# Security\n")


# -- the one check --------------------------------------------------------------------------


@given(role=st.sampled_from(sorted(policy().roles)), action=st.sampled_from(sorted(ACTIONS)))
def test_require_refuses_exactly_what_the_policy_does_not_allow(role: str, action: str) -> None:
    actor = Actor(user_id="u1", username="someone", agency_id="a1", role=role)
    session = ActorSession(None, actor, "analysis", b"k" * 32, utcnow)  # type: ignore[arg-type]
    allowed = policy().allows_action(role, action)
    assert session.may(action) is allowed
    if allowed:
        session.require(action)
        return
    with pytest.raises(Forbidden) as refused:
        session.require(action)
    message = str(refused.value)
    assert f"role {role!r} may not {action} " in message
    service = policy().service_role()
    for other in policy().roles_allowed(action):
        assert (other if other == service else other.replace("_", " ")) in message
