"""Text hygiene at the boundary: every string a user types passes through `clean_text` once."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

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
_SURROGATE = re.compile("[\ud800-\udfff]")
_SPACES = re.compile(r" {2,}")

MAX_TITLE = 300
MAX_STATEMENT = 100_000
MAX_SHORT = 200
MAX_URL = 2_000


def repair_surrogates(text: str) -> str:
    """Join valid surrogate pairs and replace lone surrogates with U+FFFD."""
    # A regex, not a loop over characters: this runs on every string of a 100k-finding import.
    if text.isascii() or not _SURROGATE.search(text):
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
    if _already_clean(text):  # most text is; the checks below cost ~25 µs a field on a 100k import
        return _checked(text, field, max_length, required)
    text = repair_surrogates(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    if multiline:
        text = _CONTROL.sub("", text)
        text = "\n".join(line.rstrip() for line in text.split("\n")).strip()
    else:
        text = _CONTROL_SINGLE_LINE.sub(" ", text.replace("\n", " ").replace("\t", " "))
        text = _SPACES.sub(" ", text).strip()
    return _checked(text, field, max_length, required)


def _already_clean(text: str) -> bool:
    """True when cleaning would not change `text`: one line of printable characters (no controls,
    tabs or newlines, hence no surrogates either, nor INVISIBLE's format characters), in NFC, with no
    doubled or outer spaces."""
    return (text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "
            and unicodedata.is_normalized("NFC", text))


def _checked(text: str, field: str, max_length: int, required: bool) -> str:
    if required and not text:
        raise ValidationError(FieldError(field, "is required"))
    if len(text) > max_length:
        raise ValidationError(
            FieldError(field, f"is {len(text):,} characters long; the limit is {max_length:,}")
        )
    return text


def slugify(text: str, max_length: int = 63) -> str:
    """A key from a title: ASCII words joined by '-', cut at a word within `max_length` (a key's
    limit is 63). Letters with no ASCII form (成本, Ωμέγα) would vanish and make different titles
    one slug, so then a short hash of the whole title is appended: `finding-3f2a1c0b`, `deepseek-9c1e2d47`."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii")
    slug = _SLUG_STRIP.sub("-", ascii_text.lower()).strip("-")
    lost = not decomposed.isascii() and any(ch.isalnum() and not ch.isascii() for ch in decomposed)
    suffix = ""
    if lost or not slug:
        import hashlib

        suffix = "-" + hashlib.sha256(unicodedata.normalize("NFC", text).encode("utf-8")).hexdigest()[:8]
    room = max_length - len(suffix)
    if len(slug) > room:
        cut = slug[: room + 1]
        slug = cut[: cut.rfind("-")] if "-" in cut[1:] else slug[:room]
    slug = slug.rstrip("-") or "finding"
    return slug + suffix


def clean_tags(value: object, field: str = "tags") -> tuple[str, ...]:
    """Tags from a list or a comma-separated string: trimmed, lower-cased, de-duplicated."""
    if value is None:
        return ()
    if isinstance(value, str):
        items: list[object] = list(value.split(","))
    elif isinstance(value, Iterable):
        items = list(value)
    else:
        raise ValidationError(FieldError(field, "must be a list or comma-separated text"))
    tags: list[str] = []
    for i, item in enumerate(items):
        tag = clean_text(item, f"{field}.{i}", max_length=60).lower()
        if tag and tag not in tags:
            tags.append(tag)
    return tuple(tags)


_OPEN_BEFORE = " \t\n([{“‘—–/"


def typographic(text: str) -> str:
    """Straight quotes and spaced hyphens as a typesetter sets them: ’ ‘ “ ” and an en dash.

    An apostrophe inside or at the end of a word is ’ (China’s, the ’90s); a quote opens after a
    space or an opening bracket and closes otherwise; " - " is a spaced en dash, "--" an em dash.
    """
    if "'" not in text and '"' not in text and "-" not in text:
        return text
    text = text.replace(" - ", " – ").replace("--", "—")
    out: list[str] = []
    for i, ch in enumerate(text):
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if ch == "'":
            # An apostrophe before a digit ('90s) is elided, not opened: ’.
            opens = before in _OPEN_BEFORE and after.isalpha()
            out.append("‘" if opens else "’")
        elif ch == '"':
            out.append("“" if before in _OPEN_BEFORE else "”")
        else:
            out.append(ch)
    return "".join(out)
