"""Welsh mutations where a sentence is built from a name: "i Lanidloes", "yng Nghapel
Bethesda", "ag Alun".

A Welsh catalogue entry such as ``"o fewn %(km)s km i %(place)s"`` is filled with a name
that the translator never saw. In Welsh the word before a name can change the name's first
letter (a mutation) and can itself change ("â" before a vowel is "ag"). :func:`fill` fills
a Welsh template doing both, from the word written before each placeholder; every Welsh
message goes through it (the web pages, the API, the command line).

Place names mutate (``PLACE_FIELDS``); people's names keep their spelling, as official
Welsh usually writes them, but the word before them still changes ("ag Alun").
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from markupsafe import Markup

#: placeholders that hold a place's or a venue's name, or a listing's (a group, a place,
#: an activity: "am Glwb Cinio"): these mutate
PLACE_FIELDS = frozenset({"place", "town", "venue", "where", "area", "region", "listing"})

_SOFT = {"p": "b", "t": "d", "c": "g", "b": "f", "d": "dd", "g": "", "m": "f", "ll": "l",
         "rh": "r"}
_NASAL = {"p": "mh", "t": "nh", "c": "ngh", "b": "m", "d": "n", "g": "ng"}
_ASPIRATE = {"p": "ph", "t": "th", "c": "ch"}
_MUTATIONS = {"soft": _SOFT, "nasal": _NASAL, "aspirate": _ASPIRATE}
#: initial letters that never mutate (Welsh digraphs that are letters of their own)
_FIXED = ("ch", "dd", "ff", "ng", "ph", "th")
#: the word before a name -> the mutation it causes
TRIGGERS = {
    **dict.fromkeys(("am", "ar", "at", "gan", "heb", "i", "o", "dan", "dros", "drwy", "trwy",
                     "wrth", "hyd", "tan", "dau", "dwy"), "soft"),
    **dict.fromkeys(("â", "a", "gyda", "efo", "tua", "na"), "aspirate"),
    "yn": "nasal",  # before a place's name "yn" means "in" (the predicative "yn" is
                    # never written before a placeholder in our catalogue)
}
#: words that gain a letter before a vowel
_BEFORE_VOWEL = {"â": "ag", "a": "ac", "gyda": "gydag", "tua": "tuag", "na": "nag"}
#: vowels for "â"/"ag": not "w" (a name's "W" is a consonant: "â William")
_VOWELS = "aeiouyâêîôûŷáéíóúàèìòù"
_PLACEHOLDER = re.compile(
    r"(?P<word>(?<![\w’'])(?:" + "|".join(sorted(map(re.escape, TRIGGERS), key=len,
                                                   reverse=True))
    + r")) %\((?P<name>\w+)\)s", re.IGNORECASE)


def mutate(word: str, mutation: str) -> str:
    """``word`` with its first letter mutated (``"soft"``, ``"nasal"`` or ``"aspirate"``),
    keeping a capital a capital.

    >>> mutate("Llanidloes", "soft"), mutate("Capel Bethesda", "nasal")
    ('Lanidloes', 'Nghapel Bethesda')
    >>> mutate("Gwynedd", "soft"), mutate("Thomas", "soft"), mutate("Newtown", "nasal")
    ('Wynedd', 'Thomas', 'Newtown')
    """
    table = _MUTATIONS[mutation]
    lower = word.lower()
    if not word or lower.startswith(_FIXED):
        return word
    initial = next((start for start in sorted(table, key=len, reverse=True)
                    if lower.startswith(start)), None)
    if initial is None:
        return word
    rest = word[len(initial):]
    changed = table[initial]
    if not word[0].isupper():
        return changed + rest
    if changed:
        return changed[0].upper() + changed[1:] + rest
    return rest[:1].upper() + rest[1:]  # soft "G" goes: "Gwynedd" -> "Wynedd"


def _before(word: str, following: str) -> str:
    """The trigger word as written before ``following`` (``"â"`` -> ``"ag"`` before a
    vowel, ``"yn"`` -> ``"ym"``/``"yng"`` before a nasal)."""
    first = following[:1].lower()
    lower = word.lower()
    if lower in _BEFORE_VOWEL and first and first in _VOWELS:
        changed = _BEFORE_VOWEL[lower]
    elif lower == "yn" and following.lower().startswith(("ng", "ngh")):
        changed = "yng"
    elif lower == "yn" and first == "m":
        changed = "ym"
    else:
        return word
    return changed[0].upper() + changed[1:] if word[0].isupper() else changed


def _opening_tag(value: str) -> tuple[str, str]:
    """``value`` split into a leading tag of markup (``<a href="...">``), if any, and the
    rest."""
    if isinstance(value, Markup) and value.startswith("<") and ">" in value:
        end = value.index(">") + 1
        return str(value[:end]), str(value[end:])
    return "", str(value)


def fill(template: str, values: Mapping[str, object]) -> str:
    """``template % values`` in Welsh: each place's name after a trigger word mutated, and
    the trigger word fitted to what follows it. ``template`` may be markup (its values are
    then escaped, as ``%`` does).

    >>> fill("o fewn %(km)s km i %(place)s", {"km": 5, "place": "Llanidloes"})
    'o fewn 5 km i Lanidloes'
    >>> fill("yn %(place)s", {"place": "Capel Bethesda"})
    'yng Nghapel Bethesda'
    >>> fill("Siarad â %(name)s", {"name": "Alun"})
    'Siarad ag Alun'
    """
    extra: dict[str, object] = {}

    def fitted(match: re.Match[str]) -> str:
        name, word = match.group("name"), match.group("word")
        value = values.get(name)
        if not isinstance(value, str) or not value:
            return match.group(0)
        # a link around a name (markup): the name is its first text
        tag, text = _opening_tag(value)
        shown = mutate(text, TRIGGERS[word.lower()]) if name in PLACE_FIELDS else text
        key = f"{name}__{len(extra)}"
        # markup stays markup: only an initial letter of already-escaped text changes
        extra[key] = Markup(tag + shown) if isinstance(value, Markup) else shown  # noqa: S704
        return f"{_before(word, shown)} %({key})s"

    rebuilt = _PLACEHOLDER.sub(fitted, str(template))
    if not extra:
        return template % values
    rebuilt_template = Markup(rebuilt) if isinstance(template, Markup) else rebuilt  # noqa: S704
    return rebuilt_template % {**values, **extra}
