"""Determinations as tables (pandas, an optional extra) and JSON Lines files read back.

``to_dataframe`` gives one row per disputed item with the letter's facts
repeated, the shape researchers want for groupbys across thousands of letters.
"""

from __future__ import annotations

import json
import os
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from imr_llm.errors import ImrError, InputError
from imr_llm.schema import Determination

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["item_rows", "load_jsonl", "outcome_rates", "to_dataframe"]


def item_rows(determinations: Iterable[Determination | ImrError]) -> list[dict[str, Any]]:
    """One flat dict per disputed item, the letter's facts repeated on each.

    Errors in the list (what ``summarize_many`` and ``parse_many`` give for inputs
    that could not be read) have no items, so they give no rows.
    """
    rows = []
    for det in determinations:
        if isinstance(det, ImrError):
            continue
        if not isinstance(det, Determination):
            raise TypeError(f"expected Determinations, got a {type(det).__name__}")
        letter = {
            "source": det.source,
            "case_number": det.case_number,
            "format": det.format.value,
            "decision_date": det.decision_date,
            "date_of_injury": det.claimant.date_of_injury,
            "claimant_age": det.claimant.age,
            "claimant_sex": det.claimant.sex,
            "reviewer_specialties": "; ".join(det.reviewer.specialties) or None,
            "reviewer_licensure": "; ".join(det.reviewer.licensure) or None,
            "method": det.method,
            "items_in_letter": len(det.items),
            # Filter these out for rates: the letter may decide items that were not read.
            "may_miss_items": det.may_miss_items,
            "may_misread_outcomes": det.may_misread_outcomes,
        }
        for item in det.items:
            rows.append(
                {
                    **letter,
                    "index": item.index,
                    "service": item.service,
                    "outcome": item.outcome.value,
                    "approved": item.outcome.approved,
                    "category": item.category.value,
                    "guideline_sources": "; ".join(item.guideline_sources) or None,
                    "modified_by_ur": item.modified_by_ur,
                    "quantity": item.quantity,
                    "body_part": item.body_part,
                    "reasons": "; ".join(r.value for r in item.reasons) or None,
                    "explanation": item.explanation,
                }
            )
    return rows


def to_dataframe(determinations: Iterable[Determination | ImrError]) -> pd.DataFrame:
    """A pandas DataFrame with one row per disputed item (``pip install 'imr-llm[pandas]'``).

    Takes ``summarize_many``'s results as they come: an input's error gives no row.
    """
    try:
        import pandas as pd
    except ImportError as exc:
        raise ImrError("to_dataframe needs pandas: pip install 'imr-llm[pandas]'") from exc
    frame = pd.DataFrame(item_rows(determinations))
    if not frame.empty:
        frame["outcome"] = frame["outcome"].astype("category")
        frame["category"] = frame["category"].astype("category")
    return frame


def load_jsonl(path: str | os.PathLike[str]) -> list[Determination]:
    """Read results written by ``imr-llm parse`` / ``summarize`` back; error lines are skipped.

    A pipe reads too: ``imr-llm parse letters/ | imr-llm stats /dev/stdin``.
    """
    p = Path(path)
    if p.is_dir():
        raise InputError("this is a folder, not a results file (JSON Lines)", source=str(path))
    if not p.exists():
        raise InputError("no such results file", source=str(path))
    try:
        with p.open(encoding="utf-8") as fh:
            return _determinations(fh, str(path))
    except UnicodeDecodeError as exc:
        raise InputError("not UTF-8 text: not a results file", source=str(path)) from exc
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror or exc}", source=str(path)) from exc


def _determinations(lines: Iterable[str], source: str) -> list[Determination]:
    results = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"line {number} is not JSON: {exc.msg}", source=source) from exc
        if isinstance(obj, dict) and "error" in obj and "items" not in obj:
            continue
        try:
            results.append(Determination.model_validate(obj))
        except ValueError as exc:
            raise InputError(
                f"line {number} is not a determination: {str(exc).splitlines()[0]}",
                source=source,
            ) from exc
    return results


def outcome_rates(
    determinations: Iterable[Determination], by: str
) -> list[tuple[str, int, int, int]]:
    """(group, upheld, overturned, total) per group, most items first.

    ``by`` is ``category``, ``guideline`` (each family cited counts the item once)
    or ``specialty`` (each reviewer specialty counts the item once).
    """
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for det in determinations:
        for item in det.items:
            if by == "category":
                groups = [item.category.value]
            elif by == "guideline":
                groups = item.guideline_sources or ["(none cited)"]
            elif by == "specialty":
                groups = det.reviewer.specialties or ["(not stated)"]
            else:
                raise ValueError(f"unknown grouping {by!r}")
            for group in groups:
                counts[group][item.outcome.value] += 1
    rows = [
        (group, c["upheld"], c["overturned"], c["upheld"] + c["overturned"])
        for group, c in counts.items()
    ]
    return sorted(rows, key=lambda r: (-r[3], r[0]))
