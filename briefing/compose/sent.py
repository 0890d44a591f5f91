"""A file sent earlier against the database now: the manifest its briefing or deck would carry today, and the diff."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from briefing.domain.charts import ChartSpec
from briefing.domain.errors import BriefingError, NotFoundError
from briefing.domain.manifest import Manifest, ManifestDiff, diff_manifests
from briefing.domain.model import Audience, Finding


class SentService(Protocol):
    """What comparing reads from the services (compose reads the same)."""

    def get_audience(self, key: str) -> Audience: ...
    def list_findings(self) -> list[Finding]: ...
    def count_findings(self) -> int: ...
    def list_charts(self, audience: str | None = None) -> list[ChartSpec]: ...
    def report(self) -> Mapping[str, Any]: ...


def manifest_now(service: SentService, sent: Manifest, *, any_report: bool = False) -> Manifest:
    """The manifest of the briefing (same audience) or deck (same charts) made from the database now.

    Refused, naming what is missing, when the file came from another report than the current one
    (unless `any_report`: the caller chose the report, say a newer edition) or when its audience is
    gone. A chart of a deck that is gone is simply not in the new manifest: the diff lists it as removed."""
    report = dict(service.report())
    if not any_report and sent.report_key and report.get("key") != sent.report_key:
        raise BriefingError(f"the file was made from report “{sent.report_key}”, not the current report "
                            f"“{report.get('key')}”; switch to that report to compare it")
    if sent.kind == "deck":
        return _deck_now(service, sent, report)
    if sent.kind != "briefing":
        raise BriefingError(f"the file's manifest is of kind “{sent.kind}”, which this Briefing cannot compare")
    from briefing.compose import compose

    try:
        service.get_audience(sent.audience_key)
    except NotFoundError:
        raise BriefingError(f"the file was made for audience “{sent.audience_key}”, which is no longer in "
                            f"report “{report.get('key')}”") from None
    doc = compose(service, sent.audience_key)
    assert doc.manifest is not None  # compose always fills it
    return doc.manifest


def _deck_now(service: SentService, sent: Manifest, report: Mapping[str, Any]) -> Manifest:
    from briefing.charts import resolve_chart_data
    from briefing.compose.scope import deck_manifest

    findings = service.list_findings()
    specs = {s.key: s for s in service.list_charts(None)}
    items = [(specs[c.key], resolve_chart_data(specs[c.key], findings)) for c in sent.charts if c.key in specs]
    audience = None
    if sent.audience_key:
        try:
            audience = service.get_audience(sent.audience_key)
        except NotFoundError:
            audience = None
    return deck_manifest(report, audience, items, findings)


def compare_with_now(service: SentService, sent: Manifest, *, any_report: bool = False) -> ManifestDiff:
    return diff_manifests(sent, manifest_now(service, sent, any_report=any_report))
