"""Keeps the full-text index in step with findings (FTS5 on SQLite, a `tsvector` table on
PostgreSQL), and turns a user's query into forgiving search terms both engines read alike."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import text
from sqlalchemy.orm import Session

# Words as FTS5's unicode61 tokenizer cuts them (letters and digits; underscore separates), so a
# query word is never a phrase to FTS5 and both engines read the same words (see `pg_words`).
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)

# A pasted paragraph is not a query: past this many words the rest are ignored, which also bounds
# the MATCH expression (one alternative per pair of neighbouring words, see `search_terms`).
MAX_WORDS = 8

# (ending, shortest stem left): the ending is cut so that every form of a word shares the prefix
# searched for: "price", "prices", "priced", "pricing" -> "pric"; "company", "companies" -> "compan".
# The minimum lengths keep short words whole ("uses" -> "use", never "us"; "thing" stays "thing").
_ENDINGS = (("ies", 3), ("ing", 4), ("ed", 4), ("es", 3), ("s", 3), ("e", 4), ("y", 4))


# The PostgreSQL index and its queries are cut with the same rule, in Python, so both engines see
# the same words (PostgreSQL's own parser keeps "deepseek-r1" and "1.5" whole).
_WORD = _TOKEN

# PostgreSQL's tsvector: the title weighs A, tags B, the statement D; ts_rank's weights {D, C, B, A}
# follow FTS5's bm25 weights (title 5, statement 1, tags 3) as 0.2 : 0.6 : 1.0.
PG_RANK_WEIGHTS = "{0.2, 0.2, 0.6, 1.0}"


def _is_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def pg_words(text_: str) -> list[str]:
    """The index words of `text_` as FTS5 unicode61 with remove_diacritics 2 cuts them: case and
    diacritics folded ("Café" -> "cafe"), split on anything not a letter or digit."""
    folded = "".join(c for c in unicodedata.normalize("NFD", text_.casefold()) if not unicodedata.combining(c))
    return _WORD.findall(folded)


_PG_DOC = ("setweight(array_to_tsvector(CAST(:t AS text[])), 'A') || "
           "setweight(array_to_tsvector(CAST(:g AS text[])), 'B') || "
           "setweight(array_to_tsvector(CAST(:s AS text[])), 'D')")


def index_finding(session: Session, finding_id: int, title: str, statement: str, tags: list[str]) -> None:
    """(Re)indexes one finding inside the caller's transaction, so the index never lags an edit."""
    if _is_postgresql(session):
        # Lexemes given as an array are stored as they are: no parser, no dictionary, so the words
        # are exactly `pg_words` (the same words FTS5 keeps), and a prefix query reads them alike.
        session.execute(
            text(f"INSERT INTO findings_search (finding_id, doc) VALUES (:id, {_PG_DOC}) "
                 "ON CONFLICT (finding_id) DO UPDATE SET doc = EXCLUDED.doc"),
            {"id": finding_id, "t": pg_words(title), "s": pg_words(statement), "g": pg_words(" ".join(tags))},
        )
        return
    session.execute(text("DELETE FROM findings_fts WHERE rowid = :id"), {"id": finding_id})
    session.execute(
        text("INSERT INTO findings_fts(rowid, title, statement, tags) VALUES (:id, :t, :s, :g)"),
        {"id": finding_id, "t": title, "s": statement, "g": " ".join(tags)},
    )


def index_findings(session: Session, rows: list[tuple[int, str, str, list[str]]]) -> None:
    """Indexes new findings in bulk, (id, title, statement, tags) each, in the caller's transaction."""
    if not rows:
        return
    if _is_postgresql(session):
        session.execute(text(f"INSERT INTO findings_search (finding_id, doc) VALUES (:id, {_PG_DOC})"),
                        [{"id": i, "t": pg_words(t), "s": pg_words(st), "g": pg_words(" ".join(g))}
                         for i, t, st, g in rows])
        return
    session.execute(text("INSERT INTO findings_fts(rowid, title, statement, tags) VALUES (:id, :t, :s, :g)"),
                    [{"id": i, "t": t, "s": st, "g": " ".join(g)} for i, t, st, g in rows])


def unindex_finding(session: Session, finding_id: int) -> None:
    if _is_postgresql(session):
        session.execute(text("DELETE FROM findings_search WHERE finding_id = :id"), {"id": finding_id})
        return
    session.execute(text("DELETE FROM findings_fts WHERE rowid = :id"), {"id": finding_id})


def clear_index(session: Session) -> None:
    if _is_postgresql(session):
        session.execute(text("DELETE FROM findings_search"))
    else:
        session.execute(text("DELETE FROM findings_fts"))


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


def _pg_lexeme(word: str, prefix: bool) -> str:
    # tsquery input syntax: a quoted lexeme taken as written (no dictionary), `:*` for a prefix.
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'" + (":*" if prefix else "")


def pg_tsquery(query: str) -> str | None:
    """The PostgreSQL twin of `match_expression`: the same groups of prefix stems as a tsquery
    (`'deep':* & ('seek':* | 'deepseek':*)`), to be cast with CAST(:q AS tsquery).

    Built here rather than by `websearch_to_tsquery`, which has no prefix form and would split
    words by PostgreSQL's parser, not as the index (and FTS5) did. None when the query has no words.
    """
    parts = []
    for group in search_terms(query):
        alternatives = []
        for term in group:
            words = pg_words(term)
            if not words:
                continue
            # A term FTS5 would read as a phrase of several words ("a_b"): every word, the last as
            # a prefix, as FTS5 treats the phrase's last token.
            lexemes = [_pg_lexeme(w, prefix=(i == len(words) - 1 and len(term) > 1)) for i, w in enumerate(words)]
            alternatives.append(lexemes[0] if len(lexemes) == 1 else "(" + " & ".join(lexemes) + ")")
        if not alternatives:
            return None
        parts.append(alternatives[0] if len(alternatives) == 1 else "(" + " | ".join(alternatives) + ")")
    return " & ".join(parts) if parts else None
