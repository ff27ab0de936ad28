"""The estimate page's two charts as inline SVG, drawn from the data (no plotting library):
the bootstrap distribution with the estimate and interval marked, and the estimate of each
candidate model with its interval. Every text is escaped; each chart has a title, labelled
axes with units, and the page gives its data as a table as well."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

WIDTH = 720
LEFT, RIGHT, TOP = 64, 24, 40
INK, GRID, BAR, MARK, SOFT = "#0b0c0c", "#b1b4b6", "#1d70b8", "#d4351c", "#505a5f"


@dataclass(frozen=True)
class ModelPoint:
    """One candidate model: its estimate, and its interval when it has one."""

    name: str
    estimate: float
    low: float | None = None
    high: float | None = None
    credible: bool = True


def _ticks(low: float, high: float, most: int = 6) -> list[float]:
    """Round tick values (1, 2 or 5 times a power of ten) covering ``low``..``high``."""
    span = max(high - low, 1e-9)
    raw = span / most
    power = 10 ** math.floor(math.log10(raw))
    step = next(u * power for u in (1, 2, 5, 10) if u * power >= raw)
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) // step) + 1)]


def _num(value: float) -> str:
    return f"{value:,.0f}"


def _open(title: str, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" aria-label={quoteattr(title)} '
        f'font-family="Arial, sans-serif" font-size="13">',
        f"<title>{escape(title)}</title>",
        f'<text x="{LEFT}" y="20" font-size="15" font-weight="bold" fill="{INK}">'
        f"{escape(title)}</text>",
    ]


def _x_axis(parts: list[str], lo: float, hi: float, y: float, top: float, label: str) -> None:
    scale = (WIDTH - LEFT - RIGHT) / (hi - lo)
    parts.append(f'<line x1="{LEFT}" y1="{y}" x2="{WIDTH - RIGHT}" y2="{y}" stroke="{INK}"/>')
    for tick in _ticks(lo, hi):
        x = LEFT + (tick - lo) * scale
        parts.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{y}" stroke="{GRID}" '
            f'stroke-width="0.5"/><text x="{x:.1f}" y="{y + 16}" text-anchor="middle" '
            f'fill="{INK}">{_num(tick)}</text>'
        )
    parts.append(
        f'<text x="{(LEFT + WIDTH - RIGHT) / 2}" y="{y + 36}" text-anchor="middle" '
        f'fill="{INK}">{escape(label)}</text>'
    )


def _vline(parts: list[str], x: float, top: float, y: float, text: str, dashed: bool) -> None:
    dash = ' stroke-dasharray="6 4"' if dashed else ""
    parts.append(
        f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{y}" stroke="{MARK}" '
        f'stroke-width="2"{dash}/><text x="{x + 3:.1f}" y="{top + 12}" fill="{MARK}">'
        f"{escape(text)}</text>"
    )


def bootstrap_chart(
    edges: Sequence[float],
    counts: Sequence[float],
    estimate: float | None,
    interval: tuple[float | None, float | None],
) -> Markup:
    """A histogram of the bootstrap replicates' estimates, the estimate (solid) and the
    interval's ends (dashed) marked."""
    title = "Bootstrap distribution of the estimated number of victims"
    height, bottom = 300, 56
    parts = _open(title, height)
    marks = [v for v in (estimate, *interval) if v is not None and math.isfinite(v)]
    lo, hi = min([edges[0], *marks]), max([edges[-1], *marks])
    lo, hi = (lo - 1, hi + 1) if hi <= lo else (lo, hi)
    base, plot_h = height - bottom, height - bottom - TOP
    scale = (WIDTH - LEFT - RIGHT) / (hi - lo)
    most = max(counts) or 1.0
    for tick in _ticks(0, most, 4):
        y = base - plot_h * tick / most
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{INK}">{tick:g}</text>'
        )
    for left, right, count in zip(edges, edges[1:], counts, strict=False):
        h = plot_h * count / most
        parts.append(
            f'<rect x="{LEFT + (left - lo) * scale:.1f}" y="{base - h:.1f}" '
            f'width="{max(1.0, (right - left) * scale - 1):.1f}" height="{h:.1f}" fill="{BAR}"/>'
        )
    _x_axis(parts, lo, hi, base, TOP, "Estimated number of victims (people)")
    parts.append(
        f'<text x="16" y="{TOP + plot_h / 2}" transform="rotate(-90 16 {TOP + plot_h / 2})" '
        f'text-anchor="middle" fill="{INK}">Replicates</text>'
    )
    if estimate is not None:
        _vline(parts, LEFT + (estimate - lo) * scale, TOP, base, "estimate", False)
    for end in interval:
        if end is not None and math.isfinite(end):
            _vline(parts, LEFT + (end - lo) * scale, TOP + 14, base, "interval", True)
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped


def models_chart(models: Sequence[ModelPoint]) -> Markup:
    """Each candidate model's estimate (a dot) and interval (a line), one row per model;
    a model set aside is drawn grey."""
    title = "Estimated number of victims by candidate model"
    row, bottom, label_w = 28, 56, 210
    height = TOP + row * max(1, len(models)) + bottom
    parts = _open(title, height)
    values = [v for m in models for v in (m.estimate, m.low, m.high) if v is not None]
    values = [v for v in values if math.isfinite(v)] or [0.0, 1.0]
    lo, hi = min(0.0, min(values)), max(values) * 1.05 or 1.0
    left = LEFT + label_w
    scale = (WIDTH - left - RIGHT) / (hi - lo)
    base = TOP + row * max(1, len(models))
    inner: list[str] = []
    for tick in _ticks(lo, hi):
        x = left + (tick - lo) * scale
        inner.append(
            f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{base}" stroke="{GRID}" '
            f'stroke-width="0.5"/><text x="{x:.1f}" y="{base + 16}" text-anchor="middle" '
            f'fill="{INK}">{_num(tick)}</text>'
        )
    inner.append(f'<line x1="{left}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" stroke="{INK}"/>')
    inner.append(
        f'<text x="{(left + WIDTH - RIGHT) / 2}" y="{base + 36}" text-anchor="middle" '
        f'fill="{INK}">Estimated number of victims (people), with interval</text>'
    )
    for i, m in enumerate(models):
        y = TOP + row * i + row / 2
        colour = BAR if m.credible else SOFT
        name = m.name if len(m.name) <= 30 else m.name[:29] + "…"
        inner.append(
            f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" fill="{INK}">'
            f"{escape(name)}</text>"
        )
        if m.low is not None and m.high is not None and math.isfinite(m.high):
            inner.append(
                f'<line x1="{left + (m.low - lo) * scale:.1f}" y1="{y:.1f}" '
                f'x2="{left + (m.high - lo) * scale:.1f}" y2="{y:.1f}" stroke="{colour}" '
                f'stroke-width="3"/>'
            )
        if math.isfinite(m.estimate):
            inner.append(
                f'<circle cx="{left + (m.estimate - lo) * scale:.1f}" cy="{y:.1f}" r="5" '
                f'fill="{colour}"/>'
            )
    parts.extend(inner)
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above is escaped
