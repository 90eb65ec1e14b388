"""Template plain language: right outcome words, recognized reasons, readable English."""

from __future__ import annotations

import pytest
import textstat

import imr_llm
from imr_llm import ReasonCode, ServiceCategory
from imr_llm.explain import explained_fields, reason_sentence
from imr_llm.facts import categorize, reason_codes, service_facts
from tests.conftest import DATA, LETTERS, SEEDS


def test_each_item_explains_its_outcome_in_plain_words() -> None:
    det = imr_llm.parse(DATA / "seeds" / "004_d3d3d7d6fe2d34a7.txt")
    denied, approved = det.items
    assert denied.explanation.startswith("Not approved: Unknown sessions of electro-acupuncture.")
    assert "part of the request had been approved" in denied.explanation
    assert approved.explanation.startswith("Approved: One (1) initial evaluation")
    assert det.summary.startswith("1 of 2 requests approved.")


def test_reasons_are_recognized_from_the_rationale() -> None:
    reasons = {p.name: [i.reasons for i in imr_llm.parse(p).items] for p in SEEDS}
    assert ReasonCode.QUANTITY_NOT_SPECIFIED in reasons["004_d3d3d7d6fe2d34a7.txt"][0]
    assert ReasonCode.NO_RED_FLAGS in reasons["001_4e69937d73cbfe0f.txt"][1]
    assert ReasonCode.NO_EXERCISE_PROGRAM in reasons["001_4e69937d73cbfe0f.txt"][0]
    assert ReasonCode.NO_FUNCTIONAL_IMPROVEMENT in reasons["003_9e462060fe828150.txt"][0]
    assert ReasonCode.EXCEEDS_GUIDELINE_QUANTITY in reasons["002_093df6f7020966b8.txt"][0]
    assert reasons["004_d3d3d7d6fe2d34a7.txt"][1] == [ReasonCode.CRITERIA_MET]


@pytest.mark.parametrize(
    ("rationale", "expected"),
    [
        ("The provider did not specify the number of sessions.", ReasonCode.QUANTITY_NOT_SPECIFIED),
        ("Unknown sessions were requested.", ReasonCode.QUANTITY_NOT_SPECIFIED),
        ("There is no documented functional improvement.", ReasonCode.NO_FUNCTIONAL_IMPROVEMENT),
        (
            "Objective functional improvement with the previous visits was not indicated.",
            ReasonCode.NO_FUNCTIONAL_IMPROVEMENT,
        ),
        ("The duration of use was not noted.", ReasonCode.QUANTITY_NOT_SPECIFIED),
        ("The request exceeds the guideline.", ReasonCode.EXCEEDS_GUIDELINE_QUANTITY),
        ("There were no RED FLAGS on examination.", ReasonCode.NO_RED_FLAGS),
        ("It is not part of an active exercise program.", ReasonCode.NO_EXERCISE_PROGRAM),
        ("Guidelines do\nnot recommend this.", ReasonCode.NOT_RECOMMENDED_BY_GUIDELINES),
        ("It is not supported by the guidelines.", ReasonCode.NOT_RECOMMENDED_BY_GUIDELINES),
        ("There was no trial of conservative care.", ReasonCode.CONSERVATIVE_CARE_NOT_TRIED),
        ("(First-line agents were not tried.)", ReasonCode.CONSERVATIVE_CARE_NOT_TRIED),
        (
            "The patient has not failed an adequate conservative course of treatment.",
            ReasonCode.CONSERVATIVE_CARE_NOT_TRIED,
        ),
        (
            "There is no documentation of trialed and failed conservative care.",
            ReasonCode.CONSERVATIVE_CARE_NOT_TRIED,
        ),
        (
            "There was a lack of documentation regarding recent conservative care.",
            ReasonCode.CONSERVATIVE_CARE_NOT_TRIED,
        ),
        (
            "There was no documentation that conservative measures had failed.",
            ReasonCode.CONSERVATIVE_CARE_NOT_TRIED,
        ),
        (
            "The physician failed to document if the patient had completed conservative "
            "treatment for 3 months.",
            ReasonCode.CONSERVATIVE_CARE_NOT_TRIED,
        ),
        ("The risk of   dependence is high.", ReasonCode.MEDICATION_RISK),
        ("There is a lack of documentation.", ReasonCode.INSUFFICIENT_DOCUMENTATION),
        (
            "Physical examination did not document the patient's motor strength.",
            ReasonCode.INSUFFICIENT_DOCUMENTATION,
        ),
        (
            "The provider failed to clearly document the response to prior care.",
            ReasonCode.INSUFFICIENT_DOCUMENTATION,
        ),
    ],
)
def test_each_reason_is_recognized_however_the_rationale_is_cased_or_wrapped(
    rationale: str, expected: ReasonCode
) -> None:
    assert expected in reason_codes(rationale, overturned=False)


