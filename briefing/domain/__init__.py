"""The domain: frozen records, validation, text sanitising and number handling. Stdlib only."""

from briefing.domain.errors import ConflictError, FieldError, NotFoundError, ValidationError
from briefing.domain.model import (
    Audience,
    ClaimKind,
    Finding,
    FindingDraft,
    Metric,
    MetricDraft,
    Report,
    ReportDraft,
    Scale,
    Section,
    Source,
    SourceDraft,
)

__all__ = [
    "Audience",
    "ClaimKind",
    "ConflictError",
    "FieldError",
    "Finding",
    "FindingDraft",
    "Metric",
    "MetricDraft",
    "NotFoundError",
    "Report",
    "ReportDraft",
    "Scale",
    "Section",
    "Source",
    "SourceDraft",
    "ValidationError",
]
