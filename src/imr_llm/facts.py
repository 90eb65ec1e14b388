"""Normalized facts recognized by rules: service category, quantity, body part, reasons.

The offline path fills these so tables and statistics work without an LLM; the
LLM path may refine them (never the outcome).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from imr_llm._casefold import lowered
from imr_llm._literals import ASCII_WORD_CHARS, Alternative, LiteralSet, alternatives
from imr_llm.schema import DisputedItem, ReasonCode, ServiceCategory

__all__ = [
    "categorize",
    "enrich_item",
    "facts_for",
    "item_facts",
    "reason_codes",
    "service_facts",
]


def _lowered_source(source: str) -> str:
    """A pattern written in any case, for lowered text (case-insensitive regexes are
    several times slower). Kept as source: see :func:`imr_llm._literals.alternatives`."""
    return source.lower().replace("(?p<", "(?P<")


# A treatment given in sessions ("Ultrasound 1 times 8", "... 6 visits") is therapy, not a scan.
_GIVEN_IN_SESSIONS = r"[^,;]{0,25}\b(?:times|sessions?|visits?)\b"
# Order matters: the first category whose pattern matches wins, most specific first.
# Sources, lowered: each is split into its alternatives and compiled only as needed.
_CATEGORY_PATTERNS: list[tuple[ServiceCategory, str]] = [
    (
        ServiceCategory.FUNCTIONAL_RESTORATION,
        _lowered_source(
            r"functional\s+restoration|\bFRP\b|work\s+(?:hardening|conditioning)|HELP\s+program"
            r"|multidisciplinary|interdisciplinary\s+pain"
            r"|(?:chronic\s+)?pain\s+(?:management\s+)?program"
        ),
    ),
    (ServiceCategory.ACUPUNCTURE, _lowered_source(r"acupunct")),
    (
        ServiceCategory.CHIROPRACTIC,
        _lowered_source(r"chiropract|spinal\s+manipulation|manipulat|\bCMT\b"),
    ),
    (
        ServiceCategory.PSYCHOLOGICAL_CARE,
        _lowered_source(
            r"psych|cognitive\s+behavio|\bCBT\b|biofeedback|counsel|behavioral|group\s+therapy"
            r"|hypno"
        ),
    ),
    (
        ServiceCategory.IMAGING,
        _lowered_source(
            r"\bMRI\b|\bMRA\b|\bCT\b|CT\s+scan|x-?rays?\b|radiograph|(?<!pulsed\s)ultrasound"
            r"(?!\s+guided)(?!\s+therapy)(?!"
            + _GIVEN_IN_SESSIONS
            + r")|bone\s+scan|imaging|\bEMG\b|\bNCV\b|\bNCS\b|nerve\s+conduction"
            r"|electromyograph|arthrogram|myelogram|\bscan\b"
        ),
    ),
    (
        ServiceCategory.INJECTION,
        _lowered_source(
            r"inject|epidural|\bESI\b|nerve\s+block|\bblock\b|facet|radiofrequency|ablation|rhizotomy"
            r"|trigger\s+point|botox|prp\b|platelet|intrathecal|\bshots?\b|cortisone"
            r"|viscosupplement|hyaluron|synvisc|orthovisc|monovisc|euflexxa|supartz|hyalgan"
        ),
    ),
    (
        ServiceCategory.SURGERY,
        _lowered_source(
            r"surgery|surgical|arthroscop|\bfusion|laminectomy|discectomy|decompression|repair"
            # A joint's replacement, not a TENS unit's batteries.
            r"|(?:knee|hip|shoulder|joint|disc|ankle|elbow|wrist|total|partial)\s+replacement"
            r"|replacement\s+of\s+(?:the\s+)?(?:left\s+|right\s+)?(?:knee|hip|shoulder|ankle"
            r"|elbow|wrist|disc)"
            r"|[a-z]plasty\b|-?ectomy\b|-?otomy\b|reconstruction|release\s+of|ORIF"
            r"|(?:tunnel|finger|thumb)\s+release"
            r"|implant(?:ation)?\b|debridement|assistant\s+(?:surgeon|PA)\b|co-?surgeon"
        ),
    ),
    (
        ServiceCategory.PHYSICAL_THERAPY,
        _lowered_source(
            r"physical\s+therap|\bPT\b(?!\s*/\s*PTT)|physiotherap|occupational\s+therap|\bOT\b"
            r"|aquatic|hydrotherap|therapeutic\s+exercise|physical\s+medicine"
            r"|massage|myofascial|rehabilitat"
            r"|electrical\s+(?:muscle\s+|nerve\s+)?stimulation|ultrasound\s+therapy"
            r"|pulsed\s+ultrasound|ultrasound(?="
            + _GIVEN_IN_SESSIONS
            + r")|\bTENS\b(?!\s+(?:unit|patch|pads?|electrode|supplies|batter))"
            r"|home\s+exercise(?!\s+(?:kit|equipment))|traction"
            r"|(?<!cold\s)(?<!heat\s)\btherapy\b(?!\s+(?:unit|device|machine|system|kit)\b)"
        ),
    ),
    (
        ServiceCategory.EQUIPMENT,
        _lowered_source(
            r"brace|support|wheelchair|walker|\bcanes?\b|commode|chair|\bbeds?\b|cushion|pillow"
            r"|orthotic|splint|sling|unit\b|device|equipment|\bDME\b|\bpads?\b|wrap\b|shoe"
            r"|insoles?|crutch|machine\b|\bCPM\b|continuous\s+passive\s+motion|mattress"
            r"|hearing\s+aids?|batter(?:y|ies)|electrodes?|supplies|\bTENS\s+(?:patch|pads?)"
            r"|eye\s*glasses|dentures?|"
            r"scooter|collar|stimulator|cold\s+therapy|heat\s+therapy|hot/cold|cryotherap|"
            r"compression|garment|stocking|kit\b|glove|lumbar\s+roll|rental|purchase"
        ),
    ),
    (
        ServiceCategory.EVALUATION,
        _lowered_source(
            r"evaluat|consult|referral|exam\b|examination|assessment|office\s+visit|follow[- ]up"
            r"|visit|screen|\btest(?:s|ing)?\b|panel|urine\s+drug|\bUDS\b|\blabs?\b|laboratory"
            r"|consultation|\bTOC\b"
            r"|transfer\s+of\s+care|\bFCE\b|sleep\s+study|pre-?op(?:erative)?\b|clearance"
            r"|\bEKG\b|\bECG\b|\bCBC\b|\bBMP\b|\bCMP\b|\bPTT\b|\bINR\b|blood\s+work"
        ),
    ),
    (
        ServiceCategory.MEDICATION,
        _lowered_source(
            r"\d\s*(?:mg|mcg|ml|%|g)\b|tablet|\btab\b|capsule|cream|gel\b|\bointment|patch|"
            r"#\s*\d|\bqty\b|medication|refill|prescription|supply|\bER\b|\bHCL\b|dose|"
            r"norco|tramadol|oxycodone|hydrocodone|gabapentin|neurontin|lyrica|pregabalin|"
            r"cyclobenzaprine|flexeril|omeprazole|prilosec|ibuprofen|naproxen|meloxicam|"
            r"lidoderm|lidocaine|diclofenac|celebrex|tizanidine|baclofen|\bsoma\b|carisoprodol|"
            r"ambien|zolpidem|diazepam|valium|xanax|alprazolam|percocet|morphine|fentanyl|"
            r"butrans|buprenorphine|nucynta|tapentadol|opioid|duloxetine|cymbalta|amitriptyline|"
            r"trazodone|ondansetron|etodolac|famotidine|pantoprazole|compound|topical|"
            r"flector|voltaren|terocin|menthoderm|ketoprofen|methocarbamol|robaxin|orphenadrine"
            r"|nabumetone|relafen|sumatriptan|suboxone|dicopanol|deprizine|fanatrex|synapryn|"
            r"tabradol"
            # Generic names by their class's stem ("lorazepam", "esomeprazole", "nortriptyline")
            r"|[a-z](?:prazole|tidine|profen|fenac|coxib|oxicam|codone|morphone"
            r"|azepam|azolam|oxetine|afaxine|alopram|traline|triptyline|ipramine|triptan|setron"
            r"|gabalin|pentin|axalone|benzaprine|carbamol|nidine|propion|azodone|pidem|piclone"
            r"|aminophen|nisone|nisolone|cillin|mycin|floxacin|cycline|piramate)\b"
            r"|methadone|aspirin"
            # Brand names workers' compensation letters name often, and the kinds of medicine
            r"|zanaflex|mobic|ultracet|zofran|protonix|nexium|colace|senokot|elavil|wellbutrin"
            r"|lunesta|restoril|klonopin|ativan|lexapro|effexor|savella|topamax|imitrex"
            r"|fioricet|keflex|vicoprofen|\bcontin\b|dilaudid|oxycontin|naprosyn|anaprox"
            r"|motrin|\badvil\b|\baleve\b|tylenol|pennsaid|duexis|medrol|theramine|sentra\b"
            r"|gabadone|trepadone|lidopro|genicin|somnicin|ketophene|medical\s+food"
            r"|muscle\s+relaxant|\bnsaids?\b|anti-?inflammator|sleep\s+aid|\blotion"
            r"|\bsuspension\b|\bsyrup\b|\blozenges?\b|\binhaler\b|suppositor"
        ),
    ),
]

_BODY_PART = (
    r"(?:(?:left|right|bilateral|both)\s+)?(?:lower\s+|upper\s+|mid\s+)?"
    r"(?:cervical(?:\s+spine)?|thoracic(?:\s+spine)?|lumbar(?:\s+spine)?|lumbosacral(?:\s+spine)?"
    r"|(?:[ctl]|ls|l/s)[- ]?spine|low(?:er)?\s+back|upper\s+back|mid\s+back|back|neck"
    r"|shoulders?|elbows?|wrists?|hands?|fingers?|thumbs?|hips?|knees?|ankles?|feet|foot|toes?"
    r"|heels?|legs?|thighs?|arms?|spine|head|brain|pelvis|coccyx|buttocks?|groin"
    r"|sacroiliac(?:\s+joints?)?|si\s+joints?|forearms?|extremit(?:y|ies)|abdomen|chest|ribs?|jaw|eyes?)"
)
# Parts named together ("the cervical and lumbar spine", "right wrist and hand") are one, as
# is a part of a part ("the fingers of the right hand": the side is the hand's).
_BODY_PARTS = _lowered_source(
    r"\b(?P<v>" + _BODY_PART + r"(?:\s*(?:,|and|&|/)\s*" + _BODY_PART + r")*"
    r"(?:\s+of\s+the\s+" + _BODY_PART + r")?)\b"
)
# A count in words or digits, and a range of two ("2-3 times a week", "for 4 to 6 weeks"):
# a range read as its upper end would overstate what was asked for.
_COUNT = r"(?:\d+|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve))"
_RANGE = _COUNT + r"(?:\s*(?:-|to)\s*" + _COUNT + r")?"
# "5 days a week" or "2 visits per week" says how often, not how many or for how long.
_NOT_A_RATE = r"\b(?!\s*(?:a|per|/|each)\s*(?:week|wk|month)\b)"
_SESSIONS = _lowered_source(
    r"(?P<v>(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|eighteen|twenty"
    r"|twenty-four)(?:\s*-\s*\d+)?\s*(?:\(\d+\)\s*)?"
    # "Twelve physical therapy visits": a few words of the treatment may stand between.
    r"(?:(?!(?:times?|x|a|per|for|of|every)\s)[a-z-]+\s+){0,3}?"
    r"(?:sessions?|visits?|treatments?|days?)" + _NOT_A_RATE + ")"
    r"|(?:#|qty[:.]?\s*|quantity[:.]?\s*)(?P<n>\d+)"
    # "2x6" and "2 times 8": so many a week for so many weeks, as stated.
    r"|(?P<x>(?<![-/])\b\d+\s*(?:x|times)\s*\d+\b)"
    # "Physical therapy x 12", "Trigger point injections x 4": a count with no unit.
    r"|(?<![\d-])(?<![\d-]\s)\bx\s*(?P<c>\d+)\b"
    r"(?!\s*(?:x|-|/|%|mg|sessions?|visits?|treatments?|days?|weeks?|wks?|months?|hours?|hrs?"
    r"|refills?)\b)"
)
_FREQUENCY = _lowered_source(
    r"(?P<v>" + _RANGE + r"\s*(?:\(\d+\)\s*)?(?:times?|x|visits?|sessions?|days?)\s*"
    r"(?:(?:a|per|/|each)\s*(?:week|wk|day|month)\b|(?:weekly|daily|monthly)\b)"
    r"|(?:once|twice)\s+(?:(?:a|per)\s+(?:week|day|month)\b|weekly\b|daily\b|monthly\b)"
    r"|\bweekly\b|\bdaily\b"
    r"|\d+(?:\s*-\s*\d+)?\s*x\s*(?:week|wk)\b|every\s+\d+(?:-\d+)?\s+hours)"
)
# Not a count of tablets: "#60 day supply: 30" is a 30 days' supply of 60.
_DURATION = _lowered_source(
    r"(?:for\s+)?(?<![#\d])(?<!#\s)(?P<v>"
    + _RANGE
    + r"\s*(?:\(\d+\)\s*)?(?:weeks?|wks?|months?|days?)"
    + _NOT_A_RATE
    + r"(?:\s+rental|\s+supply)?)"
    + r"|(?P<s>days?\s+supply\s*:?\s*\d+)"
)


@dataclass(frozen=True)
class _Cue:
    """One way a rationale states a reason, found from a keyword the wording must contain.

    ``reach`` is how far before its keyword the wording can start: 0 means the wording
    opens with the keyword and is matched right there; otherwise it is searched for in a
    short window around the keyword. Without a pattern the keyword alone is the cue.
    Patterns are written for lowered, whitespace-folded text (a rationale as parsed).
    """

    code: ReasonCode
    keywords: tuple[str, ...]
    pattern: re.Pattern[str] | None = None
    reach: int = 0
    only_for: frozenset[ServiceCategory] | None = None
    """The kinds of treatment the wording is a reason against (None: any)."""


def _cue(
    code: ReasonCode,
    keywords: str,
    pattern: str | None = None,
    reach: int = 0,
    only_for: frozenset[ServiceCategory] | None = None,
) -> _Cue:
    compiled = re.compile(pattern) if pattern is not None else None
    return _Cue(code, tuple(keywords.split("|")), compiled, reach, only_for)


_R = ReasonCode
# A negation that starts a word. Each alternative opens with a letter, never with \b: a
# pattern whose every alternative opens with a literal lets the regex engine skip to where
# one could start, which made these searches about 2.5 times faster.
_NEGATION = (
    r"(?:no\b(?<![\w-]no)|not\b(?<![\w-]not)|n't|lack\s+of|absence\s+of|without"
    r"|failed\s+to\s+(?:document|show|indicate|provide|demonstrate|reveal))"
)
# Conservative care, as a rationale names it ("an adequate conservative course of treatment").
_CONSERVATIVE_CARE = (
    r"(?:(?:an?|the|adequate|recent|prior|previous|any|all|appropriate|sufficient|reasonable"
    r"|full|and)\s+){0,3}conservative\s+(?:care|treatments?|therap(?:y|ies)|measures"
    r"|management|course)"
)
# Where a run of words ("no [up to four words] functional improvement") is followed by a
# word, each word and the spaces after it are possessive (\w++\s++): they can only ever
# match whole, so the engine backtracks over how many words, not over every character.
# In order of specificity: the most specific reasons are listed first.
_CUES: list[_Cue] = [
    _cue(
        _R.QUANTITY_NOT_SPECIFIED,
        "specif",
        r"(?:not|n't)\s+specif\w*\s+(?:the\s+)?(?:number|quantity|frequency|duration|amount)",
        reach=8,
    ),
    _cue(
        _R.QUANTITY_NOT_SPECIFIED,
        "number|quantity|frequency|duration",
        r"(?:number|quantity|frequency|duration)\s+(?:of\s+\w++\s++)?(?:was|were|is)\s+not\s+"
        r"(?:specified|stated|provided|indicated|noted|documented|given|included|mentioned)",
    ),
    _cue(_R.QUANTITY_NOT_SPECIFIED, "unknown", r"unknown\s+(?:quantity|number|sessions)"),
    _cue(_R.QUANTITY_NOT_SPECIFIED, "unspecified", r"unspecified\s+(?:quantity|number)"),
    _cue(
        _R.QUANTITY_NOT_SPECIFIED,
        "without",
        r"without\s+(?:a\s+)?(?:specified\s+)?(?:quantity|frequency|duration)",
    ),
    _cue(
        _R.NO_FUNCTIONAL_IMPROVEMENT,
        "functional",
        r"(?:no|not|lack\s+of|absence\s+of|without)\s+(?:\w++\s++){0,4}(?:objective\s+)?"
        r"(?:documented\s+|evidence\s+of\s+|documentation\s+of\s+)?(?:objective\s+)?"
        r"functional\s+(?:improvement|gains?|benefit)",
        reach=70,
    ),
    _cue(
        _R.NO_FUNCTIONAL_IMPROVEMENT,
        # "significant objective functional improvement ... with the previous visits was not
        # indicated": the negation follows, within the clause. Keyed on the negation, which is
        # rarer than "functional", and searched for back from it.
        "not indicated|not documented|not noted|not reported|not shown|not demonstrated"
        "|not evident|not established|not provided|not clearly|not objectively",
        r"functional\s+(?:improvement|gains?|benefit)[^.;]{0,80}?\b(?:was|were|has\s+been|have"
        r"\s+been|had\s+been)\s+not\s+(?:\w++\s++)?(?:indicated|documented|noted|reported|shown"
        r"|demonstrated|evident|established|provided)",
        reach=130,
    ),
    _cue(
        _R.NO_FUNCTIONAL_IMPROVEMENT,
        "improvement|increased",
        r"(?:improvement|increased)\s+(?:in\s+)?function\s+(?:was|were|is|has)\s+not",
    ),
    _cue(_R.EXCEEDS_GUIDELINE_QUANTITY, "exceed"),
    _cue(_R.EXCEEDS_GUIDELINE_QUANTITY, "excess", r"in\s+excess\s+of", reach=4),
    _cue(
        _R.EXCEEDS_GUIDELINE_QUANTITY,
        "more than",
        r"more\s+than\s+(?:the\s+)?(?:recommended|guideline)",
    ),
    _cue(
        _R.EXCEEDS_GUIDELINE_QUANTITY,
        "already",
        r"already\s+(?:undergone|completed|had|attended)",
    ),
    _cue(_R.EXCEEDS_GUIDELINE_QUANTITY, "beyond", r"beyond\s+(?:the\s+)?(?:recommended|guideline)"),
    _cue(
        _R.EXCEEDS_GUIDELINE_QUANTITY,
        "transition",
        r"should\s+be\s+able\s+to\s+transition\s+(?:to|into)\s+a\s+home",
        reach=25,
    ),
    _cue(_R.NO_RED_FLAGS, "red", r"red[- ]flag"),
    # No neurological deficit on examination is what most often leaves a scan or nerve test
    # unwarranted; for other treatments it is a different reason (no radiculopathy for an
    # epidural injection, say).
    _cue(
        _R.NO_RED_FLAGS,
        "neurolog",
        _NEGATION + r"\s+(?:[\w/-]++\s++){0,6}neurologic(?:al)?\s+"
        r"(?:deficits?|dysfunction|findings?|abnormalit\w*|compromise|signs?|impairments?)",
        reach=80,
        only_for=frozenset({ServiceCategory.IMAGING}),
    ),
    _cue(
        _R.NO_EXERCISE_PROGRAM,
        "program",
        r"(?:no|not)\s+(?:\w++\s++){0,6}(?:exercise|rehab\w*)\s+program",
        reach=70,
    ),
    _cue(
        _R.NO_EXERCISE_PROGRAM,
        "adjunct",
        r"adjunct\s+to\s+(?:physical\s+rehabilitation|an?\s+(?:active\s+)?exercise|a\s+program)",
    ),
    _cue(_R.NO_EXERCISE_PROGRAM, "accompanied", r"accompanied\s+by\s+active\s+exercise"),
    _cue(_R.NO_EXERCISE_PROGRAM, "standalone|stand-alone"),
    _cue(
        _R.NOT_RECOMMENDED_BY_GUIDELINES,
        "recommend",
        r"(?:not|do\s+not|does\s+not)\s+(?:generally\s+)?recommend",
        reach=20,
    ),
    _cue(
        _R.NOT_RECOMMENDED_BY_GUIDELINES,
        "not supported",
        r"not\s+supported\s+by\s+(?:the\s+)?(?:guidelines|evidence)",
    ),
    _cue(
        _R.CONSERVATIVE_CARE_NOT_TRIED,
        "conservative",
        r"(?:failure|failed|trial)\s+of\s+(?:\w++\s++){0,3}conservative"
        r"|conservative\s+(?:care|treatment|therapy)\s+(?:has|have|was|were)\s+not",
        reach=70,
    ),
    # "has not failed an adequate conservative course", "no documentation of trialed and
    # failed conservative care", "no documentation that conservative measures had failed":
    # a negation, then what was (not) done with it. Never "has not improved despite
    # conservative care", which says it was tried.
    _cue(
        _R.CONSERVATIVE_CARE_NOT_TRIED,
        "conservative",
        _NEGATION
        + r"\s+(?:[\w-]++\s++){0,6}?(?:tried|trialed|failed|completed|attempted|exhausted|had"
        r"|undergone|received|regarding|(?:documentation|evidence|history|trial)\s+of)\s+"
        + _CONSERVATIVE_CARE
        + r"|(?:no\b(?<![\w-]no)|lack\s+of|absence\s+of|without)\s+"
        + _CONSERVATIVE_CARE
        + r"|"
        + _NEGATION
        + r"\s+(?:[\w-]++\s++){0,3}?(?:that\s+)?conservative\s+"
        r"(?:care|treatments?|therap(?:y|ies)|measures|management)\s+(?:had|has|have|was|were)"
        r"\s+(?:been\s+)?(?:tried|trialed|failed|completed|attempted|exhausted)",
        reach=90,
    ),
    _cue(_R.CONSERVATIVE_CARE_NOT_TRIED, "first", r"first[- ]line"),
    _cue(
        _R.MEDICATION_RISK,
        "abuse|dependen|addiction|misuse",
        r"(?:risk\s+of|potential\s+for)\s+(?:abuse|dependence|addiction|misuse)",
        reach=14,
    ),
    _cue(_R.MEDICATION_RISK, "urine", r"urine\s+drug"),
    _cue(_R.MEDICATION_RISK, "agreement|contract", r"opioid\s+(?:agreement|contract)", reach=7),
    _cue(_R.MEDICATION_RISK, "contract", r"pain\s+contract", reach=5),
    _cue(_R.MEDICATION_RISK, "cures", r"cures\b"),
    _cue(_R.MEDICATION_RISK, "long-term", r"long-term\s+use"),
    # The least specific reason: reported only when fewer than three others are.
    _cue(
        _R.INSUFFICIENT_DOCUMENTATION,
        "lack of|absence of",
        r"(?:lack|absence)\s+of\s+(?:\w++\s++){0,3}(?:documentation|information|rationale|evidence)",
    ),
    _cue(
        _R.INSUFFICIENT_DOCUMENTATION,
        "no clear|no documentation|no rationale|no indication|no evidence",
        r"no\s+(?:clear\s+)?(?:documentation|rationale|indication|evidence)",
    ),
    _cue(
        _R.INSUFFICIENT_DOCUMENTATION,
        "not been|not clearly|not documented|not demonstrated|not established|not provided",
        r"not\s+(?:been\s+)?(?:clearly\s+)?(?:documented|demonstrated|established|provided)",
    ),
    _cue(
        _R.INSUFFICIENT_DOCUMENTATION,
        "not objectively|not support|not provide|not indicate|not document",
        r"(?:do|does|did)\s+not\s+(?:objectively\s+)?(?:support|provide|indicate|document)",
        reach=5,
    ),
    _cue(
        _R.INSUFFICIENT_DOCUMENTATION,
        "fail to|fails to|failed to",
        r"fail(?:s|ed)?\s+to\s+(?:clearly\s+|adequately\s+)?document",
    ),
]
# A stomach protectant (a proton pump inhibitor, an H2 blocker) is denied where no stomach
# problem or risk is shown: "a lack of history of peptic ulcer, GI bleeding, or perforation",
# "a lack of subjective complaints of gastrointestinal events", "not at risk for
# gastrointestinal events". Said of another drug, the same words argue for it, so this
# reason is read for a stomach protectant only (named in the service title).
_STOMACH_PROTECTANT = re.compile(
    r"prazole|tidine|prilosec|nexium|protonix|zantac|pepcid|carafate|sucralfate|proton\s+pump"
    r"|\bppis?\b|dexilant|aciphex|prevacid|zegerid|misoprostol|cytotec|antacid"
)
_GI = r"(?:gastrointestinal|gi\b|dyspep|peptic|ulcer|gerd\b|reflux|stomach|gastri|heartburn)"
_NO_GI_RISK = re.compile(
    # A negation and, a few words on in the same sentence, the stomach.
    _NEGATION
    + r"\s+(?:[\w/,()-]+\s+){0,8}?"
    + _GI
    + r"|not\s+at\s+(?:[\w-]+\s+){0,4}?risk\s+(?:for|of)\s+"
    + _GI
    + r"|"
    + _GI
    + r"[\w\s/-]{0,40}?\b(?:was|were|is|are)\s+not\s+(?:documented|noted|reported|present)"
)
_MAYBE_A_MEDICINE = frozenset({None, ServiceCategory.MEDICATION, ServiceCategory.OTHER})
# Most specific first; the stomach's reason, read apart from the cues, with the other
# reasons that there was no call for the care.
_REASON_ORDER = list(dict.fromkeys(cue.code for cue in _CUES))
_REASON_ORDER.insert(_REASON_ORDER.index(_R.NO_RED_FLAGS) + 1, _R.NO_GI_RISK)
_WINDOW_AFTER = 80
"""How far past its keyword a searched-for wording may end (it is short)."""


_KEYWORDS = LiteralSet(k for cue in _CUES for k in cue.keywords)
_Check = tuple[ReasonCode, re.Pattern[str] | None, int, frozenset[ServiceCategory] | None]
# Where one keyword extends another ("not support", "not supported") the longest found at a
# position stands for every keyword that is a prefix of it.
_CHECKS_BY_KEYWORD: dict[str, tuple[_Check, ...]] = {
    found: tuple(
        (cue.code, cue.pattern, cue.reach, cue.only_for)
        for cue in _CUES
        if any(found.startswith(k) for k in cue.keywords)
    )
    for found in {k for cue in _CUES for k in cue.keywords}
}


def _reasons_found(lowered: str, category: ServiceCategory | None) -> set[ReasonCode]:
    """Every reason whose wording occurs: one pass finds every keyword that starts a word
    (after a character that is not an ASCII letter, digit or underscore), then each
    wording is checked where its keyword stands."""
    text = " " + lowered  # a keyword that opens the text also follows a non-word character
    longest: dict[int, str] = {}  # keyword start -> the longest keyword there, by start
    for start, keyword in _KEYWORDS.occurrences(text):
        if text[start - 1] not in ASCII_WORD_CHARS and len(keyword) > len(longest.get(start, "")):
            longest[start] = keyword
    found: set[ReasonCode] = set()
    for start, keyword in longest.items():
        for code, pattern, reach, only_for in _CHECKS_BY_KEYWORD[keyword]:
            if code in found or (only_for is not None and category not in only_for):
                continue
            if pattern is None:
                found.add(code)
            elif reach == 0:
                if pattern.match(text, start):
                    found.add(code)
            elif pattern.search(text, max(1, start - reach), start + len(keyword) + _WINDOW_AFTER):
                found.add(code)
    return found


# Each pattern runs only where one of the literals its matches must contain occurs
# (read off the pattern: see imr_llm._literals); one pass over a title finds them all.
# Each fact's pattern as its alternatives, gated one by one: the leftmost match among them
# is the pattern's (see imr_llm._literals.alternatives).
_FACTS: list[tuple[str, list[Alternative]]] = [
    (name, alternatives(pattern))
    for name, pattern in (
        ("quantity", _SESSIONS),
        ("frequency", _FREQUENCY),
        ("duration", _DURATION),
        ("body_part", _BODY_PARTS),
    )
]
# A category is named when one alternative of its pattern matches; each alternative is
# gated on its own literals, so a title runs only the few it can match, in category order.
_CATEGORY_ALTERNATIVES: list[tuple[ServiceCategory, Alternative]] = [
    (category, alternative)
    for category, pattern in _CATEGORY_PATTERNS
    for alternative in alternatives(pattern)
]


def _by_literal(gates: list[frozenset[str] | None]) -> dict[str, list[int]]:
    """Literal -> the positions of the gates that hold it."""
    index: dict[str, list[int]] = {}
    for k, gate in enumerate(gates):
        for literal in gate or ():
            index.setdefault(literal, []).append(k)
    return index


_ALTERNATIVES_BY_LITERAL = _by_literal([alt.literals for _, alt in _CATEGORY_ALTERNATIVES])
_UNGATED_ALTERNATIVES = [k for k, (_, alt) in enumerate(_CATEGORY_ALTERNATIVES) if not alt.literals]
_TITLE_LITERALS = LiteralSet(
    literal
    for gate in [
        *(alt.literals for _, alt in _CATEGORY_ALTERNATIVES),
        *(alt.literals for _, parts in _FACTS for alt in parts),
    ]
    if gate is not None
    for literal in gate
)


def categorize(service: str) -> ServiceCategory:
    """The broad kind of treatment a service title names."""
    low = lowered(service)
    return _category(low, _TITLE_LITERALS.present(low))


_ASSOCIATED_SURGICAL = "associated surgical service"
# A title names what is asked for first, then what it is for or with: "Consultation with a
# pain management specialist for possible injections" asks for a visit, "Norco for
# post-surgical pain" for a drug. Where the phrase before the first such word names a
# category, it is the title's.
_PHRASE_END = re.compile(
    r"\s(?:for|with|to|regarding|re|of|before|after|prior\s+to|including|following|without)\b"
    r"|[,;:(\[]"
)
# ... and the last noun of that phrase is its head: "Orthopedic surgery consultation" is
# a visit, not surgery (diagnostic tests keep their category: "EMG/NCV evaluation").
_ENDS_WITH_A_VISIT = re.compile(
    r"\b(?:consult(?:ation)?s?|evaluations?|evals?|referrals?|second\s+opinions?|visits?"
    r"|clearance|assessments?|follow[- ]?ups?)\s*(?:x\s*\d+|#\s*\d+|\(\d+\))?\s*$"
)
# "Post-surgical physical therapy", "Post-fusion brace": a time before or after an operation
# says when the care comes, not what it is.
_OPERATION_TIMED = re.compile(
    r"\b(?:post|pre)[- ]?(?:surgical|surgery|operative(?:ly)?|op|fusion|arthroscop[a-z]*"
    r"|[a-z]*ectomy|[a-z]*otomy|[a-z]*plasty)\b"
)
# A therapy's own evaluation is its first visit ("Physical therapy evaluation", "Initial
# evaluation for functional restoration program"): these categories stand as found.
_THERAPIES = frozenset(
    {
        ServiceCategory.FUNCTIONAL_RESTORATION,
        ServiceCategory.ACUPUNCTURE,
        ServiceCategory.CHIROPRACTIC,
        ServiceCategory.PSYCHOLOGICAL_CARE,
        ServiceCategory.PHYSICAL_THERAPY,
    }
)


def _category(low: str, present: frozenset[str]) -> ServiceCategory:
    candidates = set(_UNGATED_ALTERNATIVES)
    for literal in present:
        candidates.update(_ALTERNATIVES_BY_LITERAL.get(literal, ()))
    ordered = sorted(candidates)
    # "Associated surgical service: Cold therapy unit" is the unit: what a surgery needs is
    # named after the colon, and is the surgery's only where it names nothing else.
    if low.startswith(_ASSOCIATED_SURGICAL):
        colon = low.find(":")
        if colon > 0:
            named = _first_category(low[colon + 1 :], ordered)
            if named is not ServiceCategory.OTHER:
                return named
    named = _first_category(low, ordered)
    if named is not ServiceCategory.OTHER and ("post" in low or "pre" in low):
        untimed = _OPERATION_TIMED.sub(" ", low)
        named_untimed = _first_category(untimed, ordered) if untimed != low else named
        if named_untimed is not ServiceCategory.OTHER:  # else "Pre-op <a garbled test>"
            low, named = untimed, named_untimed
    if named in _THERAPIES or named is ServiceCategory.OTHER:
        return named
    phrase_end = _PHRASE_END.search(low)
    head = low[: phrase_end.start()] if phrase_end else low
    if named is not ServiceCategory.IMAGING and _ENDS_WITH_A_VISIT.search(head):
        return ServiceCategory.EVALUATION
    if phrase_end is None:
        return named
    first = _first_category(head, ordered)
    return named if first is ServiceCategory.OTHER else first


def _first_category(low: str, candidates: list[int]) -> ServiceCategory:
    for k in candidates:
        category, alternative = _CATEGORY_ALTERNATIVES[k]
        if alternative.pattern.search(low):
            return category
    return ServiceCategory.OTHER


def service_facts(service: str) -> dict[str, str | None]:
    """Quantity, frequency, duration and body part, as the service title states them."""
    low = lowered(service)
    return _service_facts(service, low, _TITLE_LITERALS.present(low))


def _service_facts(service: str, low: str, present: frozenset[str]) -> dict[str, str | None]:
    facts: dict[str, str | None] = {}
    for name, parts in _FACTS:
        m = _leftmost(parts, low, present)
        if m is None:
            facts[name] = None
            continue
        group = next((g for g in range(1, (m.lastindex or 0) + 1) if m.group(g)), 0)
        start, end = m.span(group)
        facts[name] = " ".join(service[start:end].split())  # the letter's own case
    return facts


def _leftmost(parts: list[Alternative], low: str, present: frozenset[str]) -> re.Match[str] | None:
    """The leftmost match of the gated alternatives of a pattern, the earlier alternative
    where two start together: the pattern's own match."""
    best: re.Match[str] | None = None
    for part in parts:
        if part.admits(present):
            m = part.pattern.search(low)
            if m is not None and (best is None or m.start() < best.start()):
                best = m
    return best


