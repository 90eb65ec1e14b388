"""Normalized facts recognized by rules: service category, quantity, body part, reasons.

The offline path fills these so tables and statistics work without an LLM; the
LLM path may refine them (never the outcome).
"""

from __future__ import annotations

import re

from imr_llm._casefold import lowered
from imr_llm.schema import DisputedItem, ReasonCode, ServiceCategory

__all__ = ["categorize", "enrich_item", "reason_codes", "service_facts"]

_I = re.IGNORECASE

# Order matters: the first category whose pattern matches wins, most specific first.
_CATEGORY_PATTERNS: list[tuple[ServiceCategory, re.Pattern[str]]] = [
    (
        ServiceCategory.FUNCTIONAL_RESTORATION,
        re.compile(
            r"functional\s+restoration|\bFRP\b|work\s+(?:hardening|conditioning)|HELP\s+program"
            r"|multidisciplinary|interdisciplinary\s+pain",
            _I,
        ),
    ),
    (ServiceCategory.ACUPUNCTURE, re.compile(r"acupunct", _I)),
    (
        ServiceCategory.CHIROPRACTIC,
        re.compile(r"chiropract|spinal\s+manipulation|manipulat|\bCMT\b", _I),
    ),
    (
        ServiceCategory.PSYCHOLOGICAL_CARE,
        re.compile(r"psych|cognitive\s+behavio|\bCBT\b|biofeedback|counsel|behavioral", _I),
    ),
    (
        ServiceCategory.IMAGING,
        re.compile(
            r"\bMRI\b|\bMRA\b|\bCT\b|CT\s+scan|x-?rays?\b|radiograph|ultrasound(?!\s+guided)"
            r"(?!\s+therapy)|bone\s+scan|imaging|\bEMG\b|\bNCV\b|\bNCS\b|nerve\s+conduction"
            r"|electromyograph|arthrogram|myelogram|\bscan\b",
            _I,
        ),
    ),
    (
        ServiceCategory.INJECTION,
        re.compile(
            r"inject|epidural|\bESI\b|nerve\s+block|\bblock\b|facet|radiofrequency|ablation|rhizotomy"
            r"|trigger\s+point|botox|prp\b|platelet",
            _I,
        ),
    ),
    (
        ServiceCategory.SURGERY,
        re.compile(
            r"surgery|surgical|arthroscop|fusion|laminectomy|discectomy|decompression|repair"
            r"|replacement|arthroplasty|-?ectomy\b|-?otomy\b|reconstruction|release\s+of|ORIF"
            r"|implant(?:ation)?\b|debridement",
            _I,
        ),
    ),
    (
        ServiceCategory.PHYSICAL_THERAPY,
        re.compile(
            r"physical\s+therap|\bPT\b|physiotherap|occupational\s+therap|\bOT\b|aquatic|"
            r"therapeutic\s+exercise|physical\s+medicine|massage|myofascial|rehabilitat"
            r"|electrical\s+stimulation|ultrasound\s+therapy|\bTENS\b|home\s+exercise|traction"
            r"|\btherapy\b",
            _I,
        ),
    ),
    (
        ServiceCategory.EQUIPMENT,
        re.compile(
            r"brace|support|wheelchair|walker|cane|commode|chair|bed\b|cushion|pillow|orthotic|"
            r"splint|sling|unit\b|device|equipment|\bDME\b|pad\b|wrap\b|shoe|insoles?|crutch|"
            r"scooter|collar|stimulator|cold\s+therapy|heat\s+therapy|hot/cold|cryotherap|"
            r"compression|garment|stocking|kit\b|glove|lumbar\s+roll|rental|purchase",
            _I,
        ),
    ),
    (
        ServiceCategory.EVALUATION,
        re.compile(
            r"evaluat|consult|referral|exam\b|examination|assessment|office\s+visit|follow[- ]up"
            r"|visit|screen|test(?:ing)?\b|panel|urine\s+drug|\bUDS\b|lab|consultation|TOC\b"
            r"|transfer\s+of\s+care|\bFCE\b|sleep\s+study",
            _I,
        ),
    ),
    (
        ServiceCategory.MEDICATION,
        re.compile(
            r"\d\s*(?:mg|mcg|ml|%|g)\b|tablet|\btab\b|capsule|cream|gel\b|ointment|patch|"
            r"#\s*\d|\bqty\b|medication|refill|prescription|supply|\bER\b|\bHCL\b|dose|"
            r"norco|tramadol|oxycodone|hydrocodone|gabapentin|neurontin|lyrica|pregabalin|"
            r"cyclobenzaprine|flexeril|omeprazole|prilosec|ibuprofen|naproxen|meloxicam|"
            r"lidoderm|lidocaine|diclofenac|celebrex|tizanidine|baclofen|soma|carisoprodol|"
            r"ambien|zolpidem|diazepam|valium|xanax|alprazolam|percocet|morphine|fentanyl|"
            r"butrans|buprenorphine|nucynta|tapentadol|opioid|duloxetine|cymbalta|amitriptyline|"
            r"trazodone|ondansetron|etodolac|famotidine|pantoprazole|compound|topical|"
            r"flector|voltaren|terocin|menthoderm|ketoprofen|methocarbamol|robaxin|orphenadrine"
            r"|nabumetone|relafen|sumatriptan|suboxone|dicopanol|deprizine|fanatrex|synapryn|"
            r"tabradol",
            _I,
        ),
    ),
]

