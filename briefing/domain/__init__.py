"""The domain: frozen records, validation, text sanitising and number handling. Stdlib only."""

from briefing.domain.errors import ConflictError, FieldError, NotFoundError, ValidationError
from briefing.domain.model import (
    SECTIONS,
    Audience,
    ClaimKind,
    Finding,
    FindingDraft,
    Metric,
    MetricDraft,
    Scale,
    Section,
    Source,
    SourceDraft,
)

__all__ = [
    "SECTIONS",
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
    "Section",
    "Source",
    "SourceDraft",
    "ValidationError",
]