def reason_codes(
    rationale: str | None,
    *,
    overturned: bool,
    category: ServiceCategory | None = None,
    service: str | None = None,
) -> list[ReasonCode]:
    """The main reasons a rationale gives, most specific first (at most three).

    "Insufficient documentation" is the least specific: it is only reported when
    fewer than three others are. Some wordings are a reason against one kind of
    treatment only: they count when ``category`` (the item's) is that kind, or, for
    a stomach protectant, when ``service`` (the item's title) names one.
    """
    if overturned:
        return [ReasonCode.CRITERIA_MET]
    if not rationale:
        return []
    lowered = rationale.lower()
    if "\n" in lowered or "  " in lowered or "\t" in lowered:  # parsed rationales are folded
        lowered = " ".join(lowered.split())
    found = _reasons_found(lowered, category)
    if (
        service is not None
        and category in _MAYBE_A_MEDICINE
        and _STOMACH_PROTECTANT.search(service.lower())
        and _NO_GI_RISK.search(lowered)
    ):
        found.add(ReasonCode.NO_GI_RISK)
    return [code for code in _REASON_ORDER if code in found][:3] or [ReasonCode.OTHER]


def item_facts(item: DisputedItem) -> dict[str, Any]:
    """The rules-recognized category, facts and reasons of an item, as field updates."""
    return facts_for(item.service, item.rationale, approved=item.outcome.approved)


def facts_for(service: str, rationale: str | None, *, approved: bool) -> dict[str, Any]:
    """:func:`item_facts` from an item's service, rationale and outcome."""
    low = lowered(service)
    present = _TITLE_LITERALS.present(low)
    category = _category(low, present)
    return {
        "category": category,
        "reasons": reason_codes(rationale, overturned=approved, category=category, service=low),
        **_service_facts(service, low, present),
    }


def enrich_item(item: DisputedItem) -> DisputedItem:
    """The item with its rules-recognized category, facts and reasons filled in."""
    return item.model_copy(update=item_facts(item))
