"""Charts drawn on the server as SVG (issue 22, point 6): bars with interval whiskers, a line for cohorts.

A chart is a picture of the table beside it, which holds the same numbers for screen readers;
the SVG names itself by its title and says so. It reads only ``report.data``: what is hidden
there is not drawn. The drawing scales to its box (``viewBox``), so it fits a phone's 360 px.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from report.data import Bars, Cohorts, Row

WIDTH = 320
LABEL = 12  # font size of the labels
ROW_HEIGHT = 44
BAR = 14
#: Series colours (Designsystemet's accent, a dark orange, a dark green, a violet): each >= 3:1 on white.
COLOURS = ("#1e5aa8", "#b44a00", "#2e6b30", "#6b3fa0")
MUTED = "#5c6470"


def _short(text: str, length: int = 48) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def _svg(chart_id: str, title: str, height: int, body: list[str]) -> SafeString:
    note = _("The same numbers are in the table beside the chart.")
    # Every text in it is escaped here or in the callers (report/tests/test_shown.py sends hostile labels).
    return mark_safe(  # noqa: S308  # nosec B308 B703
        f'<svg class="report-chart" id="{chart_id}" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-labelledby="{chart_id}-title" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="inherit" font-size="{LABEL}">'
        f'<title id="{chart_id}-title">{escape(title)}. {escape(note)}</title>' + "".join(body) + "</svg>"
    )


def _scale(section: Bars, rows: list[Row]) -> float:
    if section.unit == "share":
        return 1.0
    top = max((row.figure.value or 0.0 for row in rows), default=0.0)
    return top or 1.0


def bars(section: Bars) -> SafeString | None:
    """Bars for the section's rows of its unit; a share's whisker is its 95 % interval, the mark its baseline."""
    rows = [row for row in section.rows if row.unit == section.unit]
    if not rows:
        return None
    scale = _scale(section, rows)
    usable = WIDTH - (120 if section.unit == "money" else 70)  # room for the value's text after the bar

    def x(value: float) -> float:
        return round(value / scale * usable, 1)

    body = [f'<line x1="0" y1="0" x2="0" y2="{len(rows) * ROW_HEIGHT}" stroke="{MUTED}"/>']
    for index, row in enumerate(rows):
        top = index * ROW_HEIGHT
        body.append(f'<text x="0" y="{top + LABEL + 2}" fill="#1a1a1a">{escape(_short(row.label))}</text>')
        bar_top = top + LABEL + 8
        figure = row.figure
        if figure.value is None:
            body.append(
                f'<text x="4" y="{bar_top + BAR - 2}" fill="{MUTED}" font-style="italic">{escape(figure.text)}</text>'
            )
            continue
        end = x(figure.value)
        body.append(f'<rect x="0" y="{bar_top}" width="{end}" height="{BAR}" fill="{COLOURS[0]}"/>')
        middle = bar_top + BAR / 2
        if figure.low is not None and figure.high is not None:
            low, high = x(figure.low), x(figure.high)
            body.append(
                f'<g stroke="#1a1a1a" stroke-width="1.5"><line x1="{low}" y1="{middle}" x2="{high}" y2="{middle}"/>'
                f'<line x1="{low}" y1="{middle - 4}" x2="{low}" y2="{middle + 4}"/>'
                f'<line x1="{high}" y1="{middle - 4}" x2="{high}" y2="{middle + 4}"/></g>'
            )
        if row.baseline is not None and row.baseline.value is not None:
            mark = x(row.baseline.value)
            body.append(
                f'<line x1="{mark}" y1="{bar_top - 3}" x2="{mark}" y2="{bar_top + BAR + 3}" '
                f'stroke="{COLOURS[1]}" stroke-width="2.5" stroke-dasharray="3 2"/>'
            )
        after = max(end, x(figure.high) if figure.high is not None else 0)
        body.append(f'<text x="{after + 6}" y="{bar_top + BAR - 2}" fill="#1a1a1a">{escape(figure.text)}</text>')
    return _svg(f"chart-{section.key}", section.title, len(rows) * ROW_HEIGHT + 4, body)


def line(section: Cohorts) -> SafeString | None:
    """One line per follow-up period across the cohorts (0-100 %); no point where a figure is not shown."""
    if not section.cohorts or not section.periods:
        return None
    plot_top, plot_height, left, right = 8, 140, 46, WIDTH - 34
    steps = max(len(section.cohorts) - 1, 1)

    def px(index: int) -> float:
        return round(left + (right - left) * (index / steps if len(section.cohorts) > 1 else 0.5), 1)

    def py(value: float) -> float:
        return round(plot_top + plot_height * (1 - value), 1)

    body = []
    for tick in (0, 0.25, 0.5, 0.75, 1):
        y = py(tick)
        body.append(f'<line x1="{left}" y1="{y}" x2="{right}" y2="{y}" stroke="#d5d9de"/>')
        body.append(f'<text x="{left - 4}" y="{y + 4}" text-anchor="end" fill="{MUTED}">{round(tick * 100)} %</text>')
    for index, cohort in enumerate(section.cohorts):
        body.append(
            f'<text x="{px(index)}" y="{plot_top + plot_height + 16}" text-anchor="middle" fill="#1a1a1a">'
            f"{escape(_short(cohort.label, 12))}</text>"
        )
    for series, period in enumerate(section.periods):
        colour = COLOURS[series % len(COLOURS)]
        segment: list[str] = []
        segments = [segment]
        for index, cohort in enumerate(section.cohorts):
            figure = cohort.figures[series] if series < len(cohort.figures) else None
            if figure is None or figure.value is None:
                segment = []
                segments.append(segment)
                continue
            segment.append(f"{px(index)},{py(figure.value)}")
            if figure.low is not None and figure.high is not None:
                body.append(
                    f'<line x1="{px(index)}" y1="{py(figure.low)}" x2="{px(index)}" y2="{py(figure.high)}" '
                    f'stroke="{colour}" stroke-width="1.5"/>'
                )
            body.append(f'<circle cx="{px(index)}" cy="{py(figure.value)}" r="3.5" fill="{colour}"/>')
        for points in segments:
            if len(points) > 1:
                body.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" stroke-width="2"/>')
        legend_y = plot_top + plot_height + 34 + series * 16
        body.append(f'<rect x="{left}" y="{legend_y - 9}" width="10" height="10" fill="{colour}"/>')
        body.append(f'<text x="{left + 16}" y="{legend_y}" fill="#1a1a1a">{escape(_short(period, 44))}</text>')
    height = plot_top + plot_height + 34 + len(section.periods) * 16
    return _svg(f"chart-{section.key}", section.title, height, body)
