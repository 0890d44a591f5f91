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
    """Groups of stems: every group must match, by any one of its stems (as a prefix).

    A word's group holds its stem and the stems of it written together with the word before and
    the word after, so "deep seek" finds "DeepSeek" and "open router" "OpenRouter":
    [("deep",), ("seek", "deepseek")] ("deepseek" is left out of the first group: "deep" already
    finds it as a prefix). One group per word keeps the expression linear in the words: a union of
    whole spellings (one per neighbouring pair) made FTS5 read each word's hits once per spelling.
    Empty when the query has no words.
    """
    words = [w.casefold() for w in _TOKEN.findall(query)][:MAX_WORDS]
    groups: list[tuple[str, ...]] = []
    for i, word in enumerate(words):
        own = stem(word)
        joined = [stem(words[i - 1] + word)] if i > 0 else []
        joined += [stem(word + words[i + 1])] if i + 1 < len(words) else []
        group = [own] + [j for j in joined if not (len(own) > 1 and j.startswith(own))]
        groups.append(tuple(dict.fromkeys(group)))
    return list(dict.fromkeys(groups))


def _fts_term(term: str) -> str:
    # A one-letter prefix ("s" of "China’s", a stray "a") would expand to a good part of the
    # vocabulary, for no gain in precision: single letters match as whole words.
    return '"' + term.replace('"', '""') + '"' + ("*" if len(term) > 1 else "")


def match_expression(query: str) -> str | None:
    """An FTS5 MATCH expression for `search_terms(query)`; user text never reaches FTS syntax unquoted."""
    groups = search_terms(query)
    if not groups:
        return None
    parts = []
    for group in groups:
        terms = " OR ".join(_fts_term(t) for t in group)
        parts.append(f"({terms})" if len(group) > 1 else terms)
    return " AND ".join(parts)
