"""The Lubben Social Network Scale-6, answered or estimated from recorded ties.

LSNS-6 (Lubben et al. 2006, *The Gerontologist* 46(4):503-513) asks, for relatives and
then for friends:

1. how many do you see or hear from at least once a month?
2. how many do you feel at ease with to talk about private matters?
3. how many do you feel close to such that you could call on them for help?

Each answer (none, one, two, three or four, five to eight, nine or more) scores 0 to 5;
the total runs 0 to 30. A total **below 12** marks risk of social isolation, and a
family or friends sub-score below 6 marks limited ties on that side.

The proxy counts, from the ties staff recorded: family = ``family`` and ``partner``
relations; friends = every other natural tie (friend, neighbour, volunteer befriender,
other) - never paid care. (1) contact daily, weekly or monthly; (2) circle 1 or strength
4-5; (3) circles 1-2, or an unpaid carer of the person (on the family side when the
person's tie to them is a family one, else the friends side).

Contact or closeness not recorded is not counted (the proxy is a floor); the proxy then
also keeps its *ceiling*, the total were every unrecorded answer yes, so that a person is
never called at risk on what was not recorded (see :mod:`assetmap.analysis.isolation`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from assetmap.analysis.circles import AT_LEAST_MONTHLY, PAID_CIRCLE, Tie
from assetmap.analysis.parameters import PARAMETERS

__all__ = [
    "AT_RISK_BELOW",
    "ITEMS",
    "Lsns6",
    "from_answers",
    "from_counts",
    "item_score",
    "known_or",
    "proxy",
]

ITEMS = (
    "family_monthly", "family_private", "family_help",
    "friends_monthly", "friends_private", "friends_help",
)
AT_RISK_BELOW = PARAMETERS.lsns6_at_risk_below
SUBSCALE_LOW_BELOW = PARAMETERS.lsns6_subscale_low_below
FAMILY_RELATIONS = frozenset({"family", "partner"})
#: closeness (1-5) as an unrecorded one reads: none for the proxy, the closest for its ceiling
NOT_RECORDED_STRENGTH, CLOSEST_STRENGTH = 0, 5
#: upper bound of each answer band: 0, 1, 2, 3-4, 5-8, 9+
_BAND_TOPS = (0, 1, 2, 4, 8)


@dataclass(frozen=True)
class Lsns6:
    """Six item scores (0-5 each, in :data:`ITEMS` order) and where they came from."""

    items: tuple[int, int, int, int, int, int]
    source: Literal["proxy", "questionnaire"] = "proxy"
    #: the counts behind a proxy's items (None for a questionnaire)
    counts: tuple[int, ...] | None = None
    date: str | None = None
    #: a proxy with unrecorded contact or closeness: its total were those answers yes
    ceiling: int | None = None

    def __post_init__(self) -> None:
        if len(self.items) != len(ITEMS) or any(not 0 <= s <= 5 for s in self.items):
            raise ValueError("LSNS-6 needs six item scores between 0 and 5")

    @property
    def family(self) -> int:
        return sum(self.items[:3])

    @property
    def friends(self) -> int:
        return sum(self.items[3:])

    @property
    def total(self) -> int:
        return self.family + self.friends

    @property
    def at_risk(self) -> bool:
        return self.total < AT_RISK_BELOW

    @property
    def at_risk_only_if_not_known_is_no(self) -> bool:
        """At risk on the recorded answers, but not were the unrecorded ones yes."""
        return self.at_risk and self.ceiling is not None and self.ceiling >= AT_RISK_BELOW

    @property
    def family_low(self) -> bool:
        return self.family < SUBSCALE_LOW_BELOW

    @property
    def friends_low(self) -> bool:
        return self.friends < SUBSCALE_LOW_BELOW


def item_score(count: int) -> int:
    """The LSNS-6 score of an answer given as a number of people.

    >>> [item_score(n) for n in (0, 1, 2, 3, 4, 5, 8, 9, 40)]
    [0, 1, 2, 3, 3, 4, 4, 5, 5]
    """
    if count < 0:
        raise ValueError("a number of people cannot be negative")
    for score, top in enumerate(_BAND_TOPS):
        if count <= top:
            return score
    return 5


def from_answers(answers: Sequence[int], date: str | None = None) -> Lsns6:
    """An :class:`Lsns6` from a questionnaire's six scored answers.

    >>> from_answers([1, 1, 1, 2, 2, 2]).total
    9
    """
    return Lsns6(tuple(answers), source="questionnaire", date=date)  # type: ignore[arg-type]


def proxy(ties: Iterable[Tie], carers: Collection[str] = ()) -> Lsns6:
    """Estimate LSNS-6 from recorded ties and unpaid carers.

    Parameters
    ----------
    ties : iterable of Tie
        The person's own ties (their view: circle, relation, contact, strength).
    carers : collection of str
        Ids of unpaid carers who care for the person.

    Examples
    --------
    A widow who sees her daughter daily (circle 1) and a neighbour weekly (circle 3):

    >>> s = proxy([Tie("d", "family", 1, 5, "daily"), Tie("n", "neighbour", 3, 3, "weekly")])
    >>> s.items, s.total, s.at_risk, s.ceiling
    ((1, 1, 1, 1, 0, 0), 4, True, None)

    With how often or how close not recorded, those answers count as no, and the ceiling
    says what they could add:

    >>> s = proxy([Tie("d", "family", 1), Tie("n", "neighbour", 3)])
    >>> s.items, s.ceiling
    ((0, 1, 1, 0, 0, 0), 5)
    """
    floor: tuple[set[str], ...] = tuple(set() for _ in ITEMS)
    ceiling: tuple[set[str], ...] = tuple(set() for _ in ITEMS)
    relation_of: dict[str, str] = {}
    unrecorded = False
    for tie in ties:
        if not counts_as_support(tie.circle, tie.relation == "professional"):
            continue
        side = 0 if tie.relation in FAMILY_RELATIONS else 3
        relation_of.setdefault(tie.other, tie.relation)
        unrecorded = unrecorded or tie.strength is None or tie.contact is None
        for sets, assume in ((floor, False), (ceiling, True)):
            answers = item_answers(tie.circle, *known_or(tie.strength, tie.contact, assume))
            for offset, counted in enumerate(answers):
                if counted:
                    sets[side + offset].add(tie.other)
    for carer in carers:
        for sets in (floor, ceiling):
            sets[carer_item(relation_of.get(carer))].add(carer)
    return from_counts(tuple(len(s) for s in floor),
                       tuple(len(s) for s in ceiling) if unrecorded else None)


def known_or(strength: int | None, contact: str | None, assume: bool) -> tuple[int, bool]:
    """A tie's closeness and whether in touch monthly, an unrecorded answer read as
    ``assume`` (no for the proxy itself, yes for its ceiling).

    >>> known_or(None, None, False), known_or(None, None, True), known_or(2, "yearly", True)
    ((0, False), (5, True), (2, False))
    """
    return ((CLOSEST_STRENGTH if assume else NOT_RECORDED_STRENGTH) if strength is None
            else strength,
            assume if contact is None else contact in AT_LEAST_MONTHLY)


# The rules of the proxy, written once: they work on single values and, elementwise, on
# numpy arrays (the batch run counts a million ties at once with them).


def counts_as_support(circle: Any, professional: Any) -> Any:
    """Paid care (circle 4, professionals) never counts."""
    return np.logical_and(np.less(circle, PAID_CIRCLE), np.logical_not(professional))


def item_answers(circle: Any, strength: Any, at_least_monthly: Any) -> tuple[Any, Any, Any]:
    """Whether a tie counts for items (1) seen monthly, (2) private matters, (3) help."""
    return (at_least_monthly,
            (circle == 1) | (strength >= PARAMETERS.lsns6_private_strength_from),
            circle <= PARAMETERS.lsns6_help_circles_up_to)


def carer_item(relation: str | None) -> int:
    """The help item an unpaid carer counts on: family's for a relative, else friends'."""
    return 2 if relation in FAMILY_RELATIONS else 5


def from_counts(counts: Sequence[int], ceiling_counts: Sequence[int] | None = None) -> Lsns6:
    """An :class:`Lsns6` proxy from the six counts of people (and, when some answers were
    not recorded, the counts were they all yes)."""
    ceiling = None if ceiling_counts is None else sum(item_score(c) for c in ceiling_counts)
    return Lsns6(tuple(item_score(c) for c in counts), counts=tuple(counts),  # type: ignore[arg-type]
                 ceiling=ceiling)


def scores_of_counts(counts: np.ndarray) -> np.ndarray:
    """:func:`item_score` elementwise on an array of counts."""
    return np.searchsorted(np.array(_BAND_TOPS), counts, side="left")