def test_reasons_need_their_words_not_just_their_keywords() -> None:
    # "red" inside another word, "recommend" without a negation, "function" praised.
    rationale = "The requested treatment is recommended; function improved considerably."
    assert reason_codes(rationale, overturned=False) == [ReasonCode.OTHER]
    # A negation in the next sentence is not the improvement's.
    rationale = "Functional improvement was reported. The pain was not documented as worse."
    assert ReasonCode.NO_FUNCTIONAL_IMPROVEMENT not in reason_codes(rationale, overturned=False)


@pytest.mark.parametrize(
    "rationale",
    [
        "However, there was no evidence of any neurological deficits on the examination.",
        "There was a lack of significant neurological deficits that would support an MRI.",
        "The records did not indicate a definitive neurological deficit on examination.",
    ],
)
def test_no_neurological_deficit_is_a_reason_against_a_scan_only(rationale: str) -> None:
    imaging = reason_codes(rationale, overturned=False, category=ServiceCategory.IMAGING)
    assert ReasonCode.NO_RED_FLAGS in imaging
    # Against an epidural injection it is another reason (no radiculopathy), not a scan's.
    injection = reason_codes(rationale, overturned=False, category=ServiceCategory.INJECTION)
    assert ReasonCode.NO_RED_FLAGS not in injection
    # With no negation, the guideline's own wording is no reason.
    quoted = "Imaging is recommended with progressive neurological deficits."
    assert reason_codes(quoted, overturned=False, category=ServiceCategory.IMAGING) == [
        ReasonCode.OTHER
    ]


def test_an_mri_upheld_for_no_neurological_deficit_says_so_in_plain_words() -> None:
    mri = imr_llm.parse(LETTERS / "txt" / "CM17-0008479.txt").items[0]
    assert mri.service.startswith("MRI")
    assert mri.reasons == [ReasonCode.NO_RED_FLAGS]
    assert "serious problem" in mri.explanation


def test_equipment_upheld_for_no_stated_duration_is_explained_in_its_own_terms() -> None:
    # "The duration of use was not noted." A unit is rented for days, not given in visits.
    unit = imr_llm.parse(LETTERS / "txt" / "CM17-0007142.txt").items[7]
    assert unit.category is ServiceCategory.EQUIPMENT
    assert unit.reasons == [ReasonCode.QUANTITY_NOT_SPECIFIED]
    assert "how long" in unit.explanation


@pytest.mark.parametrize(
    "rationale",
    [
        "There is a lack of history of peptic ulcer, GI bleeding, or perforation.",
        "There was a lack of subjective complaints of gastrointestinal events.",
        "The patient is not at intermediate or high risk for gastrointestinal events.",
        "GI risk factors were not documented.",
    ],
)
def test_a_stomach_protectant_with_no_stomach_risk_shown_says_so(rationale: str) -> None:
    for service in ("Omeprazole 20mg #60", "Famotidine", "Prilosec", "Protonix"):
        assert ReasonCode.NO_GI_RISK in reason_codes(rationale, overturned=False, service=service)
    # Said of another drug, the same words are no reason against it.
    assert ReasonCode.NO_GI_RISK not in reason_codes(
        rationale, overturned=False, service="Naproxen 550mg"
    )


def test_a_stomach_protectant_upheld_with_no_stomach_complaints_is_explained() -> None:
    omeprazole = imr_llm.parse(LETTERS / "txt" / "CM16-0245466.txt").items[2]
    assert omeprazole.service == "Omeprazole"
    assert omeprazole.reasons == [ReasonCode.NO_GI_RISK]
    assert "stomach" in omeprazole.explanation


def test_stomach_words_in_another_sentence_are_not_the_reason() -> None:
    rationale = "There is no documentation of pain relief. Gastrointestinal upset was reported."
    assert ReasonCode.NO_GI_RISK not in reason_codes(
        rationale, overturned=False, service="Omeprazole"
    )


@pytest.mark.parametrize(
    "rationale",
    [
        "The patient has not improved despite conservative care.",
        "The patient has not responded to conservative treatment.",
        "She has had extensive conservative care without benefit.",
        "Special studies are not needed until after a period of conservative care.",
    ],
)
def test_conservative_care_that_was_tried_is_no_reason_it_was_not(rationale: str) -> None:
    assert ReasonCode.CONSERVATIVE_CARE_NOT_TRIED not in reason_codes(rationale, overturned=False)


