"""Which findings an audience's briefing holds, section by section and in what order."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from briefing.domain.model import Audience, Finding
from briefing.domain.templates import Rule, SectionSpec, Template, validate_template


@dataclass(frozen=True)
class Selection:
    """The outcome of applying a template to the report's findings."""

    sections: tuple[tuple[SectionSpec, tuple[Finding, ...]], ...]
    warnings: tuple[str, ...]

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(f for _, found in self.sections for f in found)


def select_findings(audience: Audience, findings: Sequence[Finding]) -> list[Finding]:
    """The findings `audience` includes, in briefing order (what the GUI lists for an audience)."""
    template = validate_template(audience.template, audience.sections)
    return list(select(template, findings).findings)


def select(template: Template, findings: Sequence[Finding]) -> Selection:
    """Fill each section from the rules; a finding appears once, in the first section that picks it.

    Within a section, rules contribute in the order written: an explicit slug or id in listed order,
    criteria matches in report order. The template's `order` list (the GUI's drag and drop) then
    re-sorts each section; findings it does not name keep their place after the ones it does.
    """
    warnings: list[str] = []
    excluded = set(template.excluded)
    by_slug = {f.slug: f for f in findings}
    by_id = {f.id: f for f in findings}
    rank = {slug: i for i, slug in enumerate(template.order)}
    used: set[str] = set()
    out: list[tuple[SectionSpec, tuple[Finding, ...]]] = []
    for spec in template.all_sections():
        picked: list[Finding] = []
        for rule in spec.rules():
            for finding in _matches(rule, findings, by_slug, by_id, spec, warnings):
                if finding.slug in excluded or finding.slug in used:
                    continue
                used.add(finding.slug)
                picked.append(finding)
        if rank:
            position = {f.slug: i for i, f in enumerate(picked)}
            picked.sort(key=lambda f: (rank.get(f.slug, len(rank)), position[f.slug]))
        if spec.limit is not None:
            for dropped in picked[spec.limit:]:
                used.discard(dropped.slug)
            picked = picked[: spec.limit]
        out.append((spec, tuple(picked)))
    return Selection(tuple(out), tuple(warnings))


def _matches(
    rule: Rule,
    findings: Sequence[Finding],
    by_slug: Mapping[str, Finding],
    by_id: Mapping[int, Finding],
    spec: SectionSpec,
    warnings: list[str],
) -> list[Finding]:
    if rule.ids:
        chosen: list[Finding] = []
        for ident in rule.ids:
            finding = by_id.get(ident) if isinstance(ident, int) else by_slug.get(ident)
            if finding is None:
                warnings.append(f"Section “{spec.title or spec.key}”: no finding “{ident}”; it was left out")
                continue
            if _fits(rule, finding):
                chosen.append(finding)
        return chosen
    return [f for f in findings if _fits(rule, f)]


def _fits(rule: Rule, finding: Finding) -> bool:
    if rule.sections and finding.section not in rule.sections:
        return False
    if rule.kinds and finding.kind not in rule.kinds:
        return False
    return not (rule.tags and not set(rule.tags) & set(finding.tags))
