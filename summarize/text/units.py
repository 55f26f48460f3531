"""Units of measure after a number, in Indonesian and English.

``unit_at(text, end)`` reads the unit word that follows a number ending at ``end``
("50 hektare", "9 mil", "30 °C", "5 km/jam") and gives its canonical name and dimension,
so that a translation that keeps the number but changes the unit ("50 hektare" ->
"50 acres", "10 km" -> "10 miles" without converting) can be told apart from a faithful
one ("50 hectares", "10 kilometres"). One table, both languages: each unit lists its
Indonesian and English names and symbols. Only spellings with one meaning are listed (no bare
"derajat"/"degrees", no "in", no "are"; Indonesian "ons" is 100 g, not an ounce).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Unit:
    """A unit of measure: ``name`` (canonical) and ``dimension`` (what it measures)."""

    name: str
    dimension: str


# canonical name, dimension, spellings (lower case; Indonesian and English)
_TABLE: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("kilometre", "length", ("km", "kilometer", "kilometre", "kilometers", "kilometres")),
    ("metre", "length", ("m", "meter", "metre", "meters", "metres")),
    ("centimetre", "length", ("cm", "sentimeter", "centimeter", "centimetre", "centimeters",
                              "centimetres")),
    ("millimetre", "length", ("mm", "milimeter", "millimeter", "millimetre", "millimeters",
                              "millimetres")),
    ("mile", "length", ("mil", "mile", "miles", "mi")),
    ("foot", "length", ("kaki", "feet", "foot", "ft")),
    ("inch", "length", ("inci", "inch", "inches")),
    ("yard", "length", ("yard", "yards", "yd")),
    ("hectare", "area", ("ha", "hektar", "hektare", "hectare", "hectares")),
    ("acre", "area", ("ekar", "acre", "acres")),
    ("kilogram", "mass", ("kg", "kilogram", "kilograms", "kilo", "kilos")),
    ("gram", "mass", ("g", "gr", "gram", "grams")),
    ("pound", "mass", ("pon", "pound", "pounds", "lb", "lbs")),
    ("ounce", "mass", ("ounce", "ounces", "oz")),
    ("litre", "volume", ("l", "liter", "litre", "liters", "litres")),
    ("gallon", "volume", ("galon", "gallon", "gallons", "gal")),
    ("celsius", "temperature", ("°c", "c", "celsius", "derajat celsius", "degrees celsius",
                                "degree celsius")),
    ("fahrenheit", "temperature", ("°f", "f", "fahrenheit", "derajat fahrenheit",
                                   "degrees fahrenheit", "degree fahrenheit")),
    ("km/h", "speed", ("km/jam", "kpj", "km/h", "kph", "kmh", "kilometer per jam",
                       "kilometers per hour", "kilometres per hour", "km/hour",
                       "kilometers/hour", "kilometres/hour")),
    ("mph", "speed", ("mph", "mil per jam", "mil/jam", "miles per hour", "mile per hour",
                      "miles/hour", "mile/hour")),
)  # fmt: skip

# size of each unit in its dimension's base unit (metre, square metre, kilogram, litre,
# km/h); temperatures convert by formula
_SIZE: dict[str, float] = {
    "kilometre": 1000.0, "metre": 1.0, "centimetre": 0.01, "millimetre": 0.001,
    "mile": 1609.344, "foot": 0.3048, "inch": 0.0254, "yard": 0.9144,
    "hectare": 10_000.0, "acre": 4046.856, "kilogram": 1.0, "gram": 0.001,
    "pound": 0.45359, "ounce": 0.02835, "litre": 1.0, "gallon": 3.78541,
    "km/h": 1.0, "mph": 1.609344,
}  # fmt: skip
#: a converted value may be rounded this much (relative) and still count as converted
ROUNDING = 0.05


def _base(value: float, unit: Unit) -> float:
    if unit.name == "celsius":
        return value
    if unit.name == "fahrenheit":
        return (value - 32.0) * 5.0 / 9.0
    return value * _SIZE[unit.name]


def converted(a: float, unit_a: Unit, b: float, unit_b: Unit) -> bool:
    """Whether ``b unit_b`` is ``a unit_a`` in another unit, rounded ("10 km" = "6 miles",
    "30 °C" = "86 °F")."""
    if unit_a.dimension != unit_b.dimension or unit_a.name == unit_b.name:
        return False
    x, y = _base(a, unit_a), _base(b, unit_b)
    if unit_a.dimension == "temperature":
        return abs(x - y) <= 1.0  # one degree Celsius
    return abs(x - y) <= ROUNDING * max(abs(x), abs(y))


_UNITS: dict[str, Unit] = {
    spelling: Unit(name, dimension)
    for name, dimension, spellings in _TABLE
    for spelling in spellings
}
# longest spellings first, so "km/jam" wins over "km" and "derajat celsius" over "c"
_ALTERNATIVES = sorted(_UNITS, key=len, reverse=True)
_AFTER = re.compile(
    r"[\s\-]?\s*(" + "|".join(re.escape(s).replace(r"\ ", r"\s+") for s in _ALTERNATIVES) + r")"
    r"(?![^\W_])",
    re.IGNORECASE,
)

#: characters of a text read after a number, at most (keeps the check linear)
_WINDOW = 24


def unit_at(text: str, end: int) -> tuple[Unit, int] | None:
    """The unit right after a number that ends at ``end`` of ``text`` ("50 hektare",
    "nine-mile", "30°C") and where the unit ends, or None."""
    m = _AFTER.match(text, end, min(len(text), end + _WINDOW))
    if m is None:
        return None
    unit = _UNITS.get(re.sub(r"\s+", " ", m.group(1).lower()))
    return None if unit is None else (unit, m.end())
