"""The prose check: phrases one audience's briefing repeats until the reader hears them as a habit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from briefing.checks.claims import Fault
from briefing.checks.tolerances import PHRASE_COUNT, TERMS_OF_ART
from briefing.domain.charts import ChartSpec
from briefing.domain.errors import ValidationError
from briefing.domain.model import Audience, Finding
from briefing.domain.prose import prints_lead_in, repeated_phrases
from briefing.domain.selection import select
from briefing.domain.templates import validate_template


def briefing_texts(audience: Audience, findings: Sequence[Finding],
                   template_texts: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """(where, text) for every piece of prose `audience`'s briefing prints: each chosen finding's
    title when compose prints it as a lead-in, its wording for the audience, and the template's own
    texts (`template_texts`, by dotted path)."""
    template = validate_template(audience.template, audience.sections)
    out: list[tuple[str, str]] = []
    for f in select(template, findings).findings:
        field = f"wordings.{audience.key}" if f.wordings.get(audience.key) else "statement"
        text = f.wording_for(audience.key)
        if prints_lead_in(f.title, text):
            out.append((f"finding {f.slug} · title", f.title))
        out.append((f"finding {f.slug} · {field}", text))
    out += [(f"template · {field}", text) for field, text in template_texts]
    return out


def stock_phrases(audience: Audience, findings: Sequence[Finding], template_texts: Iterable[tuple[str, str]],
                  terms: Iterable[str] = ()) -> list[Fault]:
    """A fault for each phrase of two or more content words that comes back `PHRASE_COUNT` times or
    more in `audience`'s briefing, naming where; `TERMS_OF_ART` and `terms` (the names the library
    itself uses) may recur."""
    try:
        texts = briefing_texts(audience, findings, template_texts)
    except ValidationError:
        return []  # a template that does not validate is refused by the service and reported there
    phrases = repeated_phrases([t for _, t in texts], count=PHRASE_COUNT, allowed=(*TERMS_OF_ART, *terms))
    faults = []
    for p in phrases:
        where = list(dict.fromkeys(texts[i][0] for i in p.where))
        shown = "; ".join(where[:4]) + (f" and {len(where) - 4} more" if len(where) > 4 else "")
        faults.append(Fault("stock-phrase", p.text,
                            f"“{p.text}” comes {p.count} times in this briefing ({shown}); "
                            "say it once and word the rest afresh"))
    return faults


def library_terms(findings: Sequence[Finding], charts: Sequence[ChartSpec], audience: Audience) -> list[str]:
    """The names the library gives things (metric labels, tags, chart titles, section titles): a run
    of words inside one of them names the subject, so it may recur."""
    terms = [m.label for f in findings for m in f.metrics]
    terms += [tag.replace("-", " ") for f in findings for tag in f.tags]
    terms += [text for c in charts for text in (c.title, c.subtitle) if text]
    terms += [s.title for s in audience.sections or ()]
    return terms
