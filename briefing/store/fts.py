"""Keeps the FTS5 index in step with findings, and turns a user's query into forgiving search terms."""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.orm import Session

_TOKEN = re.compile(r"\w+", re.UNICODE)

# A pasted paragraph is not a query: past this many words the rest are ignored, which also bounds
# the MATCH expression (one alternative per pair of neighbouring words, see `search_terms`).
MAX_WORDS = 8

# (ending, shortest stem left): the ending is cut so that every form of a word shares the prefix
# searched for: "price", "prices", "priced", "pricing" -> "pric"; "company", "companies" -> "compan".
# The minimum lengths keep short words whole ("uses" -> "use", never "us"; "thing" stays "thing").
_ENDINGS = (("ies", 3), ("ing", 4), ("ed", 4), ("es", 3), ("s", 3), ("e", 4), ("y", 4))


def index_finding(session: Session, finding_id: int, title: str, statement: str, tags: list[str]) -> None:
    session.execute(text("DELETE FROM findings_fts WHERE rowid = :id"), {"id": finding_id})
    session.execute(
        text("INSERT INTO findings_fts(rowid, title, statement, tags) VALUES (:id, :t, :s, :g)"),
        {"id": finding_id, "t": title, "s": statement, "g": " ".join(tags)},
    )


def unindex_finding(session: Session, finding_id: int) -> None:
    session.execute(text("DELETE FROM findings_fts WHERE rowid = :id"), {"id": finding_id})


def stem(word: str) -> str:
    """The start every inflected form of `word` shares (a crude, query-side stemmer).

    Query-side on purpose: the index keeps whole words (unicode61), so a word typed halfway
    ("pricin") still finds "pricing", which an index stemmed by Porter would not (it stores "price").
    """
    word = word.casefold()
    if not word.isalpha():
        return word  # "r1", "910c", "2026": names and numbers are matched as typed
    for ending, shortest in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= shortest:
            if ending == "s" and word.endswith("ss"):
                return word  # "class", "access": not a plural
            word = word[: -len(ending)]
            if ending in ("ing", "ed") and word[-1] == word[-2] and word[-1] not in "aeiouylsz":
                word = word[:-1]  # "shipping", "stopped": the doubled consonant is not in "ship", "stop"
            return word
    return word


def search_terms(query: str) -> list[tuple[str, ...]]:
    """Alternatives, each a tuple of stems that must all match (as prefixes); any alternative will do.

    The first alternative is every word; then, for each pair of neighbouring words, the same with
    that pair written as one word, so "deep seek" also looks for "deepseek" and "open router price"
    for "openrouter". Empty when the query has no words.
    """
    words = [w.casefold() for w in _TOKEN.findall(query)][:MAX_WORDS]
    if not words:
        return []
    spellings = [words] + [words[:i] + [words[i] + words[i + 1]] + words[i + 2 :] for i in range(len(words) - 1)]
    alternatives: list[tuple[str, ...]] = []
    for spelling in spellings:
        stems = tuple(dict.fromkeys(stem(w) for w in spelling))
        if stems not in alternatives:
            alternatives.append(stems)
    return alternatives


def match_expression(query: str) -> str | None:
    """An FTS5 MATCH expression for `search_terms(query)`; user text never reaches FTS syntax unquoted."""
    alternatives = search_terms(query)
    if not alternatives:
        return None
    groups = [" AND ".join('"' + s.replace('"', '""') + '"*' for s in stems) for stems in alternatives]
    if len(groups) == 1:
        return groups[0]
    return " OR ".join(f"({g})" for g in groups)
