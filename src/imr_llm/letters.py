"""Determination -> a letter for the worker: HTML, Markdown or PDF, in English or Spanish.

Pure: returns ``str`` (HTML, Markdown) or ``bytes`` (PDF); only the CLI writes
files. Templates and their sentences live in ``templates/``; legal facts
(deadlines, code sections, contacts) come from ``data/legal_facts.json``, with
their sources. Deadlines are computed only from a date printed in the letter,
and the letter says what they rest on.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from functools import cache
from importlib import resources
from typing import Any, Literal, overload

from imr_llm.errors import ConfigError, ImrError
from imr_llm.explain import Language, explain, legal_facts, reason_sentence
from imr_llm.schema import Determination, DisputedItem, ReasonCode

__all__ = ["LetterFormatName", "render_letter"]

LetterFormatName = Literal["html", "md", "pdf"]


@cache
def _strings(language: Language) -> dict[str, Any]:
    raw = resources.files("imr_llm").joinpath(f"templates/text.{language}.json").read_text("utf-8")
    strings: dict[str, Any] = json.loads(raw)
    return strings


@cache
def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=PackageLoader("imr_llm", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@overload
def render_letter(
    determination: Determination,
    *,
    format: Literal["html", "md"] = "html",
    language: Language = "en",
) -> str: ...


@overload
def render_letter(
    determination: Determination, *, format: Literal["pdf"], language: Language = "en"
) -> bytes: ...


def render_letter(
    determination: Determination,
    *,
    format: LetterFormatName = "html",
    language: Language = "en",
) -> str | bytes:
    """A one- or two-page letter for the worker: what was decided, why, and what to do next."""
    if not isinstance(determination, Determination):
        got = type(determination).__name__
        if isinstance(determination, ImrError):
            got += " (an input that could not be read, so there is nothing to explain)"
        raise TypeError(f"render_letter needs a Determination from parse or summarize, got {got}")
    if language not in ("en", "es"):
        raise ConfigError(f"language must be 'en' or 'es', got {language!r}")
    if format not in ("html", "md", "pdf"):
        raise ConfigError(f"format must be 'html', 'md' or 'pdf', got {format!r}")
    context = _context(determination, language)
    if format == "md":
        return str(_environment().get_template("letter.md.j2").render(**context)).strip() + "\n"
    html = str(_environment().get_template("letter.html.j2").render(**context))
    if format == "html":
        return html
    return _pdf(html)


def _pdf(html: str) -> bytes:
    import warnings

    try:
        with warnings.catch_warnings():
            # A notice about a future WeasyPrint's system needs, not about this letter.
            warnings.filterwarnings(
                "ignore", message="HarfBuzz-Subset", category=DeprecationWarning
            )
            from weasyprint import HTML
    except (ImportError, OSError) as exc:
        raise ImrError(
            "PDF letters need WeasyPrint and its system libraries: pip install 'imr-llm[pdf]' "
            f"({exc})"
        ) from exc
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf


def _format_date(value: date, language: Language) -> str:
    if language == "es":
        months = _strings("es")["months"]
        return f"{value.day} de {months[value.month - 1]} de {value.year}"
    return f"{value:%B} {value.day}, {value.year}"


def _why(item: DisputedItem, determination: Determination, language: Language) -> str:
    if determination.method == "llm" and language == "en" and item.explanation:
        # The LLM's explanation opens with the decision, which the letter already shows.
        return item.reason or item.explanation
    codes = item.reasons[:2] or [ReasonCode.OTHER]
    return " ".join(reason_sentence(code, language, item.category) for code in codes)


def _context(determination: Determination, language: Language) -> dict[str, Any]:
    if not determination.items or not all(i.explanation for i in determination.items):
        determination = explain(determination)
    t = _strings(language)
    facts = legal_facts()
    items = [
        {
            "service": item.service,
            "approved": item.outcome.approved,
            "decision": t["approved"] if item.outcome.approved else t["not_approved"],
            "means": t["approved_means"] if item.outcome.approved else t["not_approved_means"],
            "modified": item.modified_by_ur and not item.outcome.approved,
            "why": _why(item, determination, language),
        }
        for item in determination.items
    ]
    approved = sum(1 for i in items if i["approved"])
    if not items:
        headline = t["count_none"]
    elif len(items) == 1:
        headline = t["count_only_yes" if approved else "count_only_no"]
    else:
        key = {0: "count_zero", 1: "count_one_of"}.get(approved, "count")
        headline = t[key].format(approved=approved, total=len(items))
    appeal_days = facts["appeal_days"]["value"]
    mail_days = facts["mail_extension_days"]["value"]
    if determination.decision_date is not None:
        mailed = determination.decision_date
        appeal_dates = t["appeal_dates"].format(
            date=_format_date(mailed, language),
            days=appeal_days,
            end=_format_date(mailed + timedelta(days=appeal_days), language),
            mail_days=mail_days,
            end_mail=_format_date(mailed + timedelta(days=appeal_days + mail_days), language),
        )
    else:
        appeal_days_text = t["appeal_no_date"].format(days=appeal_days)
        appeal_dates = appeal_days_text
    help_facts = facts["free_help"]
    help_name = help_facts["name_es" if language == "es" else "name_en"]
    help_text = t["help"].format(name=help_name, phone=help_facts["phone"], url=help_facts["url"])
    case_facts = []
    for key, value in (
        ("case_number", determination.case_number),
        ("decision_date", determination.decision_date),
        ("ur_denial_date", determination.ur_denial_date),
        ("date_of_injury", determination.claimant.date_of_injury),
    ):
        if value is not None:
            shown = _format_date(value, language) if isinstance(value, date) else str(value)
            case_facts.append((t[key], shown))
    return {
        "language": language,
        "t": t,
        "headline": headline,
        "may_miss_items": determination.may_miss_items,
        "may_misread_outcomes": determination.may_misread_outcomes,
        "items": items,
        "any_approved": approved > 0,
        "any_denied": approved < len(items),
        "next_approved": t["next_approved"].format(
            days=facts["authorize_working_days"]["value"],
            pay_days=facts["reimburse_days"]["value"],
        ),
        "next_approved_source": t["next_approved_source"].format(
            source=facts["authorize_working_days"]["source"]
        ),
        "appeal": t["appeal"].format(days=appeal_days, mail_days=mail_days),
        "appeal_dates": appeal_dates,
        "grounds": facts["appeal_grounds"][language],
        "appeal_source": t["appeal_source"].format(
            source=facts["appeal_days"]["source"], matute=facts["mail_extension_days"]["source"]
        ),
        "new_request": t["new_request"],
        "help": help_text,
        "help_before": help_text[: help_text.rfind(help_facts["url"])],
        "help_url": help_facts["url"],
        "facts": case_facts,
    }
