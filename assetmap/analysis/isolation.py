"""Risk of isolation for one person, and breakdown risk for one carer, with reasons.

Everything here is a pure function of what the caller read about the person; the batch
run (:mod:`assetmap.analysis.batch`) and the on-demand recompute feed it the same facts.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from assetmap.analysis import lsns6 as lsns
from assetmap.analysis.circles import PAID_CIRCLE, Fragility, Tie, natural_support
from assetmap.analysis.parameters import PARAMETERS
from assetmap.analysis.reasons import THRESHOLDS, Reason

__all__ = [
    "CARER_HEAVY_HOURS",
    "CARER_SUBSTANTIAL_HOURS",
    "THIN_CIRCLE_BELOW",
    "Assessment",
    "CarerRisk",
    "assess",
    "assess_ties",
    "carer_risk",
]

#: bands of unpaid care used by the 2021 Census (ONS: 19 or less, 20-49, 50 or more hours
#: a week); carers giving 50+ hours report bad health about twice as often as non-carers
CARER_SUBSTANTIAL_HOURS = PARAMETERS.carer_substantial_hours
CARER_HEAVY_HOURS = PARAMETERS.carer_heavy_hours
#: a carer's own natural circle (besides those they care for) is thin below this many
THIN_CIRCLE_BELOW = PARAMETERS.carer_thin_circle_below


@dataclass(frozen=True)
class Assessment:
    """One person's LSNS-6 (proxy or questionnaire), structural signals and reasons."""

    person_id: str
    lsns6: lsns.Lsns6
    fragility: Fragility
    reasons: tuple[Reason, ...]
    nearest_activity_m: float | None = None
    cut_off: bool = False
    #: why no score is given (a ``not_assessed_*`` reason code), or None when assessed
    not_assessed: str | None = None

    @property
    def assessed(self) -> bool:
        return self.not_assessed is None

    @property
    def isolation_risk(self) -> bool | None:
        """At risk, not at risk, or None: not assessed."""
        return self.lsns6.at_risk if self.assessed else None

    @property
    def codes(self) -> list[str]:
        return [reason.code for reason in self.reasons]


@dataclass(frozen=True)
class CarerRisk:
    """A carer's breakdown risk: ``none``, ``raised``, ``high`` or ``not_known``, and why
    (what could not be known is among the reasons)."""

    level: Literal["none", "raised", "high", "not_known"]
    hours: float
    reasons: tuple[Reason, ...] = field(default=())

    @property
    def at_risk(self) -> bool:
        """Raised or high: "carers at risk" counts both."""
        return self.level in ("raised", "high")


