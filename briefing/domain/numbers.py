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
    r"(?P<num>(\d{1,3}(,\d{3})+|\d+)(\.\d+)?|\.\d+)"
    r"\s*(?P<pct>%)?\s*(?P<mult>[x×])?\s*(?P<scale>[a-zA-Z]+)?\s*(?P<pct2>%)?$"
)
MAX_ABS = Decimal(10) ** 30


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
        return ParsedNumber(Decimal(text))
    if isinstance(text, float):
        # Floats arrive from JSON; their repr is the shortest exact round-trip, so go via str.
        return parse_number(repr(text), field)
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


def _check_finite(value: Decimal, field: str) -> None:
    if not value.is_finite():
        raise ValidationError(FieldError(field, "must be a finite number"))
    if abs(value) >= MAX_ABS:
        raise ValidationError(FieldError(field, "is too large"))


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
    if value == value.to_integral_value():
        return f"{value.quantize(Decimal(1)):f}"
    text = f"{value.normalize():f}"
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
