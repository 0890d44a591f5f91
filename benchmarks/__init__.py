"""Briefing's benchmark suite: `python -m benchmarks` measures, compares with peers, writes docs/performance.md."""