def assess(
    person_id: str,
    score: lsns.Lsns6,
    fragility: Fragility,
    *,
    natural_members: int,
    paid_members: int = 0,
    lives_alone: bool | None = None,
    participation: int = 0,
    nearest_activity_m: float | None = None,
    reach_m: float | None = None,
    cut_off: bool = False,
    age: int | None = None,
    what_matters: bool = False,
) -> Assessment:
    """Assess one person's risk of social isolation and give the reasons.

    A score is given only where it can be: the person is of an age the LSNS-6 was
    validated for (``lsns6_min_age`` and over, known), and either a questionnaire was
    recorded, or a "what matters" conversation was, or at least ``estimate_needs_people``
    people are recorded in their circle (the estimate from recorded ties is a floor:
    with less it would read missing records as isolation). Otherwise the person is *not
    assessed*, with the reason; the structural signals (fragile circle, no natural support,
    lives alone...) are facts about what was recorded and are given either way.

    Parameters
    ----------
    person_id : str
    score : Lsns6
        The person's LSNS-6: a recorded questionnaire, else the proxy from ties.
    fragility : Fragility
        From :func:`assetmap.analysis.circles.fragility`.
    natural_members, paid_members : int
        People in circles 1-3 (with unpaid carers), and in circle 4.
    lives_alone : bool or None
    participation : int
        Groups the person belongs to plus activities they attend.
    nearest_activity_m, reach_m : float or None
        Distance to the nearest suitable activity, and how far counts as within reach.
    cut_off : bool
        The person is in a cluster cut off from the community's main network.
    age : int or None
        Years old, if a year of birth is recorded.
    what_matters : bool
        A "what matters" conversation with them is recorded.

    Returns
    -------
    Assessment

    Examples
    --------
    >>> a = assess("p", lsns.from_counts([0] * 6), Fragility(False, None, 0.0, 0),
    ...            natural_members=0, paid_members=1, lives_alone=True, age=80,
    ...            what_matters=True)
    >>> a.isolation_risk, a.codes[:4]
    (True, ['lsns6_at_risk', 'lsns6_family_low', 'lsns6_friends_low', 'only_paid_support'])
    >>> b = assess("p", lsns.from_counts([0] * 6), Fragility(False, None, 0.0, 0),
    ...            natural_members=0, paid_members=1, lives_alone=True, age=80)
    >>> b.isolation_risk, b.codes[:2]
    (None, ['not_assessed_too_little', 'only_paid_support'])
    """
    reasons: list[Reason] = []
    why_not = not_assessed_reason(score, age, what_matters, natural_members + paid_members)
    if why_not:
        reasons.append(Reason(why_not, {"total": score.total, **{
            key: THRESHOLDS[key] for key in ("min_age", "needs", "cut_off")}}))
    else:
        if score.at_risk:
            reasons.append(Reason("lsns6_at_risk", {"total": score.total,
                                                    "cut_off": THRESHOLDS["cut_off"]}))
        if score.family_low:
            reasons.append(Reason("lsns6_family_low", {"family": score.family,
                                                       "low_below": THRESHOLDS["low_below"]}))
        if score.friends_low:
            reasons.append(Reason("lsns6_friends_low", {"friends": score.friends,
                                                        "low_below": THRESHOLDS["low_below"]}))
        if score.source == "questionnaire":
            reasons.append(Reason("lsns6_questionnaire", {"date": score.date or "?"}))
    if fragility.fragile and fragility.key_person:
        reasons.append(Reason("fragile_circle", {
            "key_person": fragility.key_person,
            "lost_percent": round(100 * fragility.lost_share),
        }))
    if not natural_members:
        if paid_members:
            reasons.append(Reason("only_paid_support", {"paid": paid_members}))
        else:
            reasons.append(Reason("no_natural_support"))
    if participation == 0:
        reasons.append(Reason("no_participation"))
    if lives_alone:
        reasons.append(Reason("lives_alone"))
    if reach_m is not None:
        if nearest_activity_m is None:
            reasons.append(Reason("no_activity_known"))
        elif nearest_activity_m > reach_m:
            reasons.append(Reason("no_activity_within_reach", {
                "distance_km": round(nearest_activity_m / 1000, 1),
                "reach_km": round(reach_m / 1000, 1),
            }))
    if cut_off:
        reasons.append(Reason("cut_off"))
    return Assessment(person_id, score, fragility, tuple(reasons), nearest_activity_m, cut_off,
                      why_not)


def not_assessed_reason(score: lsns.Lsns6, age: int | None, what_matters: bool,
                        people_recorded: int) -> str | None:
    """Why no LSNS-6 score can be given, or None when one can (see :func:`assess`).

    >>> q = lsns.from_answers([1, 1, 1, 1, 1, 1])
    >>> not_assessed_reason(q, 80, False, 0), not_assessed_reason(q, 40, False, 9)
    (None, 'not_assessed_age')
    >>> proxy = lsns.from_counts([0] * 6)
    >>> not_assessed_reason(proxy, 80, False, 1), not_assessed_reason(proxy, 80, True, 1)
    ('not_assessed_too_little', None)

    At risk only because how often or how close is not recorded: not assessed.

    >>> unrecorded = lsns.from_counts([1, 1, 1, 0, 0, 0], [4, 4, 4, 2, 2, 2])
    >>> not_assessed_reason(unrecorded, 80, True, 4)
    'not_assessed_not_recorded'
    """
    if age is None:
        return "not_assessed_age_unknown"
    if age < PARAMETERS.lsns6_min_age:
        return "not_assessed_age"
    if score.source == "questionnaire":
        return None
    if score.at_risk_only_if_not_known_is_no:
        return "not_assessed_not_recorded"
    if what_matters:
        return None
    return (None if people_recorded >= PARAMETERS.estimate_needs_people
            else "not_assessed_too_little")


def assess_ties(
    person_id: str,
    ties: Iterable[Tie],
    fragility: Fragility,
    *,
    carers: Collection[str] = (),
    questionnaire: lsns.Lsns6 | None = None,
    **signals: Any,
) -> Assessment:
    """:func:`assess` from a person's own ties (the LSNS-6 proxy unless ``questionnaire``).

    ``signals`` are :func:`assess`'s keyword arguments after ``paid_members``.

    >>> ties = [Tie("gp", "professional", 4, 2, "monthly")]
    >>> assess_ties("p", ties, Fragility(False, None, 0.0, 0)).codes[:2]
    ['not_assessed_age_unknown', 'only_paid_support']
    """
    ties = list(ties)
    weights, _ = natural_support(ties, carers)
    return assess(
        person_id, questionnaire or lsns.proxy(ties, carers), fragility,
        natural_members=len(weights),
        paid_members=len({tie.other for tie in ties if tie.circle == PAID_CIRCLE}),
        **signals,
    )