def test_at_most_three_reasons_and_insufficient_documentation_only_as_a_last_resort() -> None:
    rationale = (
        "No red flags. The request exceeds guidelines. There is no functional improvement. "
        "Not part of an exercise program. There is a lack of documentation."
    )
    codes = reason_codes(rationale, overturned=False)
    assert len(codes) == 3
    assert ReasonCode.INSUFFICIENT_DOCUMENTATION not in codes
    assert reason_codes(rationale, overturned=True) == [ReasonCode.CRITERIA_MET]


def test_english_explanations_read_at_grade_8_or_lower() -> None:
    for path in SEEDS:
        det = imr_llm.parse(path)
        for item in det.items:
            # The service name is the letter's own words; the grade is of what we wrote.
            ours = item.explanation.replace(item.service, "it")
            assert textstat.flesch_kincaid_grade(ours) <= 8, ours


@pytest.mark.parametrize("code", list(ReasonCode))
def test_every_reason_reads_at_grade_8_or_lower_and_has_a_spanish_text(code: ReasonCode) -> None:
    # The samples give only some reasons; a claimant may get any of them.
    assert textstat.flesch_kincaid_grade(reason_sentence(code)) <= 8
    assert reason_sentence(code, "es") != reason_sentence(code)


def test_a_reason_calls_the_care_a_test_only_when_it_is_one() -> None:
    # Red flags are the usual reason against a scan, but also against a referral or surgery.
    scan = reason_sentence(ReasonCode.NO_RED_FLAGS, "en", ServiceCategory.IMAGING)
    referral = reason_sentence(ReasonCode.NO_RED_FLAGS, "en", ServiceCategory.EVALUATION)
    assert scan.endswith("this test.")
    assert referral.endswith("this care.")
    assert reason_sentence(ReasonCode.NO_RED_FLAGS) == referral
    assert reason_sentence(ReasonCode.NO_RED_FLAGS, "es", ServiceCategory.IMAGING).endswith(
        "este estudio."
    )
    assert textstat.flesch_kincaid_grade(scan) <= 8


def test_an_explanation_names_a_referral_care_and_a_scan_a_test() -> None:
    rationale = "There are no red flags on examination. The request is not medically necessary."
    upheld = imr_llm.Outcome.UPHELD
    scan = explained_fields(
        "MRI of the lumbar spine", upheld, rationale=rationale, modified_by_ur=False
    )
    referral = explained_fields(
        "Referral to spine surgeon", upheld, rationale=rationale, modified_by_ur=False
    )
    assert scan["reasons"] == referral["reasons"] == [ReasonCode.NO_RED_FLAGS]
    assert scan["explanation"].endswith("call for this test.")
    assert referral["explanation"].endswith("call for this care.")
    assert referral["reason"].endswith("call for this care.")


def test_categories_and_facts_from_service_titles() -> None:
    assert categorize("ADDITIONAL ACUPUNCTURE 2x6 LEFT WRIST") is ServiceCategory.ACUPUNCTURE
    assert categorize("X-ray of the lumbar spine") is ServiceCategory.IMAGING
    assert categorize("Ultrasound guided Lumbar Paraspinal Muscle Trigger Point Injections") is (
        ServiceCategory.INJECTION
    )
    assert categorize("Oxycodone HCL ER 20mg #60") is ServiceCategory.MEDICATION
    assert categorize("standard wheelchair for a 2 month rental") is ServiceCategory.EQUIPMENT
    assert categorize("One (1) initial evaluation for functional restoration program") is (
        ServiceCategory.FUNCTIONAL_RESTORATION
    )
    facts = service_facts("Acupuncture two times a week for three weeks for the lower back")
    assert facts["frequency"] == "two times a week"
    assert facts["duration"] == "three weeks"
    assert facts["body_part"] == "lower back"


