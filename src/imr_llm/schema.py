"""The data model: what a determination letter says, grounded in its text.

Every verbatim field (a service title, a guideline line, a rationale) carries a
span ``[start, end]`` into :attr:`Determination.text`; the models check on
construction that each span reproduces its field, so a result can always be
traced back to the words of the letter. Models are frozen and reject unknown
fields; field descriptions double as the documentation the LLM reads.

This module imports nothing else from imr_llm.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "ITEMS_MAY_BE_MISSING",
    "OUTCOMES_TO_CHECK",
    "SCHEMA_VERSION",
    "Citation",
    "Claimant",
    "Determination",
    "DisputedItem",
    "LetterFormat",
    "Outcome",
    "ReasonCode",
    "Reviewer",
    "ServiceCategory",
    "Span",
    "Usage",
    "fold_whitespace",
]

SCHEMA_VERSION = "1"
"""Bumped whenever a change to these models changes what a cached result means."""

ITEMS_MAY_BE_MISSING = "an item may be missing"
"""How a warning ends when the letter seems to decide more items than were read: whoever
shows the items to a person should say so (see :attr:`Determination.may_miss_items`)."""

OUTCOMES_TO_CHECK = "check each outcome against the letter"
"""How a warning ends when the letter gives reason to doubt an outcome as read (it contradicts
the letter's overall decision, or the letter states no outcome for an item): whoever shows
the outcomes to a person should say so (see :attr:`Determination.may_misread_outcomes`)."""

Span = tuple[int, int]
"""``(start, end)`` character offsets into :attr:`Determination.text`."""


def fold_whitespace(value: str) -> str:
    """Collapse runs of whitespace to one space and trim: how verbatim fields are compared."""
    return " ".join(value.split())


class Outcome(StrEnum):
    """The reviewer's decision on one disputed item.

    The words are the letter's, and they confuse almost everyone: *upheld*
    upholds the **denial**, so the treatment is not authorized.
    """

    UPHELD = "upheld"
    OVERTURNED = "overturned"

    @property
    def approved(self) -> bool:
        """Whether the worker gets the treatment."""
        return self is Outcome.OVERTURNED

    @property
    def meaning(self) -> str:
        """What the outcome means for the worker, in plain words."""
        if self is Outcome.OVERTURNED:
            return (
                "Overturned: the denial was reversed. The treatment is approved and the "
                "claims administrator must authorize it."
            )
        return "Upheld: the denial stands. The treatment is not approved."


class LetterFormat(StrEnum):
    """The DWC letter layouts imr_llm knows."""

    FINAL_DETERMINATION = "final_determination"
    """``HOW THE IMR FINAL DETERMINATION WAS MADE`` / ``IMR ISSUES, DECISIONS AND RATIONALES``."""
    MAXIMUS_IMR = "maximus_imr"
    """Opens ``MAXIMUS FEDERAL SERVICES, INC.`` / ``Independent Medical Review``."""
    PROFESSIONAL_REVIEW = "professional_review"
    """Opens ``MEDICAL PROFESSIONAL REVIEW`` with ``ISSUE AT DISPUTE:``."""
    NOTICE_2013 = "notice_2013"
    """The early (2013) notice: ``1) MAXIMUS Federal Services, Inc. has determined ...``."""
    UNKNOWN = "unknown"
    """None of the above; items, if any, came from the generic patterns or the LLM."""


class ServiceCategory(StrEnum):
    """Broad kind of treatment, for tables and statistics."""

    ACUPUNCTURE = "acupuncture"
    PHYSICAL_THERAPY = "physical therapy"
    CHIROPRACTIC = "chiropractic"
    MEDICATION = "medication"
    IMAGING = "imaging"
    INJECTION = "injection"
    SURGERY = "surgery"
    EQUIPMENT = "equipment"
    PSYCHOLOGICAL_CARE = "psychological care"
    FUNCTIONAL_RESTORATION = "functional restoration"
    EVALUATION = "evaluation"
    OTHER = "other"


class ReasonCode(StrEnum):
    """Recurring reasons reviewers give, recognized in a rationale."""

    NO_FUNCTIONAL_IMPROVEMENT = "no_functional_improvement"
    EXCEEDS_GUIDELINE_QUANTITY = "exceeds_guideline_quantity"
    QUANTITY_NOT_SPECIFIED = "quantity_not_specified"
    NO_RED_FLAGS = "no_red_flags"
    NO_EXERCISE_PROGRAM = "no_exercise_program"
    NOT_RECOMMENDED_BY_GUIDELINES = "not_recommended_by_guidelines"
    INSUFFICIENT_DOCUMENTATION = "insufficient_documentation"
    CONSERVATIVE_CARE_NOT_TRIED = "conservative_care_not_tried"
    MEDICATION_RISK = "medication_risk"
    NO_GI_RISK = "no_gi_risk"
    """A stomach protectant (a proton pump inhibitor, an H2 blocker) with no stomach
    problem or risk shown."""
    CRITERIA_MET = "criteria_met"
    OTHER = "other"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Citation(_Model):
    """One guideline line, taken apart."""

    source: Literal["claims_administrator", "maximus"] = Field(
        description="Whose guideline line this is: the claims administrator's (UR) or MAXIMUS's."
    )
    families: list[str] = Field(
        default_factory=list,
        description=(
            "Guideline families cited: MTUS, ACOEM, ODG, OTHER. A line that names the MTUS only"
            " to set it aside ('outside of the MTUS', 'Non-MTUS Citation') does not cite it."
        ),
    )
    chapters: list[str] = Field(default_factory=list, description="Chapter numbers cited.")
    sections: list[str] = Field(default_factory=list, description="`Section(s):` text cited.")
    pages: list[int] = Field(
        default_factory=list, description="Page numbers cited, ranges expanded."
    )


class Usage(_Model):
    """What the LLM calls behind one result cost."""

    requests: int = Field(0, description="HTTP requests sent, re-asks and retries included.")
    cached: bool = Field(False, description="The answer came from the local cache (no request).")
    input_tokens: int = Field(0, description="Prompt tokens, cached ones included.")
    cached_input_tokens: int = Field(0, description="Prompt tokens the provider had cached.")
    output_tokens: int = Field(0, description="Completion tokens.")
    estimated_cost_usd: float | None = Field(
        None, description="From the price table in imr_llm.config; None for unknown models."
    )

    def __add__(self, other: Usage) -> Usage:
        cost: float | None
        if self.estimated_cost_usd is None and other.estimated_cost_usd is None:
            cost = None
        else:
            cost = (self.estimated_cost_usd or 0.0) + (other.estimated_cost_usd or 0.0)
        return Usage(
            requests=self.requests + other.requests,
            input_tokens=self.input_tokens + other.input_tokens,
            cached_input_tokens=self.cached_input_tokens + other.cached_input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            estimated_cost_usd=cost,
            cached=self.cached and other.cached,
        )


def _check_spans(owner: BaseModel, spans: dict[str, Span], text: str) -> None:
    for name, (start, end) in spans.items():
        value = getattr(owner, name, None)
        if not isinstance(value, str):
            raise ValueError(f"span for {name!r} names no text field")
        if not 0 <= start <= end <= len(text):
            raise ValueError(f"span for {name!r} ({start}, {end}) lies outside the text")
        raw = text[start:end]
        if raw == value or raw.replace("\n", " ") == value:  # the usual case, and cheap
            continue
        folded = fold_whitespace(raw)
        if folded != value and folded != fold_whitespace(value):
            raise ValueError(f"span for {name!r} does not reproduce the field")


class DisputedItem(_Model):
    """One treatment or service the reviewer decided."""

    index: int = Field(description="1-based position of the item in the letter.")
    service: str = Field(
        description="The treatment as the letter names it, whitespace folded, without the "
        "punctuation before its outcome. For a request UR modified, the part left in dispute."
    )
    outcome: Outcome = Field(
        description="upheld = the denial stands (not approved); overturned = approved."
    )
    claims_administrator_guideline: str | None = Field(
        None, description="The `Claims Administrator guideline:` line, verbatim."
    )
    maximus_guideline: str | None = Field(
        None, description="The `MAXIMUS guideline:` line, verbatim."
    )
    guideline_sources: list[str] = Field(
        default_factory=list,
        description=(
            "Guideline families cited in either guideline line, sorted (as `families` reads them)."
        ),
    )
    citations: list[Citation] = Field(
        default_factory=list, description="Each guideline line read as a citation."
    )
    pages: list[int] = Field(default_factory=list, description="Guideline pages cited, sorted.")
    rationale: str | None = Field(None, description="The reviewer's rationale, verbatim.")
    modified_by_ur: bool = Field(
        False,
        description="Utilization review approved part of the request; that part still stands.",
    )
    ur_authorized: str | None = Field(
        None, description="What UR authorized, verbatim, when the letter states it."
    )
    category: ServiceCategory = Field(ServiceCategory.OTHER, description="Kind of treatment.")
    quantity: str | None = Field(None, description="How many (sessions, tablets), as stated.")
    frequency: str | None = Field(None, description="How often, as stated.")
    duration: str | None = Field(None, description="For how long, as stated.")
    body_part: str | None = Field(None, description="Body part treated, as stated.")
    reasons: list[ReasonCode] = Field(default_factory=list, description="Main reasons given.")
    reason: str | None = Field(None, description="The main reason in plain words.")
    explanation: str = Field("", description="What was decided and what it means, plainly.")
    next_steps: str | None = Field(None, description="What the worker can do next.")
    spans: dict[str, Span] = Field(
        default_factory=dict, description="Verbatim field name -> [start, end] in the text."
    )


class Reviewer(_Model):
    """What the letter says of the (anonymous) expert reviewer."""

    specialties: list[str] = Field(
        default_factory=list, description="Board certifications and specialties, as named."
    )
    licensure: list[str] = Field(default_factory=list, description="States of licensure.")


class Claimant(_Model):
    """What the letter says of the injured worker."""

    age: int | None = Field(None, description="Age in years, as the case summary gives it.")
    sex: Literal["male", "female"] | None = Field(
        None, description="As the case summary's words or pronouns say."
    )
    date_of_injury: date | None = Field(
        None, description="The header's `Date of Injury:`, else the case summary's."
    )


class Determination(_Model):
    """One IMR final determination letter, parsed."""

    source: str | None = Field(None, description="Where the letter came from (a path), if known.")
    sha256: str = Field(description="SHA-256 of the raw input bytes (or UTF-8 text).")
    format: LetterFormat = Field(LetterFormat.UNKNOWN, description="Which DWC letter layout.")
    text: str = Field(description="The normalized text every span points into.")
    case_number: str | None = Field(None, description="The IMR case number (CM16-0233794).")
    date_assigned: date | None = Field(
        None,
        description="When the case was assigned for review (a 2013 notice: its Notice "
        "of Assignment).",
    )
    decision_date: date | None = Field(None, description="When IMR decided.")
    ur_denial_date: date | None = Field(
        None, description="When utilization review denied or modified the request."
    )
    application_received: date | None = Field(
        None, description="When the IMR application was received (or filed)."
    )
    priority: str | None = Field(None, description="Standard or Expedited, as written.")
    reviewer: Reviewer = Field(default_factory=Reviewer, description="The expert reviewer.")
    claimant: Claimant = Field(default_factory=Claimant, description="The injured worker.")
    items: list[DisputedItem] = Field(
        default_factory=list, description="The disputed items, in letter order."
    )
    summary: str = Field("", description="The whole letter in a few plain sentences.")
    method: Literal["rules", "llm"] = Field(
        "rules", description="Who wrote the plain language: the rules' templates, or an LLM."
    )
    model: str | None = Field(None, description="The LLM that wrote the explanations, if any.")
    usage: Usage | None = Field(None, description="What the LLM calls cost; None offline.")
    warnings: list[str] = Field(
        default_factory=list,
        description="What could not be read, or should be checked, in plain words.",
    )
    schema_version: str = Field(SCHEMA_VERSION, description="Changes when fields change.")

    @model_validator(mode="after")
    def _spans_reproduce_fields(self) -> Determination:
        for item in self.items:
            _check_spans(item, item.spans, self.text)
        return self

    @property
    def may_miss_items(self) -> bool:
        """Whether a warning says the letter may decide more items than :attr:`items` holds."""
        return any(w.endswith(ITEMS_MAY_BE_MISSING) for w in self.warnings)

    @property
    def may_misread_outcomes(self) -> bool:
        """Whether a warning gives reason to doubt an outcome as read (see
        :data:`OUTCOMES_TO_CHECK`)."""
        return any(w.endswith(OUTCOMES_TO_CHECK) for w in self.warnings)

    @property
    def upheld(self) -> list[DisputedItem]:
        return [i for i in self.items if i.outcome is Outcome.UPHELD]

    @property
    def overturned(self) -> list[DisputedItem]:
        return [i for i in self.items if i.outcome is Outcome.OVERTURNED]

    def _repr_html_(self) -> str:
        # Imported here so the schema stays free of the rendering layer.
        from imr_llm.notebook import determination_html

        return determination_html(self)

    def to_json_dict(self) -> dict[str, Any]:
        """The JSON-ready dict the CLI writes (``model_dump(mode="json")``)."""
        return self.model_dump(mode="json")
