"""Numbers as people type them and as a briefing prints them. Values are Decimal, never float."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from briefing.domain.errors import FieldError, ValidationError


class Scale(enum.StrEnum):
    THOUSAND = "thousand"
    MILLION = "million"
    BILLION = "billion"
    TRILLION = "trillion"

    @property
    def factor(self) -> Decimal:
        return _SCALE_FACTORS[self]

    @property
    def suffix(self) -> str:
        return _SCALE_SUFFIX[self]


_SCALE_FACTORS = {
    Scale.THOUSAND: Decimal(10) ** 3,
    Scale.MILLION: Decimal(10) ** 6,
    Scale.BILLION: Decimal(10) ** 9,
    Scale.TRILLION: Decimal(10) ** 12,
}
_SCALE_SUFFIX = {Scale.THOUSAND: "K", Scale.MILLION: "M", Scale.BILLION: "B", Scale.TRILLION: "T"}

_SCALE_WORDS = {
    "k": Scale.THOUSAND,
    "thousand": Scale.THOUSAND,
    "m": Scale.MILLION,
    "mn": Scale.MILLION,
    "million": Scale.MILLION,
    "b": Scale.BILLION,
    "bn": Scale.BILLION,
    "billion": Scale.BILLION,
    "t": Scale.TRILLION,
    "tn": Scale.TRILLION,
    "trillion": Scale.TRILLION,
}
_CURRENCY_PREFIX = {"$": "USD", "US$": "USD", "¥": "CNY", "CN¥": "CNY", "RMB": "CNY", "€": "EUR", "£": "GBP"}
_CURRENCY_SYMBOL = {"USD": "$", "CNY": "¥", "EUR": "€", "GBP": "£"}
_MINUS = "\u2212\u2012\u2013\u2014\ufe63\uff0d"
_NUMBER = re.compile(
    r"^(?P<sign>[-+]?)\s*(?P<cur>US\$|CN¥|RMB|\$|¥|€|£)?\s*(?P<sign2>[-+]?)"
    r"(?P<num>((\d{1,3}(,\d{3})+|\d+)(\.\d+)?|\.\d+)(?:[eE][-+]?\d{1,6})?)"
    r"\s*(?P<pct>%)?\s*(?P<mult>[x×])?\s*(?P<scale>[a-zA-Z]+)?\s*(?P<pct2>%)?$"
)
# One bound for every way a value comes in (form, --metric flag, JSON, CSV, the service): what
# Decimal's default 28-digit context holds exactly, so that every later sum, comparison and format
# is exact. At most 28 significant digits, below 10^28 in size, and no finer than 10^-28.
MAX_DIGITS = 28
MAX_ABS = Decimal(10) ** MAX_DIGITS
MIN_EXPONENT = -MAX_DIGITS


@dataclass(frozen=True)
class ParsedNumber:
    value: Decimal
    scale: Scale | None = None
    unit: str | None = None


def parse_number(text: object, field: str = "value") -> ParsedNumber:
    """Parse "1,234.5", "1.2 trillion", "61%", "$0.028", "−5", "6.7×"; refuse nan, inf, "" and words."""
    if isinstance(text, Decimal):
        _check_finite(text, field)
        return ParsedNumber(text)
    if isinstance(text, bool):
        raise ValidationError(FieldError(field, "must be a number"))
    if isinstance(text, int):
        # Whole numbers from JSON: bounded before Decimal() (10**400 is a valid JSON number).
        if abs(text) >= 10**MAX_DIGITS:
            raise ValidationError(FieldError(field, _TOO_LARGE))
        return ParsedNumber(Decimal(text))
    if isinstance(text, float):
        # Floats arrive from JSON; their repr is the shortest exact round-trip ("1e-05" for 0.00001).
        value = Decimal(repr(text))
        _check_finite(value, field)
        return ParsedNumber(value)
    raw = str(text or "").strip()
    if not raw:
        raise ValidationError(FieldError(field, "is empty; enter a number such as 5.16 or 61%"))
    for ch in _MINUS:
        raw = raw.replace(ch, "-")
    raw = raw.replace("\u00a0", " ").replace("\u202f", " ")
    m = _NUMBER.match(raw)
    if not m:
        raise ValidationError(FieldError(field, f"“{_clip(raw)}” is not a number"))
    if m["sign"] and m["sign2"]:
        raise ValidationError(FieldError(field, f"“{_clip(raw)}” has two signs"))
    try:
        value = Decimal(m["num"].replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the regex admits only digits
        raise ValidationError(FieldError(field, f"“{_clip(raw)}” is not a number")) from None
    if "-" in (m["sign"], m["sign2"]):
        value = -value
    scale = None
    if m["scale"]:
        scale = _SCALE_WORDS.get(m["scale"].lower())
        if scale is None:
            raise ValidationError(
                FieldError(field, f"“{m['scale']}” is not a scale; use thousand, million, billion or trillion")
            )
    unit = None
    if m["pct"] or m["pct2"]:
        unit = "%"
    elif m["mult"]:
        unit = "×"
    if m["cur"]:
        if unit == "%":
            raise ValidationError(FieldError(field, f"“{_clip(raw)}” mixes a currency and a percentage"))
        unit = _CURRENCY_PREFIX[m["cur"]]
    _check_finite(value, field)
    return ParsedNumber(value, scale, unit)


_TOO_LARGE = f"is too large; the limit is {MAX_DIGITS} digits before the decimal point"


def _check_finite(value: Decimal, field: str) -> None:
    """The one bound (see MAX_DIGITS); every message names the field."""
    if not value.is_finite():
        raise ValidationError(FieldError(field, "must be a finite number"))
    check_bounds(value, field)


def check_bounds(value: Decimal, field: str, what: str = "") -> None:
    """Refuse a value Decimal's 28-digit arithmetic would round; `what` says how it was scaled."""
    if not value:
        return
    # adjusted() and as_tuple() read the digits as written: no arithmetic, so no rounding here.
    _sign, digits, exponent = value.as_tuple()
    while len(digits) > 1 and digits[-1] == 0:  # trailing zeros are not significant
        digits = digits[:-1]
        exponent += 1  # type: ignore[operator]
    if len(digits) > MAX_DIGITS:
        raise ValidationError(FieldError(
            field, f"has {len(digits)} significant digits; at most {MAX_DIGITS} significant digits are kept exactly"))
    if value.adjusted() >= MAX_DIGITS:
        raise ValidationError(FieldError(field, _TOO_LARGE + what))
    if exponent < MIN_EXPONENT:  # type: ignore[operator]
        raise ValidationError(FieldError(
            field, f"is too small; at most {MAX_DIGITS} digits after the decimal point (0.{'0' * 27}1)"))


