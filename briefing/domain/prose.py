"""Word overlap in prose: when a paragraph restates a lead-in or repeats another, and which phrases recur."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

# A lead-in is restated when the paragraph it opens holds at least this share of its content words
# (in one sentence or spread over several: "The cost advantage is structural, rooted in three
# reinforcing factors" over "…cost advantage isn't a temporary subsidy… It is structural: algorithmic
# efficiency, infrastructure economics and an open-source feedback loop reinforce each other", 0.57).
# Measured on the seed's four briefings (every lead-in compose would print): 239 of 242 reached it,
# and each read as a restatement, down to "US export controls cut China off from NVIDIA's most
# advanced AI chips" over "US export controls restrict NVIDIA's H100, A100, H800, A800 and B200 for
# Chinese buyers…" (0.5). The three below it add to their paragraph ("Vietnam's AI Law, the EU AI
# Act and ASEAN frameworks…" over a paragraph on the EU AI Act, 0.45; "…strategic, not ideological",
# 0.33). tests/test_prose.py holds pairs either side.
RESTATES = 0.5
# A template's paragraph (an intro, a "bottom line", a callout) repeats one already printed when the
# two share this share of the shorter one's content words, and at least REPEAT_WORDS of them (a
# one-line signpost naming its section's topics shares a few words with everything in it). Measured
# on the seed: the old texts that restated findings scored 0.78–1.0 with 11–23 words shared (the full
# report's "bottom line" 1.0, 1.0 and its callout 0.95; four section intros 0.83–1.0); signposts
# scored at most 0.8 with 4 words or 0.5 with 8; two findings of one section at most 0.48, except
# two on the same token figures (0.68–0.93), which are findings, not the template's words.
REPEATS = 0.7
REPEAT_WORDS = 6

# A phrase is a run of at least this many content words: one word alone is vocabulary, not a phrase.
PHRASE_WORDS = 2

# Function words: they carry no subject, so overlap is counted without them.
_FUNCTION_WORDS = """
a about above across after again against all almost also am among an and any are as at be because
been before being below between both but by can could did do does doing down during each either
even ever every few for from further had has have having he her here hers him his how however i if
in into is it its itself just least less more most much must my nor not now of off on once only
or other our ours out over own per rather same she should since so some such than that the their
them then there these they this those through to too under until up upon us very was we were what
when where whether which while who whom whose why will with within without would yet you your
isn't aren't wasn't weren't doesn't don't didn't can't won't it's that's there's they're we're
you're what's here's let's i'm i've you've we've they've i'd you'd he'd she'd we'd they'd
"""
STOPWORDS = frozenset(_FUNCTION_WORDS.split())

# Words and numbers; a hyphen splits ("mixture-of-experts" holds "mixture" and "experts"), an
# apostrophe does not ("isn't", "China's"); a currency sign or per cent is not part of the number.
_WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+(?:['’][^\W\d_]+)*(?:\d+[^\W_]*)?", re.UNICODE)
# A sentence ends at . ! ? or … followed (after any closing quotes or brackets) by a space or the end.
_SENTENCE_END = re.compile(r"[.!?…][”’\"')\]]*(?=\s|$)")
_ENDINGS = (("ies", 3), ("ing", 3), ("ed", 3), ("es", 4), ("s", 3))


@lru_cache(maxsize=16384)  # a briefing's prose has a few thousand distinct words; the checks stem them often
def stem(word: str) -> str:
    """A crude common root, so "models"/"model" and "returns"/"return" count as one word."""
    word = word.casefold().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    if not word.isalpha():
        return word  # numbers and names ("r1", "910c", "$0.028") match as written
    for ending, shortest in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= shortest:
            if ending == "s" and word.endswith(("ss", "us", "is")):
                return word  # "class", "status", "analysis": not plurals
            word = word[: -len(ending)] + ("y" if ending == "ies" else "")
            break
    # "activate"/"activates", "price"/"priced": the silent e goes in every form
    return word[:-1] if word.endswith("e") and len(word) > 4 else word


def words(text: str) -> list[str]:
    """The words of `text` in order, case-folded, with typographic apostrophes made straight."""
    return [w.casefold().replace("’", "'") for w in _WORD.findall(text)]


@lru_cache(maxsize=4096)  # the checks meet each finding's text once per audience and at every re-check
def content_words(text: str) -> tuple[str, ...]:
    """Stems of the words that carry meaning, in order (function words dropped)."""
    return tuple(stem(w) for w in words(text) if w not in STOPWORDS)


def sentences(text: str) -> list[str]:
    """`text` cut at its sentence ends; each piece keeps its punctuation."""
    out: list[str] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        piece = text[pos:m.end()].strip()
        if piece:
            out.append(piece)
        pos = m.end()
    if text[pos:].strip():
        out.append(text[pos:].strip())
    return out


def containment(part: str, whole: str) -> float:
    """The share of `part`'s distinct content words that `whole` also holds (0 when `part` has none)."""
    mine = set(content_words(part))
    if not mine:
        return 0.0
    return len(mine & set(content_words(whole))) / len(mine)


_NOT_ALNUM = re.compile(r"[\W_]+")


def squash(text: str) -> str:
    """Letters and digits only, case-folded: for "does the text open with the title?"."""
    return _NOT_ALNUM.sub("", text.casefold())


