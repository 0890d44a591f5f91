"""Evidence checks: numbers in text backed by metrics, derived claims recomputed, charts honest.

Pure: domain records in, `Problem`s out; imports only `briefing.domain` and the standard library.
"""

from briefing.checks.audience import check_briefing, in_briefing
from briefing.checks.engine import (
    STYLE_RULES,
    Library,
    Problem,
    check_chart,
    check_finding,
    check_template,
    run_checks,
)

__all__ = ["STYLE_RULES", "Library", "Problem", "check_briefing", "check_chart", "check_finding", "check_template",
           "in_briefing", "run_checks"]