@pytest.mark.parametrize(
    ("service", "category"),
    [
        # Titles of the real letters that had no category, or the wrong one.
        ("Electrical Muscle Stimulation 2 times a week for 4 weeks", "physical therapy"),
        ("Assistant PA", "surgery"),
        ("Pre-operative medical clearance", "evaluation"),
        ("Pre-operative EKG", "evaluation"),
        ("Pre-operative CBC", "evaluation"),
        ("Hot/cold therapy wrap", "equipment"),
        ("Custom touch back heat therapy pad", "equipment"),
        # What stays as it was.
        ("Pre-op physical therapy 2x4", "physical therapy"),
        ("Massage therapy", "physical therapy"),
        ("Preoperative chest x-ray", "imaging"),
        ("Pre-operative PT/PTT", "evaluation"),  # a blood test, not physical therapy
        ("Ultrasound 1 times 8", "physical therapy"),  # given in sessions: a therapy
        ("Pulsed Ultrasound 2 times a week for 4 weeks", "physical therapy"),
        ("Ultrasound of the right shoulder", "imaging"),
        ("Associated surgical service: Cold therapy unit", "equipment"),
        ("Associated surgical service: Arc sling", "equipment"),
        ("Associated surgical service: 2 day inpatient stay", "surgery"),
        # A request for a visit is an evaluation, whatever the visit is about.
        ("Orthopedic surgery consultation", "evaluation"),
        ("Consultation with a pain management specialist (for possible injections)", "evaluation"),
        ("Medical clearance for right knee arthroscopy", "evaluation"),
        ("Podiatry consult for orthotics", "evaluation"),
        # What the title asks for first is the request; what follows says what it is for.
        ("Diazepam (Valium) 5mg take 1 tab orally 1 hour before exam", "medication"),
        ("Norco 10/325mg for post-surgical pain", "medication"),
        ("Physical therapy for the post-surgical knee", "physical therapy"),
        ("Right L4-5, L5-S1 transforaminal epidural steroid injection", "injection"),
        ("Epidural steroid injection with a follow-up visit", "injection"),
        ("Chest x-ray pre-op", "imaging"),
        ("EMG/NCV evaluation", "imaging"),  # a diagnostic test keeps its category
        ("Initial evaluation for functional restoration program", "functional restoration"),
        # A TENS unit is a device; TENS given in sessions is a therapy.
        ("TENS unit, daily trial, cervical and thoracic spine, #30", "equipment"),
        ("TENS 2 times a week for 4 weeks", "physical therapy"),
        # A word names a category only as a word: "appointments" holds "ointment",
        # "prescribed" "bed", "somatosensory" "soma".
        ("Transportation to and from medical appointments", "other"),
        ("Norco 10/325mg #60 as prescribed", "medication"),
        ("Somatosensory evoked potentials", "other"),
        # A therapy's unit or kit is equipment; so are machines, mattresses and hearing aids.
        ("Hot/cold contrast therapy unit rental for 30 days", "equipment"),
        ("Home exercise kit", "equipment"),
        ("Continuous passive motion (CPM) machine for 21 days", "equipment"),
        ("Orthopedic mattress", "equipment"),
        ("Hearing aids", "equipment"),
        ("Home exercise program", "physical therapy"),
        # A release is an operation.
        ("Right carpal tunnel release", "surgery"),
        ("Carpal tunnel brace", "equipment"),
        ("Aspiration of right knee effusion", "other"),  # an effusion is no fusion
        # Before or after an operation says when the care comes, not what it is.
        ("Post-surgical physical therapy 12 sessions", "physical therapy"),
        ("Post-fusion physical therapy", "physical therapy"),
        ("Post-arthroscopy physical therapy", "physical therapy"),
        ("Post-surgical knee brace", "equipment"),
        ("Lumbar fusion L4-5", "surgery"),
        ("Pre-operative BM P", "evaluation"),  # nothing else named: a pre-operative test
        # A medicine named alone: by its generic stem, or a brand letters often name.
        ("Lorazepam", "medication"),
        ("Esomeprazole", "medication"),
        ("Nortriptyline", "medication"),
        ("Methylprednisolone", "medication"),
        ("Ketophene (unknown quantity)", "medication"),
        ("Zanaflex", "medication"),
        ("MS Contin", "medication"),
        ("Muscle relaxant", "medication"),
        ("Ketorolac injection", "injection"),
        # Injections by their product or a plain word; operations by "-plasty"; a joint's
        # replacement is surgery, a battery's is not.
        ("Orthovisc x3", "injection"),
        ("Cortisone shot to the right shoulder", "injection"),
        ("Kyphoplasty T12", "surgery"),
        ("Total hip replacement", "surgery"),
        ("Replacement batteries for TENS unit", "equipment"),
        ("TENS patches", "equipment"),
        ("Group therapy 6 sessions", "psychological care"),
        ("Hydrotherapy 6 sessions", "physical therapy"),  # water exercise, as aquatic therapy
        ("Chronic pain program", "functional restoration"),
        ("Pain management consultation", "evaluation"),
    ],
)
def test_a_service_title_names_its_category(service: str, category: str) -> None:
    assert categorize(service) == category