_BODY_PARTS = re.compile(
    r"\b(?P<v>(?:(?:left|right|bilateral|both)\s+)?(?:lower\s+|upper\s+|mid\s+)?"
    r"(?:cervical(?:\s+spine)?|thoracic(?:\s+spine)?|lumbar(?:\s+spine)?|lumbosacral(?:\s+spine)?"
    r"|low(?:er)?\s+back|upper\s+back|mid\s+back|back|neck|shoulders?|elbows?|wrists?|hands?"
    r"|fingers?|thumbs?|hips?|knees?|ankles?|feet|foot|toes?|legs?|arms?|spine|head|pelvis"
    r"|sacroiliac(?:\s+joint)?|forearms?|extremit(?:y|ies)|abdomen|chest|jaw|eyes?))\b",
    _I,
)
_SESSIONS = re.compile(
    r"(?P<v>(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|eighteen|twenty"
    r"|twenty-four)\s*(?:\(\d+\)\s*)?(?:additional\s+)?(?:sessions?|visits?|treatments?|days?))"
    r"|(?:#|qty[:.]?\s*|quantity[:.]?\s*)(?P<n>\d+)"
    r"|(?P<x>\b\d+\s*x\s*\d+\b)",
    _I,
)
_FREQUENCY = re.compile(
    r"(?P<v>(?:\d+|one|two|three|four|five|six)\s*(?:\(\d+\)\s*)?(?:times?|x)\s*(?:a|per|/)\s*"
    r"(?:week|day|month)|(?:once|twice)\s+(?:a|per)\s+(?:week|day|month)|\bweekly\b|\bdaily\b"
    r"|\d+\s*x\s*(?:week|wk)|every\s+\d+(?:-\d+)?\s+hours)",
    _I,
)
_DURATION = re.compile(
    r"(?:for\s+)?(?P<v>(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\s*"
    r"(?:\(\d+\)\s*)?(?:weeks?|months?|days?)(?:\s+rental|\s+supply)?)",
    _I,
)

# Every match of a reason pattern contains one of its keywords, so each pattern only runs on
# a short window around each keyword occurrence: most rationales never wake most patterns.
_REASON_KEYWORDS: dict[ReasonCode, tuple[str, ...]] = {
    ReasonCode.QUANTITY_NOT_SPECIFIED: (
        "specif",
        "unknown",
        "quantity",
        "frequency",
        "duration",
        "number",
    ),
    ReasonCode.NO_FUNCTIONAL_IMPROVEMENT: ("function",),
    ReasonCode.EXCEEDS_GUIDELINE_QUANTITY: (
        "exceed",
        "excess",
        "more than",
        "already",
        "beyond",
        "transition",
    ),
    ReasonCode.NO_RED_FLAGS: ("red",),
    ReasonCode.NO_EXERCISE_PROGRAM: (
        "program",
        "adjunct",
        "accompanied",
        "standalone",
        "stand-alone",
    ),
    ReasonCode.NOT_RECOMMENDED_BY_GUIDELINES: ("recommend", "not supported"),
    ReasonCode.CONSERVATIVE_CARE_NOT_TRIED: ("conservative", "first"),
    ReasonCode.MEDICATION_RISK: (
        "abuse",
        "dependen",
        "addiction",
        "misuse",
        "urine",
        "agreement",
        "contract",
        "cures",
        "long-term",
    ),
    # Rationales are whitespace-folded, so multi-word keywords are safe.
    ReasonCode.INSUFFICIENT_DOCUMENTATION: (
        "lack of",
        "absence of",
        "no clear",
        "no documentation",
        "no rationale",
        "no indication",
        "no evidence",
        "not been",
        "not clearly",
        "not document",
        "not demonstrated",
        "not established",
        "not provide",
        "not objectively",
        "not support",
        "not indicate",
    ),
}
_WINDOW_BEFORE = 70
_WINDOW_AFTER = 70

