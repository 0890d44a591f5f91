"""One CLI-equivalent export in a fresh process (`briefing export`), printing its peak memory."""

from __future__ import annotations

import json
import sys

from briefing.cli import main


def peak_rss_kb() -> int:
    # VmHWM, not getrusage's ru_maxrss: Linux carries ru_maxrss across exec, so a child started by a
    # large parent would report the parent's peak.
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


if __name__ == "__main__":
    audience, fmt, out = sys.argv[1:4]
    code = main(["export", "--audience", audience, "--format", fmt, "--output", out])
    print(json.dumps({"code": code, "peak_rss_kb": peak_rss_kb()}))
    sys.exit(code)
