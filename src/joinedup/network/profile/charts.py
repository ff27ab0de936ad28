"""Bar charts as inline SVG, written from the data (no plotting library).

Counts are suppressed as in the tables: a suppressed value draws no bar and is labelled
``<5`` at the baseline, and the scale is set by the values that are shown, so the height of
the axis reveals nothing about the suppressed ones.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from xml.sax.saxutils import escape, quoteattr

from joinedup.network.profile.suppress import small

PALETTE = ("#1f5f99", "#d9822b", "#3a8f5c", "#8e4a9e", "#b8403a", "#5a6b7b")
WIDTH, HEIGHT = 720, 280
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 36, 64


def _axis(value: int) -> tuple[int, int]:
    """A round tick step (1, 2 or 5 times a power of ten) and an axis top at or above
    ``value`` with at most five steps."""
    magnitude = 1
    while True:
        for unit in (1, 2, 5):
            step = unit * magnitude
            if value <= 5 * step:
                top = max(step, -(-value // step) * step)
                return step, top
        magnitude *= 10


def bar_chart(
    title: str,
    categories: Sequence[str],
    series: Mapping[str, Sequence[int]],
    below: int,
    y_label: str = "count",
) -> str:
    """A grouped bar chart: one group per category, one bar per series (with a legend)."""
    names = list(series)
    shown = [v for values in series.values() for v in values if not small(v, below)]
    step, top = _axis(max(shown, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(1, len(categories))
    bar_w = max(2.0, slot * 0.8 / max(1, len(names)))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label={quoteattr(title)}>',
        f"<title>{escape(title)}</title>",
        f'<text x="{LEFT}" y="20" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    base_y = TOP + plot_h
    for value in range(0, top + 1, step):
        y = base_y - plot_h * value / top
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="#ddd" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">'
            f"{value:,}</text>"
        )
    parts.append(
        f'<text x="14" y="{TOP + plot_h / 2:.1f}" font-size="11" '
        f'transform="rotate(-90 14 {TOP + plot_h / 2:.1f})" text-anchor="middle">'
        f"{escape(y_label)}</text>"
    )
    every = max(1, len(categories) // 16)
    for c, category in enumerate(categories):
        x0 = LEFT + slot * c + slot * 0.1
        narrow = bar_w < 16  # one "<N" per group: bars too narrow to label each apart
        if narrow and any(small(series[name][c], below) for name in names):
            parts.append(
                f'<text class="suppressed" x="{LEFT + slot * (c + 0.5):.1f}" '
                f'y="{base_y - 3:.1f}" font-size="9" text-anchor="middle">'
                f"some &lt;{below}</text>"
            )
        for s, name in enumerate(names):
            value = series[name][c]
            x = x0 + bar_w * s
            if small(value, below):
                if not narrow:
                    parts.append(
                        f'<text class="suppressed" x="{x + bar_w / 2:.1f}" '
                        f'y="{base_y - 3:.1f}" font-size="9" text-anchor="middle">'
                        f"&lt;{below}</text>"
                    )
                continue
            if value <= 0:
                continue
            h = plot_h * value / top
            parts.append(
                f'<rect class="bar" x="{x:.1f}" y="{base_y - h:.1f}" width="{bar_w:.1f}" '
                f'height="{h:.1f}" fill="{PALETTE[s % len(PALETTE)]}">'
                f"<title>{escape(name)} {escape(category)}: {value:,}</title></rect>"
            )
        if c % every == 0:
            cx = LEFT + slot * (c + 0.5)
            parts.append(
                f'<text x="{cx:.1f}" y="{base_y + 16}" font-size="11" text-anchor="middle">'
                f"{escape(category)}</text>"
            )
    parts.append(
        f'<line x1="{LEFT}" y1="{base_y}" x2="{WIDTH - RIGHT}" y2="{base_y}" stroke="#333"/>'
    )
    if len(names) > 1:
        x = LEFT
        for s, name in enumerate(names):
            parts.append(
                f'<rect x="{x}" y="{HEIGHT - 22}" width="10" height="10" '
                f'fill="{PALETTE[s % len(PALETTE)]}"/>'
                f'<text x="{x + 14}" y="{HEIGHT - 13}" font-size="11">{escape(name)}</text>'
            )
            x += 24 + 7 * len(name)
    parts.append("</svg>")
    return "".join(parts)
