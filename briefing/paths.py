"""Where the project's shipped resources (data, templates, assets) and the user's files live."""

from __future__ import annotations

import os
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent

ASSETS = _ROOT / "assets"
TEMPLATES = _ROOT / "templates"
SEED_DATA = _ROOT / "data"
FONTS = ASSETS / "fonts"

APP_NAME = "Briefing"
APP_AUTHOR = "Briefing"


def user_data_dir() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, APP_AUTHOR, ensure_exists=True)


def user_cache_dir() -> Path:
    override = os.environ.get("BRIEFING_CACHE")
    if override:
        path = Path(override)
        path.mkdir(parents=True, exist_ok=True)
        return path
    from platformdirs import user_cache_path

    return user_cache_path(APP_NAME, APP_AUTHOR, ensure_exists=True)
