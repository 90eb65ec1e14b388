"""How a Determination shows itself in a notebook (``_repr_html_``).

The letter's own text with each item's title, outcome and rationale
highlighted by their spans, coloured by outcome with a legend, above a compact
table of the items. Everything is escaped: a letter's text is data.
"""

from __future__ import annotations

from html import escape

from imr_llm.schema import Determination

__all__ = ["determination_html"]

_COLOURS = {"upheld": "#fde2e1", "overturned": "#dcf5e3"}
_BORDERS = {"upheld": "#b42318", "overturned": "#1a7f37"}
_FIELDS = ("service", "rationale")


def determination_html(det: Determination) -> str:
    """An HTML fragment: legend, item table, and the highlighted letter text."""
    marks: list[tuple[int, int, str, str]] = []
    for item in det.items:
        for field in _FIELDS:
            if field in item.spans:
                start, end = item.spans[field]
                marks.append((start, end, item.outcome.value, f"item {item.index}: {field}"))
    marks.sort()
    pieces = []
    cursor = 0
    for start, end, outcome, label in marks:
        if start < cursor:
            continue  # overlapping spans: the first wins
        pieces.append(escape(det.text[cursor:start]))
        style = f"background:{_COLOURS[outcome]};border-bottom:2px solid {_BORDERS[outcome]};" + (
            "font-weight:bold;" if label.endswith("service") else ""
        )
        pieces.append(
            f'<mark style="{style}" title="{escape(label)} ({outcome})">'
            f"{escape(det.text[start:end])}</mark>"
        )
        cursor = end
    pieces.append(escape(det.text[cursor:]))

    rows = "".join(
        f"<tr><td>{item.index}</td><td>{escape(item.service)}</td>"
        f'<td style="color:{_BORDERS[item.outcome.value]}">'
        f"{'approved' if item.outcome.approved else 'not approved'} ({item.outcome.value})</td>"
        f"<td>{escape(item.category.value)}</td>"
        f"<td>{escape(', '.join(item.guideline_sources))}</td></tr>"
        for item in det.items
    )
    legend = " ".join(
        f'<span style="background:{_COLOURS[o]};border-bottom:2px solid {_BORDERS[o]};'
        f'padding:0 4px">{label}</span>'
        for o, label in (
            ("overturned", "approved (overturned)"),
            ("upheld", "not approved (upheld)"),
        )
    )
    warnings = "".join(f"<li>{escape(w)}</li>" for w in det.warnings)
    return (
        '<div class="imr-determination">'
        f"<p><strong>{escape(det.source or 'IMR determination')}</strong> · "
        f"{escape(det.format.value)} · method: {escape(det.method)}</p>"
        f"<p>{escape(det.summary)}</p>"
        f"<p>Legend: {legend}</p>"
        "<table><thead><tr><th>#</th><th>Service</th><th>Decision</th><th>Category</th>"
        f"<th>Guidelines</th></tr></thead><tbody>{rows}</tbody></table>"
        + (f"<ul>{warnings}</ul>" if warnings else "")
        + '<details><summary>Letter text</summary><pre style="white-space:pre-wrap;'
        f'font-size:0.85em">{"".join(pieces)}</pre></details>'
        "</div>"
    )
