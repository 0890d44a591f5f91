"""Turn a finding's text into inline runs, linking every number that comes from one of its metrics."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from decimal import Decimal, InvalidOperation

from briefing.document import Cite, Inline, NumberRef, Paragraph, Text
from briefing.domain.model import Finding, Metric, Scale
from briefing.domain.prose import sentences

# A number as prose prints it: "$0.028", "1,000-fold", "5.16 trillion", "61%", "6.7×", "$650B".
# The look-behind keeps us off the middle of words, version strings ("M2.5") and dates ("16–22").
_NUMBER = re.compile(
    r"(?<![\w.,/\-–])"
    r"(?P<cur>US\$|\$|¥|€|£)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:(?P<pct>\s?%)|(?P<mult>\s?[×x](?![A-Za-z0-9])))?"
    r"(?:\s(?P<scale>thousand|million|billion|trillion)\b|(?P<short>[KMBT]|bn|tn)(?![A-Za-z0-9]))?"
)
_SCALES = {"thousand": Scale.THOUSAND, "million": Scale.MILLION, "billion": Scale.BILLION,
           "trillion": Scale.TRILLION, "K": Scale.THOUSAND, "M": Scale.MILLION, "B": Scale.BILLION,
           "T": Scale.TRILLION, "bn": Scale.BILLION, "tn": Scale.TRILLION}


def split_paragraphs(text: str) -> list[str]:
    """Blank lines separate paragraphs; a single newline is a space (text wrapped by its author)."""
    parts = re.split(r"\n[ \t]*\n", text.strip())
    return [re.sub(r"[ \t]*\n[ \t]*", " ", p.strip()) for p in parts if p.strip()]


def merge_single_sentences(parts: Sequence[str]) -> list[str]:
    """One finding's paragraphs with each one-sentence paragraph joined to the paragraph before it
    (the first to the one after): a finding's lone sentence reads as a fragment on its own line."""
    out: list[str] = []
    for part in parts:
        if out and (len(sentences(part)) == 1 or len(sentences(out[-1])) == 1):
            out[-1] = f"{out[-1]} {part}"
        else:
            out.append(part)
    return out