def prints_lead_in(title: str, text: str) -> bool:
    """Whether a finding's `title` opens its `text` in bold: not when the text opens with the title
    ("X. X."), nor when its first paragraph restates it (`restated_by`)."""
    title = title.strip()
    # Only the text's opening can hold the title; squashing the whole of a long text costs more.
    opening = text.lstrip()[:2 * len(title) + 40]
    return bool(title) and not squash(opening).startswith(squash(title)) and not restated_by(title, text)


def restated_by(lead: str, text: str, threshold: float = RESTATES) -> bool:
    """Whether `text`'s first paragraph (what a reader meets straight after the bold lead-in)
    restates the lead-in `lead`: it holds `threshold` of the lead's content words."""
    first = re.split(r"\n[ \t]*\n", text.strip(), maxsplit=1)[0]
    return containment(lead, first) >= threshold


def repeats(later: str, earlier: str, threshold: float = REPEATS) -> bool:
    """Whether paragraph `later` repeats paragraph `earlier`: they share `threshold` of the shorter
    one's distinct content words, and at least `REPEAT_WORDS` words."""
    a, b = set(content_words(later)), set(content_words(earlier))
    shared = len(a & b)
    return bool(a and b) and shared >= REPEAT_WORDS and shared >= threshold * min(len(a), len(b))


@dataclass(frozen=True)
class Phrase:
    """A run of content words that comes back in one briefing, as first written, with its count."""

    words: tuple[str, ...]  # the stems, as matched
    text: str  # the first occurrence as written ("real commercial returns")
    count: int
    where: tuple[int, ...]  # indexes of the texts it occurs in, one entry per occurrence


# Words that belong to a number ("140 trillion", "61 per cent"): part of the subject, like the digits.
_NUMBER_WORDS = frozenset({"thousand", "million", "billion", "trillion", "percent", "cent", "fold"})
_DIGIT = re.compile(r"\d")
_BREAK = re.compile(r"[,;:()\[\]—–“”\"]|\s-\s")


@lru_cache(maxsize=4096)  # a text is met again in every audience that prints it and at every re-check
def _runs(text: str) -> tuple[tuple[tuple[str, str], ...], ...]:
    """Runs of consecutive content words (stem, the run as written up to this word): a function
    word, a number, a name, a punctuation break or a sentence end ends a run, so a phrase never spans
    two clauses and never counts the briefing's subject matter (numbers, names) as style."""
    out: list[tuple[tuple[str, str], ...]] = []
    for sentence in sentences(text):
        run: list[tuple[str, str]] = []
        start = end = 0
        for n, m in enumerate(_WORD.finditer(sentence)):
            token = m.group()
            folded = token.casefold().replace("’", "'")
            # A capital marks a name, except on a sentence's first word ("Real returns…"), unless
            # the word has capitals inside it too ("DeepSeek", "AI").
            name = token[0].isupper() and (n > 0 or any(ch.isupper() for ch in token[1:]))
            word = not (folded in STOPWORDS or folded in _NUMBER_WORDS or not token[0].isalpha() or name
                        or _DIGIT.search(token))
            broken = bool(_BREAK.search(sentence, end, m.start())) if run else False
            if broken or not word:
                if len(run) >= PHRASE_WORDS:
                    out.append(tuple(run))
                run = [(stem(folded), token)] if word else []
                start = m.start()
                end = m.end()
                continue
            if not run:
                start = m.start()
            run.append((stem(folded), sentence[start:m.end()]))
            end = m.end()
        if len(run) >= PHRASE_WORDS:
            out.append(tuple(run))
    return tuple(out)


def repeated_phrases(texts: Sequence[str], *, count: int, allowed: Iterable[str] = (),
                     min_words: int = PHRASE_WORDS, max_words: int = 4) -> list[Phrase]:
    """Phrases of `min_words`..`max_words` consecutive content words that occur `count` times or
    more across `texts`, longest first; a phrase inside a longer reported one with the same count is
    left out (it is the same repetition). `allowed` names terms of art that may recur ("token usage")."""
    allow = {tuple(content_words(a)) for a in allowed}
    seen: dict[tuple[str, ...], list[int]] = {}
    written: dict[tuple[str, ...], str] = {}
    for index, text in enumerate(texts):
        for run in _runs(text):
            for n in range(min_words, max_words + 1):
                for i in range(len(run) - n + 1):
                    key = tuple(s for s, _ in run[i:i + n])
                    seen.setdefault(key, []).append(index)
                    written.setdefault(key, _span(run, i, n))
    found = [Phrase(key, written[key], len(where), tuple(where)) for key, where in seen.items()
             if len(where) >= count and not any(_inside(key, a) for a in allow)]
    found.sort(key=lambda p: (-len(p.words), -p.count, p.text))
    kept: list[Phrase] = []
    for p in found:
        if not any(_inside(p.words, k.words) and k.count >= p.count for k in kept):
            kept.append(p)
    return kept


def _span(run: Sequence[tuple[str, str]], i: int, n: int) -> str:
    """Words i..i+n of a run as written ("cost-sensitive developers"), from the run's prefixes."""
    whole = run[i + n - 1][1]
    return whole[len(run[i - 1][1]):].lstrip(" -") if i else whole


def _inside(short: Sequence[str], long: Sequence[str]) -> bool:
    n = len(short)
    return any(tuple(long[i:i + n]) == tuple(short) for i in range(len(long) - n + 1))
