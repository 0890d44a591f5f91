"""One writer of the concurrency test (tests/test_concurrency.py), run as its own process:
`python tests/edit_race.py URL WRITER EDITS ID[,ID...]`. Each edit reads a finding, changes its title
and a metric, and saves against the version it read; prints one JSON line of what was applied and
what was refused as a conflict."""

from __future__ import annotations

import json
import sys
from dataclasses import replace

from briefing.domain.errors import ConflictError
from briefing.domain.model import MetricDraft
from briefing.services import open_service


def main(url: str, writer: int, edits: int, ids: list[int]) -> None:
    svc = open_service(url, seed=False)
    applied: list[list[object]] = []
    refused = 0
    try:
        for i in range(edits):
            fid = ids[(i + writer) % len(ids)]
            current = svc.get_finding(fid)
            title = f"w{writer} e{i}"
            draft = replace(current.to_draft(), title=title,
                            metrics=(MetricDraft(label="Edit", value=f"{writer}.{i:04d}"),))
            try:
                saved = svc.update_finding(fid, draft, current.version)
            except ConflictError:
                refused += 1
            else:
                applied.append([fid, saved.version, title])
    finally:
        svc.close()
    print(json.dumps({"writer": writer, "applied": applied, "refused": refused}))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), [int(x) for x in sys.argv[4].split(",")])
