"""How the site numbers and orders by the article's sentences.

The article's own sentence numbers (:class:`kcr.article.Sentence`) count its
headings too; the pages number only the sentences they count in "N
sentences", so the last number shown equals the total.
"""

from __future__ import annotations

from ..article import Article, normalise
from ..check import Review
from ..claims import Claim


def reading_numbers(article: Article | None) -> dict[int, int]:
    """Sentence number → its number among the article's sentences that are not headings (from 1)."""
    out: dict[int, int] = {}
    if article is None:
        return out
    for s in article.sentences:
        if not s.heading:
            out[s.number] = len(out) + 1
    return out


def article_order(review: Review) -> list[Claim]:
    """The claims in the order the article makes them: by where each record's first quote first
    appears in the article (records whose quote is not found, which the checker reports, go last)."""
    flat = review.article.flat if review.article else ""

    def key(claim: Claim) -> tuple[int, str]:
        quotes = claim.data.get("quotes") or []
        pos = flat.find(normalise(quotes[0]["text"])) if quotes and flat else -1
        return (pos if pos >= 0 else len(flat) + 1, claim.id)

    return sorted(review.claims, key=key)
