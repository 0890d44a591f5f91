"""Every tolerance and word list the checks judge by, in one place so a reviewer can argue with them."""

from __future__ import annotations

import re
from decimal import Decimal

# "nearly twice": the data may fall short of the stated figure by at most this share, never exceed it.
NEARLY_UNDER = Decimal("0.10")
# "about 6%", "roughly double": the data may sit this share either side of the stated figure.
ABOUT = Decimal("0.10")
# A derived claim with no qualifier ("twice", "6%" computed from two metrics) is read as exact but
# for rounding: this share either side.
PLAIN = Decimal("0.05")

# Qualifiers, as the words that precede a number in prose, mapped to how the claim is judged.
QUALIFIERS: dict[str, str] = {
    "nearly": "nearly",
    "almost": "nearly",
    "close to": "nearly",
    "just under": "nearly",
    "about": "about",
    "approximately": "about",
    "roughly": "about",
    "around": "about",
    "some": "about",
    "an estimated": "about",
    "more than": "more than",
    "over": "more than",
    "above": "more than",
    "exceeding": "more than",
    "surpassed": "more than",
    "surpass": "more than",
    "passed": "more than",
    "at least": "at least",
    "up to": "up to",
    "at most": "up to",
    "less than": "less than",
    "under": "less than",
    "fewer than": "less than",
    "below": "less than",
}

# A metric is a total (of which another plotted figure may be a part) when its name says so.
TOTAL_WORDS = re.compile(r"\b(total|all models|overall|combined|in all|all products)\b", re.IGNORECASE)
# A flow measured up to a date rather than within one period.
CUMULATIVE_WORDS = re.compile(r"\b(cumulative|cumulatively|through (?:19|20)\d\d|by (?:19|20)\d\d|total to)\b",
                              re.IGNORECASE)
# A chart title's claim that one plotted item beats the rest.
COMPARATIVES = re.compile(r"\b(leads?|largest|biggest|highest|tops)\b", re.IGNORECASE)

# Units that are levels or ratios, not flows over time: no time basis to compare.
LEVEL_UNITS = frozenset({"%", "×", "x", "1/x", "year", "years"})
# Duration words and their length in days (a month and a year on average).
DURATION_DAYS: dict[str, Decimal] = {
    "day": Decimal(1),
    "week": Decimal(7),
    "month": Decimal("30.4375"),
    "year": Decimal("365.25"),
}

# Stock phrases: a run of two or more content words (no name, number or function word between them)
# that one briefing prints this many times or more. Measured on the seed's four briefings: at three
# the hits were mostly plain noun phrases any writer reuses ("power grid", "first month", "cloud
# providers"); at four they were the phrases an editor strikes ("vanity metric", "real commercial
# returns", "transactable value", "brute-force compute") and the terms of art below.
PHRASE_COUNT = 4
# Terms of art name the briefing's subject and have to recur. Besides these, any run of words that
# the library uses to name things (metric labels, tags, chart titles, section titles) is a term.
TERMS_OF_ART: tuple[str, ...] = ("open-weight models", "open-source models", "frontier models", "frontier labs",
                                 "algorithmic efficiency", "chip supply")
