"""One CLI-equivalent export in a fresh process (`briefing export`), printing its peak memory."""

from __future__ import annotations

import json
import resource
import sys

from briefing.cli import main

if __name__ == "__main__":
    audience, fmt, out = sys.argv[1:4]
    code = main(["export", "--audience", audience, "--format", fmt, "--output", out])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"code": code, "peak_rss_kb": peak}))
    sys.exit(code)
