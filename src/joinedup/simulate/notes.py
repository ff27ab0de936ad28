"""Case notes from templates, most in appropriate language, some with victim-blaming language
at each agency's configured share (the truth records which, and the phrases)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

from joinedup.common.documents import load_yaml, packaged, read_text


@dataclass(frozen=True)
class Template:
    """One note template."""

    template_id: str
    text: str
    phrases: tuple[str, ...]
    max_age: int


@dataclass(frozen=True)
class Context:
    """The good and blaming templates of one situation."""

    good: tuple[Template, ...]
    blaming: tuple[Template, ...]


@cache
def contexts() -> dict[str, Context]:
    """Load ``data/notes.yml`` (cached)."""
    text, where = read_text(packaged("joinedup.simulate", "notes.yml"))
    raw = load_yaml(text, where=where)
    out: dict[str, Context] = {}
    for name, ctx in raw["contexts"].items():
        good = tuple(
            Template(f"{name}.good.{i}", str(t), (), 99) for i, t in enumerate(ctx["good"])
        )
        blaming = tuple(
            Template(
                f"{name}.blaming.{i}",
                str(t["text"]),
                tuple(t["phrases"]),
                int(t.get("max_age", 99)),
            )
            for i, t in enumerate(ctx["blaming"])
        )
        out[name] = Context(good, blaming)
    return out


def render(
    context: str, blaming_share: float, rng: random.Random, *, age: int, **values: str
) -> tuple[str, Template]:
    """A note for ``context``: blaming with probability ``blaming_share`` where templates allow."""
    ctx = contexts()[context]
    pool = [t for t in ctx.blaming if age <= t.max_age]
    template = rng.choice(pool) if pool and rng.random() < blaming_share else rng.choice(ctx.good)
    return template.text.format(age=age, **values), template
