"""Text hygiene at the boundary: every string a user types passes through `clean_text` once."""

from __future__ import annotations

import re
import unicodedata

from briefing.domain.errors import FieldError, ValidationError

# C0/C1 controls except tab and newline, plus DEL; NUL is among them.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SLUG_STRIP = re.compile(r"[^a-z0-9]+")
# Invisible format characters that carry no meaning in a briefing's text and break renderers
# (matplotlib's PDF backend fails on U+FEFF): byte-order mark / zero-width no-break space, zero-width
# space, word joiner and invisible operators, Mongolian vowel separator, deprecated format
# controls, interlinear annotation marks. ZWJ/ZWNJ (emoji, Persian, Indic), bidi marks and the
# soft hyphen do carry meaning and stay.
INVISIBLE = re.compile("[\ufeff\u200b\u2060-\u2064\u180e\u206a-\u206f\ufff9-\ufffb]")

MAX_TITLE = 300
MAX_STATEMENT = 100_000
MAX_SHORT = 200
MAX_URL = 2_000


def repair_surrogates(text: str) -> str:
    """Join valid surrogate pairs and replace lone surrogates with U+FFFD."""
    if not any("\ud800" <= ch <= "\udfff" for ch in text):
        return text
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def clean_text(
    value: object,
    field: str,
    *,
    max_length: int = MAX_SHORT,
    multiline: bool = False,
    required: bool = False,
) -> str:
    """NFC-normalise, repair surrogates, unify newlines, drop control characters, check length."""
    if value is None:
        text = ""
    elif isinstance(value, str):
        text = value
    else:
        text = str(value)
    text = repair_surrogates(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    if multiline:
        text = _CONTROL.sub("", text)
        text = "\n".join(line.rstrip() for line in text.split("\n")).strip()
    else:
        text = _CONTROL_SINGLE_LINE.sub(" ", text.replace("\n", " ").replace("\t", " "))
        text = re.sub(r" {2,}", " ", text).strip()
    if required and not text:
        raise ValidationError(FieldError(field, "is required"))
    if len(text) > max_length:
        raise ValidationError(
            FieldError(field, f"is {len(text):,} characters long; the limit is {max_length:,}")
        )
    return text


def slugify(text: str, max_length: int = 80) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _SLUG_STRIP.sub("-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "finding"


def clean_tags(value: object, field: str = "tags") -> tuple[str, ...]:
    """Tags from a list or a comma-separated string: trimmed, lower-cased, de-duplicated."""
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)  # type: ignore[arg-type]
    tags: list[str] = []
    for i, item in enumerate(items):
        tag = clean_text(item, f"{field}.{i}", max_length=60).lower()
        if tag and tag not in tags:
            tags.append(tag)
    return tuple(tags)
