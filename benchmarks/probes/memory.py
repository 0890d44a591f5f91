"""Memory over many in-app exports in a row: resident size after each export (no growth expected)."""

from __future__ import annotations

import gc
import json
import sys
import tempfile
from pathlib import Path


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    import os

    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    from briefing.compose import compose
    from briefing.services import open_service
    from briefing.writers import export

    db, n = sys.argv[1], int(sys.argv[2])
    svc = open_service(db)
    out = Path(tempfile.mkdtemp()) / "b.pdf"
    samples = []
    for i in range(n):
        fmt = ("pdf", "docx")[i % 2]
        export(compose(svc, ("full", "asia", "west", "investors")[i % 4]), fmt, out.with_suffix("." + fmt))
        gc.collect()
        samples.append(round(rss_mb(), 1))
    warm = samples[min(4, len(samples) - 1)]
    print(json.dumps({"exports": n, "rss_after_5_mb": warm, "rss_after_all_mb": samples[-1],
                      "growth_mb": round(samples[-1] - warm, 1), "samples_mb": samples}))


if __name__ == "__main__":
    main()