def carer_risk(
    hours_per_week: float,
    own: Assessment,
    own_ties: Iterable[Tie],
    cared_for: Collection[str],
    key_person_for: Mapping[str, Fragility] | None = None,
) -> CarerRisk:
    """Breakdown risk of an unpaid carer.

    A carer's risk is **high** with 50+ hours a week and a strain: a thin or fragile
    circle of their own, their own risk of isolation, or being the only support of someone
    whose circle is fragile; **raised** with 50+ hours alone, or 20+ hours and a strain;
    **not known** with 20-49 hours when no strain is known and something is not (nobody
    recorded in their own circle, their own isolation not assessed); otherwise none. Only
    what was recorded counts: what is not known is given among the reasons.

    Parameters
    ----------
    hours_per_week : float
        All the care they give, summed over the people they care for.
    own : Assessment
        The carer's own assessment.
    own_ties : iterable of Tie
        The carer's ties; those they care for are not counted as their support.
    cared_for : collection of str
        Ids of the people they care for.
    key_person_for : mapping, optional
        Person id -> Fragility for each person whose fragile circle hangs on this carer.

    Examples
    --------
    >>> from assetmap.analysis.circles import NOT_FRAGILE
    >>> mum = Tie("mum", "family", 1, 5, "daily")
    >>> own = assess_ties("c", [mum], NOT_FRAGILE)
    >>> risk = carer_risk(55, own, [mum], ["mum"])
    >>> risk.level, [r.code for r in risk.reasons]
    ('raised', ['carer_hours_50_plus', 'carer_circle_not_recorded', 'carer_isolation_not_assessed'])
    >>> carer_risk(55, own, [mum, Tie("friend", "friend", 2, 3, "monthly")], ["mum"]).level
    'high'
    """
    reasons: list[Reason] = []
    hours = round(float(hours_per_week), 1)
    hours = int(hours) if hours.is_integer() else hours  # "55 hours", not "55.0 hours"
    if hours >= CARER_HEAVY_HOURS:
        reasons.append(Reason("carer_hours_50_plus", {
            "hours": hours, "heavy_hours": THRESHOLDS["heavy_hours"]}))
    elif hours >= CARER_SUBSTANTIAL_HOURS:
        reasons.append(Reason("carer_hours_20_49", {
            "hours": hours, **{k: THRESHOLDS[k] for k in ("substantial_hours",
                                                        "substantial_up_to")}}))
    own_ties = list(own_ties)
    members = sum(
        1 for tie in own_ties if tie.circle < PAID_CIRCLE and tie.other not in cared_for
    )
    strains, unknown = [], []
    # nobody recorded around the carer is not known to be a thin circle: it is not known
    if not any(tie.other not in cared_for for tie in own_ties):
        unknown.append(Reason("carer_circle_not_recorded"))
    elif members < THIN_CIRCLE_BELOW:
        strains.append(Reason("carer_circle_thin", {"members": members}))
    if own.fragility.fragile and own.fragility.key_person not in cared_for:
        strains.append(Reason("carer_circle_fragile", {"key_person": own.fragility.key_person}))
    if own.isolation_risk:
        strains.append(Reason("carer_isolation_risk", {"total": own.lsns6.total}))
    elif not own.assessed:
        unknown.append(Reason("carer_isolation_not_assessed"))
    for person in sorted(key_person_for or {}):
        strains.append(Reason("carer_key_person", {"cared_for": person}))
    reasons.extend(strains)
    if hours >= CARER_HEAVY_HOURS and strains:
        level: Literal["none", "raised", "high", "not_known"] = "high"
    elif hours >= CARER_HEAVY_HOURS or (hours >= CARER_SUBSTANTIAL_HOURS and strains):
        level = "raised"
    elif hours >= CARER_SUBSTANTIAL_HOURS and unknown:
        level = "not_known"  # the hours need a strain to raise the risk: none is known
    else:
        level = "none"
    # what is not known is always said: the level rests only on what was recorded
    return CarerRisk(level, hours, (tuple(reasons) if level != "none" else ()) + tuple(unknown))