_REASON_PATTERNS: list[tuple[ReasonCode, re.Pattern[str]]] = [
    (
        ReasonCode.QUANTITY_NOT_SPECIFIED,
        re.compile(
            r"(?:not|n't)\s+specif\w*\s+(?:the\s+)?(?:number|quantity|frequency|duration|amount)"
            r"|(?:number|quantity|frequency|duration)\s+(?:of\s+\w+\s+)?(?:was|were|is)\s+not\s+"
            r"(?:specified|stated|provided|indicated)|unknown\s+(?:quantity|number|sessions)"
            r"|unspecified\s+(?:quantity|number)|without\s+(?:a\s+)?(?:specified\s+)?"
            r"(?:quantity|frequency|duration)",
            _I,
        ),
    ),
    (
        ReasonCode.NO_FUNCTIONAL_IMPROVEMENT,
        re.compile(
            r"(?:no|not|lack\s+of|absence\s+of|without)\s+(?:\w+\s+){0,4}(?:objective\s+)?"
            r"(?:documented\s+|evidence\s+of\s+|documentation\s+of\s+)?(?:objective\s+)?"
            r"functional\s+(?:improvement|gains?|benefit)"
            r"|(?:improvement|increased)\s+(?:in\s+)?function\s+(?:was|were|is|has)\s+not",
            _I,
        ),
    ),
    (
        ReasonCode.EXCEEDS_GUIDELINE_QUANTITY,
        re.compile(
            r"exceed\w*|in\s+excess\s+of|more\s+than\s+(?:the\s+)?(?:recommended|guideline)"
            r"|already\s+(?:undergone|completed|had|attended)|beyond\s+(?:the\s+)?(?:recommended|"
            r"guideline)|should\s+be\s+able\s+to\s+transition\s+(?:to|into)\s+a\s+home",
            _I,
        ),
    ),
    (ReasonCode.NO_RED_FLAGS, re.compile(r"red[- ]flag", _I)),
    (
        ReasonCode.NO_EXERCISE_PROGRAM,
        re.compile(
            r"(?:no|not)\s+(?:\w+\s+){0,6}(?:exercise|rehab\w*)\s+program|adjunct\s+to\s+"
            r"(?:physical\s+rehabilitation|an?\s+(?:active\s+)?exercise|a\s+program)"
            r"|accompanied\s+by\s+active\s+exercise|standalone|stand-alone",
            _I,
        ),
    ),
    (
        ReasonCode.NOT_RECOMMENDED_BY_GUIDELINES,
        re.compile(
            r"(?:not|do\s+not|does\s+not)\s+(?:generally\s+)?recommend|not\s+recommended"
            r"|not\s+supported\s+by\s+(?:the\s+)?(?:guidelines|evidence)",
            _I,
        ),
    ),
    (
        ReasonCode.CONSERVATIVE_CARE_NOT_TRIED,
        re.compile(
            r"(?:failure|failed|trial)\s+of\s+(?:\w+\s+){0,3}conservative|conservative\s+"
            r"(?:care|treatment|therapy)\s+(?:has|have|was|were)\s+not|first[- ]line",
            _I,
        ),
    ),
    (
        ReasonCode.MEDICATION_RISK,
        re.compile(
            r"(?:risk\s+of|potential\s+for)\s+(?:abuse|dependence|addiction|misuse)|urine\s+drug"
            r"|opioid\s+(?:agreement|contract)|\bCURES\b|pain\s+contract|long-term\s+use",
            _I,
        ),
    ),
    (
        ReasonCode.INSUFFICIENT_DOCUMENTATION,
        re.compile(
            r"(?:lack|absence)\s+of\s+(?:\w+\s+){0,3}(?:documentation|information|rationale|evidence)"
            r"|no\s+(?:clear\s+)?(?:documentation|rationale|indication|evidence)"
            r"|not\s+(?:been\s+)?(?:clearly\s+)?(?:documented|demonstrated|established|provided)"
            r"|(?:do|does)\s+not\s+(?:objectively\s+)?(?:support|provide|indicate|document)",
            _I,
        ),
    ),
]


# The same patterns for lowered text: case-insensitive regexes are several times slower.
_LOWERED_REASON_PATTERNS = [
    (code, re.compile(pattern.pattern.lower().replace("(?p<", "(?P<")))
    for code, pattern in _REASON_PATTERNS
]


