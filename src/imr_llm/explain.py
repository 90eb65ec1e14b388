"""Plain-language explanations without an LLM.

Short sentences and everyday words (English aims at Flesch-Kincaid grade 8 or
lower): what was decided, what it means for the worker, and the main reasons
recognized in the rationale. Used offline, and whenever the LLM path falls back.
Spanish is written for Spanish-speaking workers, not translated word for word.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any, Literal

from imr_llm.facts import facts_for
from imr_llm.schema import Determination, DisputedItem, Outcome, ReasonCode, ServiceCategory

__all__ = [
    "Language",
    "explain",
    "explain_draft",
    "explained_fields",
    "explain_item",
    "legal_facts",
    "reason_sentence",
    "summarize_items",
]

Language = Literal["en", "es"]

_REASONS: dict[Language, dict[ReasonCode, str]] = {
    "en": {
        ReasonCode.NO_FUNCTIONAL_IMPROVEMENT: (
            "The records did not show that past care helped you do more at home or at work."
        ),
        ReasonCode.EXCEEDS_GUIDELINE_QUANTITY: (
            "With the care you already had, this is more than the rules usually allow."
        ),
        ReasonCode.QUANTITY_NOT_SPECIFIED: (
            "The request did not say how much of this care was needed, or for how long."
        ),
        ReasonCode.NO_RED_FLAGS: (
            "The records did not show signs of a serious problem that would call for this care."
        ),
        ReasonCode.NO_EXERCISE_PROGRAM: (
            "The rules say this should go with an exercise plan, and none was shown."
        ),
        ReasonCode.NOT_RECOMMENDED_BY_GUIDELINES: (
            "The medical rules do not advise this care for a case like yours."
        ),
        ReasonCode.INSUFFICIENT_DOCUMENTATION: (
            "The records that were sent did not show enough to support the request."
        ),
        ReasonCode.CONSERVATIVE_CARE_NOT_TRIED: (
            "Simpler care should be tried first, and the records did not show that it was."
        ),
        ReasonCode.MEDICATION_RISK: (
            "The records did not show the safety checks the rules ask for with this drug."
        ),
        ReasonCode.NO_GI_RISK: (
            "This medicine protects the stomach. The records did not show a stomach problem "
            "or risk that calls for it."
        ),
        ReasonCode.CRITERIA_MET: (
            "The reviewer found that your records met the rules for this care."
        ),
        ReasonCode.OTHER: "The reviewer gives the reasons in the letter.",
    },
    "es": {
        ReasonCode.NO_FUNCTIONAL_IMPROVEMENT: (
            "Los expedientes no mostraron que el tratamiento anterior le ayudara a hacer más "
            "en casa o en el trabajo."
        ),
        ReasonCode.EXCEEDS_GUIDELINE_QUANTITY: (
            "Junto con el tratamiento que ya recibió, esto es más de lo que las normas suelen "
            "permitir."
        ),
        ReasonCode.QUANTITY_NOT_SPECIFIED: (
            "La solicitud no decía cuánto de este tratamiento se necesitaba, ni por cuánto tiempo."
        ),
        ReasonCode.NO_RED_FLAGS: (
            "Los expedientes no mostraron señales de un problema grave que justifique este "
            "tratamiento."
        ),
        ReasonCode.NO_EXERCISE_PROGRAM: (
            "Las normas dicen que esto debe ir junto con un programa de ejercicio, y no se "
            "mostró ninguno."
        ),
        ReasonCode.NOT_RECOMMENDED_BY_GUIDELINES: (
            "Las normas médicas no recomiendan este tratamiento para un caso como el suyo."
        ),
        ReasonCode.INSUFFICIENT_DOCUMENTATION: (
            "Los expedientes enviados no mostraron lo suficiente para apoyar la solicitud."
        ),
        ReasonCode.CONSERVATIVE_CARE_NOT_TRIED: (
            "Primero deben probarse tratamientos más sencillos, y los expedientes no mostraron "
            "que se hayan probado."
        ),
        ReasonCode.MEDICATION_RISK: (
            "Los expedientes no mostraron los controles de seguridad que piden las normas para "
            "este medicamento."
        ),
        ReasonCode.NO_GI_RISK: (
            "Este medicamento protege el estómago. Los expedientes no mostraron un problema "
            "o riesgo en el estómago que lo justifique."
        ),
        ReasonCode.CRITERIA_MET: (
            "El revisor encontró que sus expedientes cumplían las normas para este tratamiento."
        ),
        ReasonCode.OTHER: "El revisor explica sus razones en la carta.",
    },
}

# A reason that names the kind of care says "test" only where the care is a test: red flags
# are most often the reason against a scan, but also against a referral or a surgery.
_REASONS_FOR_TESTS: dict[Language, dict[ReasonCode, str]] = {
    "en": {
        ReasonCode.NO_RED_FLAGS: (
            "The records did not show signs of a serious problem that would call for this test."
        ),
    },
    "es": {
        ReasonCode.NO_RED_FLAGS: (
            "Los expedientes no mostraron señales de un problema grave que justifique este estudio."
        ),
    },
}
_TESTS = frozenset({ServiceCategory.IMAGING})

_TEXT: dict[Language, dict[str, str]] = {
    "en": {
        "approved": "Approved: {service}.",
        "not_approved": "Not approved: {service}.",
        "approved_meaning": (
            "The reviewer found this care is needed. The denial is reversed, so your claims "
            "administrator must approve it."
        ),
        "not_approved_meaning": (
            "The reviewer agreed with the denial. You will not get this care under this request."
        ),
        "modified": (
            "Before this review, part of the request had been approved. That part still stands."
        ),
        "next_approved": (
            "Your claims administrator must approve it within {days} working days of getting "
            "this decision."
        ),
        "next_not_approved": (
            "You can appeal within {days} days of the mailing date. Your doctor can also send "
            "a new request if your health or needs change."
        ),
        "summary_count": "{approved} of {total} requests approved.",
        "summary_none": "No requests were found in this letter.",
        "summary_approved": "Approved: {services}.",
        "summary_not_approved": "Not approved: {services}.",
    },
    "es": {
        "approved": "Aprobado: {service}.",
        "not_approved": "No aprobado: {service}.",
        "approved_meaning": (
            "El revisor decidió que usted necesita este tratamiento. Se anula la negación, así "
            "que el administrador de reclamos debe autorizarlo."
        ),
        "not_approved_meaning": (
            "El revisor estuvo de acuerdo con la negación. Usted no recibirá este tratamiento "
            "con esta solicitud."
        ),
        "modified": (
            "Antes de esta revisión se había aprobado una parte de la solicitud. Esa parte "
            "sigue vigente."
        ),
        "next_approved": (
            "El administrador de reclamos debe autorizarlo dentro de {days} días hábiles de "
            "recibir esta decisión."
        ),
        "next_not_approved": (
            "Puede apelar dentro de {days} días de la fecha de envío. Su médico también puede "
            "enviar una nueva solicitud si su salud o sus necesidades cambian."
        ),
        "summary_count": "{approved} de {total} solicitudes aprobadas.",
        "summary_none": "No se encontraron solicitudes en esta carta.",
        "summary_approved": "Aprobado: {services}.",
        "summary_not_approved": "No aprobado: {services}.",
    },
}


@cache
def legal_facts() -> dict[str, Any]:
    """The legal facts data file (deadlines, code sections, contacts, with sources)."""
    raw = resources.files("imr_llm").joinpath("data/legal_facts.json").read_text("utf-8")
    facts: dict[str, Any] = json.loads(raw)
    return facts


def text(language: Language, key: str, **values: object) -> str:
    """One template sentence in the given language."""
    return _TEXT[language][key].format(**values)


def reason_sentence(
    code: ReasonCode, language: Language = "en", category: ServiceCategory | None = None
) -> str:
    """The plain sentence for one reason code, for an item of ``category`` when known."""
    if category in _TESTS:
        for_a_test = _REASONS_FOR_TESTS[language].get(code)
        if for_a_test is not None:
            return for_a_test
    return _REASONS[language][code]


def explain_item(item: DisputedItem, language: Language = "en") -> str:
    """What was decided on one item, what it means, and why, in short sentences."""
    return _explanation(
        item.service, item.outcome, item.modified_by_ur, item.reasons, item.category, language
    )


def _explanation(
    service: str,
    outcome: Outcome,
    modified_by_ur: bool,
    reasons: list[ReasonCode],
    category: ServiceCategory | None,
    language: Language,
) -> str:
    approved = outcome.approved
    parts = [
        text(language, "approved" if approved else "not_approved", service=service),
        text(language, "approved_meaning" if approved else "not_approved_meaning"),
    ]
    if modified_by_ur and not approved:
        parts.append(text(language, "modified"))
    parts.extend(reason_sentence(code, language, category) for code in reasons[:2])
    return " ".join(parts)


def next_steps(item: DisputedItem, language: Language = "en") -> str:
    return _next_steps(item.outcome, language)


@cache  # one sentence per outcome and language
def _next_steps(outcome: Outcome, language: Language) -> str:
    facts = legal_facts()
    if outcome.approved:
        return text(language, "next_approved", days=facts["authorize_working_days"]["value"])
    return text(language, "next_not_approved", days=facts["appeal_days"]["value"])


def summarize_items(items: list[DisputedItem], language: Language = "en") -> str:
    """The whole letter in two or three plain sentences."""
    return _summary([(i.service, i.outcome) for i in items], language)


def _summary(decided: list[tuple[str, Outcome]], language: Language) -> str:
    if not decided:
        return text(language, "summary_none")
    approved = [service for service, outcome in decided if outcome.approved]
    denied = [service for service, outcome in decided if not outcome.approved]
    parts = [text(language, "summary_count", approved=len(approved), total=len(decided))]
    if approved:
        parts.append(text(language, "summary_approved", services="; ".join(approved)))
    if denied:
        parts.append(text(language, "summary_not_approved", services="; ".join(denied)))
    return " ".join(parts)


def explained_fields(
    service: str, outcome: Outcome, *, rationale: str | None, modified_by_ur: bool
) -> dict[str, Any]:
    """What the offline path adds to an item, as DisputedItem field values: the rules-
    recognized facts and reasons, and the template explanation, reason and next steps."""
    fields = facts_for(service, rationale, approved=outcome.approved)
    reasons: list[ReasonCode] = fields["reasons"]
    category: ServiceCategory | None = fields["category"]
    fields["explanation"] = _explanation(service, outcome, modified_by_ur, reasons, category, "en")
    fields["reason"] = " ".join(reason_sentence(c, "en", category) for c in reasons[:2]) or None
    fields["next_steps"] = _next_steps(outcome, "en")
    return fields


def explain(determination: Determination) -> Determination:
    """Fill every item's facts, reasons and template explanation, and the letter's summary.

    Items that already carry an explanation (from the LLM) keep it.
    """
    items = [
        item
        if item.explanation
        else item.model_copy(
            update=explained_fields(
                item.service,
                item.outcome,
                rationale=item.rationale,
                modified_by_ur=item.modified_by_ur,
            )
        )
        for item in determination.items
    ]
    summary = determination.summary or summarize_items(items)
    return determination.model_copy(update={"items": items, "summary": summary})


def explain_draft(draft: dict[str, Any]) -> dict[str, Any]:
    """:func:`explain` for the rules' draft of a Determination (see
    :func:`imr_llm.rules.draft_normalized`), filled in place before its one validation."""
    for item in draft["items"]:
        item.update(
            explained_fields(
                item["service"],
                item["outcome"],
                rationale=item["rationale"],
                modified_by_ur=item["modified_by_ur"],
            )
        )
    draft["summary"] = _summary([(i["service"], i["outcome"]) for i in draft["items"]], "en")
    return draft
