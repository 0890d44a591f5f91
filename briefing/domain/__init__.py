"""The domain: frozen records, validation, text sanitising and number handling. Stdlib only."""

from briefing.domain.errors import ConflictError, NotFoundError, ValidationError, FieldError
from briefing.domain.model import (
    Audience,
    ClaimKind,
    Finding,
    FindingDraft,
    Metric,
    MetricDraft,
    Scale,
    Report,
    ReportDraft,
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
    "Scale",
    "Report",
    "ReportDraft",
    "Section",
    "Source",
    "SourceDraft",
    "ValidationError",
]