def _clip(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def parse_scale(value: object, field: str = "scale") -> Scale | None:
    if value is None or value == "":
        return None
    if isinstance(value, Scale):
        return value
    scale = _SCALE_WORDS.get(str(value).strip().lower())
    if scale is None:
        raise ValidationError(
            FieldError(field, f"“{_clip(str(value))}” is not a scale; use thousand, million, billion or trillion")
        )
    return scale


def plain(value: Decimal) -> str:
    """A Decimal without exponent or trailing zeros: 5.160 -> "5.16", 1E+2 -> "100"."""
    # No arithmetic (quantize/normalize round to the 28-digit context): format the digits as they
    # are and drop the zeros after the point, so a computed value of any size formats exactly.
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def group(value: Decimal) -> str:
    """Thousands separators on the integer part: 600000 -> "600,000"."""
    text = plain(value)
    sign = "-" if text.startswith("-") else ""
    text = text.lstrip("-")
    whole, _, frac = text.partition(".")
    whole = f"{int(whole):,}"
    return sign + whole + ("." + frac if frac else "")


def format_quantity(value: Decimal, unit: str, scale: Scale | None, compact: bool = True) -> str:
    """How a briefing prints a metric: compact "140T", "$0.028", "61%", "6.7×"; long "140 trillion tokens"."""
    unit = unit or ""
    # Years and quarters read as labels, not quantities: "2027", never "2,027".
    number = plain(value) if unit in ("year", "years") and abs(value) < 10_000 else group(value)
    if unit == "year":
        return number
    if unit == "%":
        return f"{number}%"
    if unit == "1/x":
        # Fractions the report states as "one-sixth" are stored by their denominator.
        return f"1/{number}"
    if unit in ("×", "x"):
        return f"{number}×"
    symbol = _CURRENCY_SYMBOL.get(unit)
    if compact:
        body = number + (scale.suffix if scale else "")
        if symbol:
            return f"{symbol}{body}"
        return body
    words = f"{number} {scale.value}" if scale else number
    if symbol:
        return f"{symbol}{words}"
    if unit:
        return f"{words} {unit}"
    return words
