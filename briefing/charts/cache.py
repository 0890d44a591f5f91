"""The chart byte cache: files under user_cache_dir()/charts keyed by a hash of everything that shapes them."""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path

from briefing.charts.data import ChartData
from briefing.charts.sizes import ChartSize
from briefing.domain.charts import ChartSpec
from briefing.fileio import atomic_write
from briefing.paths import user_cache_dir
from briefing.theme import Theme

# Bump when a change to the drawing code changes output for the same inputs.
RENDERER_VERSION = "3"
MAX_CACHE_BYTES = 256 * 1024 * 1024
_PRUNE_EVERY = 64


def cache_key(
    spec: ChartSpec,
    data: ChartData,
    theme: Theme,
    fmt: str,
    size: ChartSize,
    *,
    transparent: bool,
    chrome: bool = True,
) -> str:
    """SHA-256 over the rendering inputs; position and audiences are left out as they change no pixel."""
    spec_part = spec.to_dict()
    spec_part.pop("position", None)
    spec_part.pop("audiences", None)
    spec_part.pop("size", None)  # the resolved size below is what counts
    payload = {
        "v": RENDERER_VERSION,
        "mpl": _matplotlib_version(),
        "spec": spec_part,
        "data": data_dict(data),
        "theme": theme.fingerprint(),
        "fmt": fmt,
        "size": size.key(),
        "transparent": transparent,
        "chrome": chrome,
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@lru_cache(maxsize=1)
def _matplotlib_version() -> str:
    # From the installed metadata: importing matplotlib costs ~0.5 s, a cache hit must not pay it.
    from importlib.metadata import version

    return version("matplotlib")


def data_dict(data: ChartData) -> dict[str, object]:
    return {
        "points": [
            [str(p.ref), p.series, p.label, p.entity, format(p.value, "f"), p.unit,
             p.scale.value if p.scale else None, p.period, p.as_of.isoformat() if p.as_of else None]
            for p in data.points
        ],
        "source": data.source,
        "warnings": list(data.warnings),
    }


class ChartCache:
    """Content-addressed files; a write lands whole or not at all (temp file + os.replace)."""

    def __init__(self, root: Path | None = None) -> None:
        self._root = root
        self._writes = 0

    @property
    def root(self) -> Path:
        # Resolved on use, not at import: BRIEFING_CACHE may change (tests, a settings dialog).
        root = self._root or user_cache_dir() / "charts"
        root.mkdir(parents=True, exist_ok=True)
        return root

    def path(self, key: str, fmt: str) -> Path:
        return self.root / f"{key}.{fmt}"

    def get(self, key: str, fmt: str) -> bytes | None:
        try:
            path = self.path(key, fmt)
            data = path.read_bytes()
        except OSError:  # missing, or a cache folder that cannot be created: render instead
            return None
        try:
            os.utime(path)  # keeps pruning least-recently-used rather than oldest
        except OSError:
            pass
        return data

    def get_warnings(self, key: str, fmt: str) -> tuple[str, ...]:
        """The warnings the render that produced these bytes reported (kept beside them)."""
        try:
            raw = json.loads((self.root / f"{key}.{fmt}.warnings.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return ()
        return tuple(str(w) for w in raw) if isinstance(raw, list) else ()

    def put(self, key: str, fmt: str, data: bytes, warnings: tuple[str, ...] = ()) -> Path | None:
        """Store bytes; returns None when the cache folder is not writable (rendering still succeeds)."""
        try:
            target = self.path(key, fmt)
            side = self.root / f"{key}.{fmt}.warnings.json"
            if warnings:
                # Written first: whoever sees the bytes also sees their warnings.
                atomic_write(side, json.dumps(list(warnings), ensure_ascii=False).encode("utf-8"), durable=False)
            atomic_write(target, data, durable=False)
        except OSError:
            return None
        self._writes += 1
        if self._writes % _PRUNE_EVERY == 0:
            self.prune()
        return target

    def prune(self, max_bytes: int = MAX_CACHE_BYTES) -> int:
        """Delete the least recently used files beyond max_bytes; returns how many went."""
        try:
            entries = [(p.stat(), p) for p in self.root.iterdir() if p.is_file() and not p.name.startswith(".")]
        except OSError:
            return 0
        total = sum(st.st_size for st, _ in entries)
        removed = 0
        for st, p in sorted(entries, key=lambda e: e[0].st_mtime):
            if total <= max_bytes:
                break
            try:
                p.unlink()
            except OSError:
                continue
            total -= st.st_size
            removed += 1
        return removed

    def clear(self) -> None:
        for p in self.root.iterdir():
            if p.is_file():
                p.unlink(missing_ok=True)