@pytest.mark.parametrize(
    ("service", "quantity", "frequency"),
    [
        (
            "Twelve physical therapy visits for the Cervical Spine",
            "Twelve physical therapy visits",
            None,
        ),
        (
            "Twelve manual acupuncture visits (15 mins), 2 times weekly for 6 weeks",
            "Twelve manual acupuncture visits",
            "2 times weekly",
        ),
        (
            "Request for eight (8) physical therapy sessions",
            "eight (8) physical therapy sessions",
            None,
        ),
        ("Physical therapy 6 sessions 2 times a week for 3 weeks", "6 sessions", "2 times a week"),
        ("Additional physical therapy two times four visits (8)", "four visits", None),
        ("1 platelet rich plasma injection to left foot", None, None),
        # "Twice weekly" is how often; "weekly" alone would halve it.
        ("Physical therapy twice weekly for six weeks", None, "twice weekly"),
        ("Acupuncture once a week", None, "once a week"),
    ],
)
def test_a_service_title_states_how_many_and_how_often(
    service: str, quantity: str | None, frequency: str | None
) -> None:
    facts = service_facts(service)
    assert (facts["quantity"], facts["frequency"]) == (quantity, frequency)


@pytest.mark.parametrize(
    ("service", "body_part"),
    [
        # Parts named together are one answer, as the letter names them.
        ("Physical therapy to the lumbar and cervical spine", "lumbar and cervical spine"),
        ("Physical therapy for lumbar and bilateral knees", "lumbar and bilateral knees"),
        ("MRI of the right wrist and hand", "right wrist and hand"),
        # A part of a part keeps the side, which the larger part names.
        ("MRI of the fingers of the right hand", "fingers of the right hand"),
        # Abbreviated spines and parts the list had missed.
        ("MRI of the C-spine", "C-spine"),
        ("X-ray LS spine", "LS spine"),
        ("Right SI joint injection", "Right SI joint"),
        ("Physical therapy for the coccyx", "coccyx"),
        # What stays as it was.
        ("Physical therapy, lumbar spine, 2x6", "lumbar spine"),
        ("Gym membership", None),
    ],
)
def test_a_service_title_names_its_body_part(service: str, body_part: str | None) -> None:
    assert service_facts(service)["body_part"] == body_part


@pytest.mark.parametrize(
    ("service", "quantity", "frequency", "duration"),
    [
        # A range is stated whole: its upper end alone would overstate the request.
        ("Physical therapy 2-3 times a week for 4-6 weeks", None, "2-3 times a week", "4-6 weeks"),
        ("PT 2 to 3 times a week for 4 to 6 weeks", None, "2 to 3 times a week", "4 to 6 weeks"),
        ("Acute inpatient rehabilitation 7-10 days", "7-10 days", None, "7-10 days"),
        ("Acupuncture 6-8 sessions", "6-8 sessions", None, None),
        # A count per week is how often, not how many or for how long.
        ("Home health care 5 days a week for 2 weeks", None, "5 days a week", "2 weeks"),
        ("Physical therapy 2 visits per week for 6 weeks", None, "2 visits per week", "6 weeks"),
        ("Physical therapy 3x/wk for 4 wks", None, "3x/wk", "4 wks"),
        # A count with no unit; a spinal level is none.
        ("Physical therapy x 12", "12", None, None),
        ("Trigger point injections x 4", "4", None, None),
        ("Physical therapy x 12 visits", "12 visits", None, None),
        ("Cold therapy unit x 7 days", "7 days", None, "7 days"),
        ("Facet injection L4-5 x 2 levels", None, None, None),
        # "2 times 8" is written as "2x8" is: so many a week for so many weeks.
        ("Spinal manipulation 1 times 8", "1 times 8", None, None),
        ("Physical therapy 2x4 weeks", "2x4", None, "4 weeks"),
        # A count of tablets is no duration: the supply is "day supply: 30".
        ("Oxycodone HCL ER 20mg #60 day supply: 30", "60", None, "day supply: 30"),
        ("Norco 10/325 #90 30 day supply", "90", None, "30 day supply"),
    ],
)
def test_a_service_title_states_ranges_rates_and_bare_counts(
    service: str, quantity: str | None, frequency: str | None, duration: str | None
) -> None:
    facts = service_facts(service)
    assert (facts["quantity"], facts["frequency"], facts["duration"]) == (
        quantity,
        frequency,
        duration,
    )
