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


def settle_markers(
    runs: Sequence[Inline],
    finding: Finding,
    cite: Callable[[Finding], tuple[int, ...]],
    *,
    cite_bare: bool = True,
) -> tuple[Inline, ...]:
    """Move the "[n]" of linked numbers to the end of their sentence, once per sentence.

    A marker straight after a number ("30[4]+ tools") breaks the number; at the sentence end it
    reads like a footnote. The numbers stay NumberRefs (clickable, carrying their sources). With
    `cite_bare`, a paragraph without a linked number still cites its finding's sources at its end.
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
                out.append(Text(run.text[pos:m.end()]))
                flush()
                pos = m.end()
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


def finding_paragraphs(
    text: str,
    finding: Finding,
    cite: Callable[[Finding], tuple[int, ...]],
    lead: Sequence[Inline] = (),
    tail: Sequence[Inline] = (),
) -> list[Paragraph]:
    """A finding's text as paragraphs: `lead` runs open the first, `tail` runs close the last.
    Numbers are cited at the end of their sentence; a claim without numbers at its very end."""
    parts = merge_single_sentences(split_paragraphs(text)) or [""]
    out: list[Paragraph] = []
    for i, part in enumerate(parts):
        runs: list[Inline] = list(lead) if i == 0 else []
        runs += linked_runs(part, finding, cite)
        last = i == len(parts) - 1
        if last:
            runs += list(tail)
        # Every paragraph cites its own numbers; only the last cites a claim that has none.
        out.append(Paragraph(settle_markers(runs, finding, cite, cite_bare=last)))
    return out

