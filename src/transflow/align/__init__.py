"""Onboarding existing translations: pair the segments of an article and its human translation.

``aligner`` finds the links (dynamic programming over 1–1, 1–0, 0–1, 2–1 and 1–2 links) and
judges their confidence; ``features`` is the evidence it scores them by (lengths and anchors
that survive translation). Turning links into catalog entries is ``workflow.align``'s job.
"""

from transflow.align.aligner import (
    CONFIDENT_AT,
    Alignment,
    Evaluation,
    Link,
    align,
    evaluate,
    pair_files,
    to_json,
)

__all__ = [
    "CONFIDENT_AT",
    "Alignment",
    "Evaluation",
    "Link",
    "align",
    "evaluate",
    "pair_files",
    "to_json",
]