_INSUFFICIENT_DOCUMENTATION = dict(_LOWERED_REASON_PATTERNS)[ReasonCode.INSUFFICIENT_DOCUMENTATION]


def _found_near_keywords(pattern: re.Pattern[str], text: str, keywords: tuple[str, ...]) -> bool:
    for keyword in keywords:
        at = text.find(keyword)
        while at >= 0:
            window = text[max(0, at - _WINDOW_BEFORE) : at + len(keyword) + _WINDOW_AFTER]
            if pattern.search(window):
                return True
            at = text.find(keyword, at + len(keyword))
    return False


def _lowered_pattern(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The same pattern for lowered text (case-insensitive regexes are several times slower)."""
    return re.compile(pattern.pattern.lower().replace("(?p<", "(?P<"), pattern.flags & ~re.I)


_LOWERED_CATEGORY_PATTERNS = [(c, _lowered_pattern(p)) for c, p in _CATEGORY_PATTERNS]
_FACT_PATTERNS: list[tuple[str, re.Pattern[str], tuple[str, ...]]] = [
    # (field, pattern for lowered text, keywords one of which every match contains)
    (
        "quantity",
        _lowered_pattern(_SESSIONS),
        ("session", "visit", "treatment", "day", "#", "qty", "quantity", "x"),
    ),
    (
        "frequency",
        _lowered_pattern(_FREQUENCY),
        ("time", "x", "week", "day", "daily", "every", "once", "twice"),
    ),
    ("duration", _lowered_pattern(_DURATION), ("week", "month", "day")),
    (
        "body_part",
        _lowered_pattern(_BODY_PARTS),
        (
            "cervical",
            "thoracic",
            "lumbar",
            "lumbosacral",
            "back",
            "neck",
            "shoulder",
            "elbow",
            "wrist",
            "hand",
            "finger",
            "thumb",
            "hip",
            "knee",
            "ankle",
            "feet",
            "foot",
            "toe",
            "leg",
            "arm",
            "spine",
            "head",
            "pelvis",
            "sacroiliac",
            "extremit",
            "abdomen",
            "chest",
            "jaw",
            "eye",
        ),
    ),
]


def categorize(service: str) -> ServiceCategory:
    """The broad kind of treatment a service title names."""
    low = lowered(service)
    for category, pattern in _LOWERED_CATEGORY_PATTERNS:
        if pattern.search(low):
            return category
    return ServiceCategory.OTHER


def service_facts(service: str) -> dict[str, str | None]:
    """Quantity, frequency, duration and body part, as the service title states them."""
    low = lowered(service)
    facts: dict[str, str | None] = {}
    for name, pattern, keywords in _FACT_PATTERNS:
        m = pattern.search(low) if any(k in low for k in keywords) else None
        if m is None:
            facts[name] = None
            continue
        group = next((g for g in range(1, (m.lastindex or 0) + 1) if m.group(g)), 0)
        start, end = m.span(group)
        facts[name] = " ".join(service[start:end].split())  # the letter's own case
    return facts


def reason_codes(rationale: str | None, *, overturned: bool) -> list[ReasonCode]:
    """The main reasons a rationale gives, most specific first (at most three)."""
    if overturned:
        return [ReasonCode.CRITERIA_MET]
    if not rationale:
        return []
    lowered = rationale.lower()
    codes: list[ReasonCode] = []
    for code, pattern in _LOWERED_REASON_PATTERNS:
        if code is ReasonCode.INSUFFICIENT_DOCUMENTATION:
            continue  # the least specific reason: only when fewer than three others
        if _found_near_keywords(pattern, lowered, _REASON_KEYWORDS[code]):
            codes.append(code)
            if len(codes) == 3:
                return codes
    if _found_near_keywords(
        _INSUFFICIENT_DOCUMENTATION,
        lowered,
        _REASON_KEYWORDS[ReasonCode.INSUFFICIENT_DOCUMENTATION],
    ):
        codes.append(ReasonCode.INSUFFICIENT_DOCUMENTATION)
    return codes or [ReasonCode.OTHER]


def enrich_item(item: DisputedItem) -> DisputedItem:
    """The item with its rules-recognized category, facts and reasons filled in."""
    facts = service_facts(item.service)
    return item.model_copy(
        update={
            "category": categorize(item.service),
            "reasons": reason_codes(item.rationale, overturned=item.outcome.approved),
            **facts,
        }
    )