def metric_for(text_match: re.Match[str], metrics: Sequence[Metric]) -> int | None:
    """The index of the metric a matched number states, or None when it states none of them."""
    try:
        value = Decimal(text_match["num"].replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        return None
    word = text_match["scale"] or text_match["short"]
    scale = _SCALES.get(word) if word else None
    percent = bool(text_match["pct"])
    best: int | None = None
    for i, m in enumerate(metrics):
        if m.value != value:
            continue
        if scale is not None and m.scale != scale:
            continue
        if scale is None and m.scale is not None:
            # "140" alone can still be the metric "140 trillion" when the scale word follows a unit
            # ("140 trillion tokens" has matched already); a bare number with a scaled metric is a
            # weaker match, kept only if nothing better turns up.
            if best is None:
                best = i
            continue
        if percent and m.unit not in ("%", ""):
            continue
        return i
    return best


def linked_runs(
    text: str,
    finding: Finding,
    cite: Callable[[Finding], tuple[int, ...]],
) -> list[Inline]:
    """`text` as Text runs with each number from one of `finding`'s metrics as a NumberRef."""
    runs: list[Inline] = []
    if not finding.metrics:
        return [Text(text)] if text else []
    pos = 0
    for m in _NUMBER.finditer(text):
        index = metric_for(m, finding.metrics)
        if index is None:
            continue
        start, end = m.span()
        if start > pos:
            runs.append(Text(text[pos:start]))
        runs.append(
            NumberRef(
                text=text[start:end],
                finding=finding.slug,
                metric_index=index,
                source_ids=tuple(s.id for s in finding.sources),
                refs=cite(finding),
            )
        )
        pos = end
    if pos < len(text):
        runs.append(Text(text[pos:]))
    return runs


# A sentence ends at . ! ? or … followed (after any closing quotes or brackets) by a space or the end.
_SENTENCE_END = re.compile(r"[.!?…][”’\"')\]]*(?=\s|$)")
# Where an audience's wording turns from a number to its reading of it: a colon, a semicolon or a
# spaced dash after the number ("… 61% … in February 2026: for companies in Asian markets, …").
_CLAUSE_BREAK = re.compile(r"(?=[:;]\s)|(?=\s[—–]\s)")


def settle_markers(
    runs: Sequence[Inline],
    finding: Finding,
    cite: Callable[[Finding], tuple[int, ...]],
    *,
    cite_bare: bool = True,
    clauses: bool = False,
) -> tuple[Inline, ...]:
    """Move the "[n]" of linked numbers to the end of their sentence, once per sentence.

    A marker straight after a number ("30[4]+ tools") breaks the number; at the sentence end it
    reads like a footnote. The numbers stay NumberRefs (clickable, carrying their sources). With
    `cite_bare`, a paragraph without a linked number still cites its finding's sources at its end.
    With `clauses`, a marker closes the clause holding its number (`_CLAUSE_BREAK`) when that comes
    before the sentence's end: what follows is the audience's reading, not the source's.
    """
    out: list[Inline] = []
    pending: list[int] = []
    any_number = False
    source_ids = tuple(s.id for s in finding.sources)

    def flush() -> None:
        if pending:
            out.append(Cite(finding.slug, source_ids, tuple(sorted(set(pending)))))
            pending.clear()

    for run in runs:
        if isinstance(run, NumberRef):
            any_number = True
            pending.extend(run.refs)
            out.append(replace(run, marker=False))
        elif isinstance(run, Text) and pending:
            pos = 0
            for m in _SENTENCE_END.finditer(run.text):
                if not pending:
                    break
                brk = _CLAUSE_BREAK.search(run.text, pos, m.start()) if clauses else None
                end = brk.start() if brk else m.end()
                out.append(Text(run.text[pos:end]))
                flush()
                pos = end
            if pending and clauses:
                brk = _CLAUSE_BREAK.search(run.text, pos)
                if brk:
                    out.append(Text(run.text[pos:brk.start()]))
                    flush()
                    pos = brk.start()
            if pos < len(run.text):
                out.append(Text(run.text[pos:]))
        else:
            out.append(run)
    flush()
    if cite_bare and not any_number and finding.sources:
        refs = cite(finding)
        if refs:
            out.append(Cite(finding.slug, source_ids, refs))
    return tuple(out)


# A spaced dash: the only one in a sentence turns a claim to comment on it ("… are Chinese — one of
# the effects …"); two are an aside, which is part of the claim.
_DASH = re.compile(r"\s[—–]\s")


def cite_after_sentences(
    paragraphs: Sequence[Sequence[Inline]],
    count: int,
    finding: Finding,
    cite: Callable[[Finding], tuple[int, ...]],
    *,
    before_dash: bool = False,
) -> list[tuple[Inline, ...]]:
    """One marker after the `count`-th sentence of the text (0: none); numbers keep their links
    but no marker of their own. For a wording whose evidence the automatic rule cannot see.
    `before_dash`: the marker goes before a dash that turns that sentence to comment."""
    refs = cite(finding) if count and finding.sources else ()
    source_ids = tuple(s.id for s in finding.sources)
    seen = 0
    out: list[tuple[Inline, ...]] = []
    for runs in paragraphs:
        para: list[Inline] = []
        for run in runs:
            if isinstance(run, NumberRef):
                para.append(replace(run, marker=False))
                continue
            if not isinstance(run, Text) or not refs or seen >= count:
                para.append(run)
                continue
            pos = 0
            start = 0
            for m in _SENTENCE_END.finditer(run.text):
                seen += 1
                if seen == count:
                    dashes = list(_DASH.finditer(run.text, start, m.start())) if before_dash else []
                    end = dashes[0].start() if len(dashes) == 1 else m.end()
                    para.append(Text(run.text[pos:end]))
                    para.append(Cite(finding.slug, source_ids, refs))
                    pos = end
                    break
                start = m.end()
            if pos < len(run.text):
                para.append(Text(run.text[pos:]))
        out.append(tuple(para))
    if refs and 0 < seen < count and out:
        out[-1] = (*out[-1], Cite(finding.slug, source_ids, refs))  # fewer sentences than said: all evidence
    elif refs and seen == 0 and out:
        out[-1] = (*out[-1], Cite(finding.slug, source_ids, refs))
    return out


def finding_paragraphs(
    text: str,
    finding: Finding,
    cite: Callable[[Finding], tuple[int, ...]],
    lead: Sequence[Inline] = (),
    tail: Sequence[Inline] = (),
    *,
    wording: bool = False,
    evidence: int | None = None,
) -> list[Paragraph]:
    """A finding's text as paragraphs: `lead` runs open the first, `tail` runs close the last.

    The statement (the report's own text) cites each number at the end of its sentence, and a
    claim without numbers at its very end. An audience's `wording` mixes the source's evidence with
    the audience's analysis, so only evidence is cited: each clause stating one of the finding's
    numbers; a wording that states none cites its first sentence (the claim it restates) up to a
    dash that turns it to comment. `evidence`
    (a template's override) says instead how many of the first sentences are evidence."""
    parts = merge_single_sentences(split_paragraphs(text)) or [""]
    linked = [linked_runs(part, finding, cite) for part in parts]
    restated = wording and evidence is None and not any(isinstance(r, NumberRef) for runs in linked for r in runs)
    if restated:
        evidence = 1  # the claim a wording restates comes first; a dash after it turns to comment
    if wording and evidence is not None:
        cited = cite_after_sentences(linked, evidence, finding, cite, before_dash=restated)
        return [Paragraph(tuple(lead if i == 0 else ()) + runs + (tuple(tail) if i == len(cited) - 1 else ()))
                for i, runs in enumerate(cited)]
    out: list[Paragraph] = []
    for i, runs_of_part in enumerate(linked):
        runs: list[Inline] = list(lead) if i == 0 else []
        runs += runs_of_part
        last = i == len(parts) - 1
        if last:
            runs += list(tail)
        # Every paragraph cites its own numbers; only the last cites a claim that has none (a wording: never).
        out.append(Paragraph(settle_markers(runs, finding, cite, cite_bare=last and not wording, clauses=wording)))
    return out
