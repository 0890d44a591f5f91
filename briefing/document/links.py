"""How a number's link names its finding: the destination the PDF writer links it to, and the
link's description, which the app's preview reads back (a PDF keeps only the target's position)."""

from __future__ import annotations

import re

# The destination name of a number's link: its reference entry, named for the number's finding.
CITE_NAME = re.compile(r"cite-(?P<number>\d+)-(?P<finding>.+)", re.DOTALL)
# A number's link description: "Reference [3] for finding china-daily-tokens" (a slug has no spaces).
_DESCRIPTION = re.compile(r"Reference \[\d+\] for finding (?P<finding>\S+)")


def finding_anchor(slug: str) -> str:
    """The destination name of a finding's first paragraph in the body."""
    return f"f-{slug}"


def cite_anchor(number: int, finding: str) -> str:
    """The destination a number from `finding` citing reference `number` links to (at that entry)."""
    return f"cite-{number}-{finding}"


def link_description(number: int, finding: str) -> str:
    return f"Reference [{number}] for finding {finding}"


def link_finding(description: str) -> str | None:
    """The finding slug a number's link description names (None for any other link)."""
    found = _DESCRIPTION.fullmatch(description)
    return found["finding"] if found else None
