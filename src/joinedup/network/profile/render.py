"""Render a problem profile to HTML (autoescaping Jinja2, charts inline as SVG) and Markdown."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from joinedup.common.files import write_private
from joinedup.network.profile.model import Profile


@cache
def _environment() -> Environment:
    """HTML templates autoescape; the Markdown template escapes cells with the ``md`` filter."""
    env = Environment(
        loader=PackageLoader("joinedup.network", "templates"),
        autoescape=select_autoescape(["html.j2"], default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = _markdown_cell
    env.filters["svg"] = _trusted_svg
    return env


def _markdown_cell(value: object) -> str:
    """A value safe inside a Markdown table cell."""
    text = str(value).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")
    return text.replace("<", "&lt;").replace(">", "&gt;")


def _trusted_svg(svg: str) -> Markup:
    """Charts are written by :mod:`charts`, which escapes every text it puts in them."""
    return Markup(svg)  # noqa: S704


def render_html(profile: Profile) -> str:
    """The profile as one self-contained HTML page."""
    return _environment().get_template("profile.html.j2").render(p=profile)


def render_markdown(profile: Profile) -> str:
    """The profile as Markdown (charts as tables of their data)."""
    return _environment().get_template("profile.md.j2").render(p=profile)


def write_profile(profile: Profile, out: Path) -> tuple[Path, Path]:
    """Write ``out`` as HTML and the same name with ``.md`` as Markdown; returns both paths."""
    html = out if out.suffix.lower() in (".html", ".htm") else out.with_suffix(".html")
    markdown = html.with_suffix(".md")
    write_private(html, render_html(profile))
    write_private(markdown, render_markdown(profile))
    return html, markdown
