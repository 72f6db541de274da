"""Analysis functions on hand-built data; every expected value is worked out here from the
published rules (LSNS-6 bands, the fragile-circle rule, suppression), not from the code."""

from __future__ import annotations

import numpy as np
import pytest

from assetmap.analysis import lsns6
from assetmap.analysis.circles import NOT_FRAGILE, Tie, fragility, natural_support
from assetmap.analysis.community import structure
from assetmap.analysis.hotspots import (
    MEASURES,
    RECORD_COUNTS,
    AreaNode,
    PersonFlags,
    suppress,
    tally,
)
from assetmap.analysis.isolation import assess_ties, carer_risk
from assetmap.analysis.reasons import REASON_TEXTS, Reason, describe
from assetmap.analysis.suggestions import ActivityOption, Candidate, Seeker, rank

# ---------------------------------------------------------------------------
# LSNS-6


@pytest.mark.parametrize(("people", "score"), [
    (0, 0), (1, 1), (2, 2), (3, 3), (4, 3), (5, 4), (6, 4), (8, 4), (9, 5), (30, 5),
])
def test_lsns6_answer_bands(people: int, score: int) -> None:
    # the scale's answers: none, one, two, three or four, five to eight, nine or more
    assert lsns6.item_score(people) == score


@pytest.mark.parametrize(("answers", "at_risk"), [
    ([2, 2, 2, 2, 2, 1], True),    # 11
    ([2, 2, 2, 2, 2, 2], False),   # 12: the cut-off is "below 12"
    ([0, 0, 0, 0, 0, 0], True),
    ([5, 5, 5, 5, 5, 5], False),
])
def test_lsns6_total_and_cut_off(answers: list[int], at_risk: bool) -> None:
    score = lsns6.from_answers(answers)
    assert score.total == sum(answers)
    assert score.family == sum(answers[:3]) and score.friends == sum(answers[3:])
    assert score.at_risk is at_risk


def test_lsns6_rejects_out_of_range_answers() -> None:
    with pytest.raises(ValueError, match="between 0 and 5"):
        lsns6.from_answers([6, 0, 0, 0, 0, 0])


def test_lsns6_proxy_counts_each_item_from_ties() -> None:
    ties = [
        Tie("daughter", "family", 1, 5, "daily"),     # family: monthly, private, help
        Tie("son", "family", 2, 3, "yearly"),         # family: help only
        Tie("neighbour", "neighbour", 3, 2, "weekly"),  # friends: monthly only
        Tie("friend", "friend", 2, 4, "monthly"),     # friends: monthly, private, help
        Tie("gp", "professional", 4, 3, "weekly"),    # paid care never counts
    ]
    score = lsns6.proxy(ties, carers=["home-help"])  # an unpaid carer: friends, help
    # family: monthly 1 -> 1, private 1 -> 1, help 2 -> 2; friends: 2 -> 2, 1 -> 1, 2 -> 2
    assert score.counts == (1, 1, 2, 2, 1, 2)
    assert score.items == (1, 1, 2, 2, 1, 2)
    assert (score.family, score.friends, score.total) == (4, 5, 9)
    assert score.at_risk and score.family_low and score.friends_low


def test_questionnaire_takes_precedence_over_the_proxy() -> None:
    rich = [Tie(f"f{i}", "friend", 1, 5, "daily") for i in range(10)]
    recorded = lsns6.from_answers([1, 1, 1, 1, 1, 1], date="2026-11-01")
    result = assess_ties("p", rich, NOT_FRAGILE, questionnaire=recorded, age=70)
    assert result.lsns6.total == 6 and result.isolation_risk
    assert "lsns6_questionnaire" in result.codes


@pytest.mark.parametrize(("age", "what_matters", "people", "questionnaire", "why"), [
    (80, False, 2, False, "not_assessed_too_little"),  # two people recorded: a floor only
    (80, True, 0, False, None),                        # spoken with: their circle is known
    (80, False, 3, False, None),                       # enough recorded to estimate
    (80, False, 0, True, None),                        # a questionnaire is the measure
    (40, True, 9, True, "not_assessed_age"),           # below the scale's ages
    (12, True, 9, False, "not_assessed_age"),          # a child: never a score
    (None, True, 9, True, "not_assessed_age_unknown"),
])
def test_a_score_only_where_one_can_be_given(age, what_matters, people, questionnaire,  # noqa: ANN001
                                             why) -> None:
    """Nothing recorded is not "at risk": too little recorded, too young for the scale or
    of unknown age is *not assessed*, and says why; the signals still show."""
    ties = [Tie(f"n{i}", "neighbour", 3, 2, "yearly") for i in range(people)]
    result = assess_ties("p", ties, NOT_FRAGILE, age=age, what_matters=what_matters,
                         questionnaire=lsns6.from_answers([0] * 6) if questionnaire else None)
    assert result.not_assessed == why
    assert (result.isolation_risk is None) == bool(why)
    if why:
        assert result.codes[0] == why and "lsns6_at_risk" not in result.codes
        assert "no_participation" in result.codes  # the facts recorded are still given
    else:
        assert result.isolation_risk is True


# ---------------------------------------------------------------------------
# circles


def _fragility(ties: list[Tie], pairs: set[frozenset[str]], carers: tuple = ()):  # noqa: ANN202
    weights, close = natural_support(ties, carers)
    return fragility(weights, close, lambda a, b: frozenset((a, b)) in pairs)


DAUGHTER_ONLY = [
    Tie("daughter", "family", 1, 5, "daily"),
    # the grandchildren and son-in-law, seen a few times a year when the daughter visits
    Tie("grandson", "family", 3, 2, "yearly"),
    Tie("granddaughter", "family", 3, 2, "yearly"),
    Tie("son-in-law", "family", 3, 1, "rarely"),
]
DAUGHTERS_FAMILY = {frozenset(p) for p in (
    ("daughter", "grandson"), ("daughter", "granddaughter"), ("daughter", "son-in-law"),
    ("grandson", "granddaughter"),
)}


def test_a_circle_running_through_one_daughter_is_fragile() -> None:
    result = _fragility(DAUGHTER_ONLY, DAUGHTERS_FAMILY)
    assert result.fragile and result.key_person == "daughter"
    assert result.lost_share == pytest.approx(1.0)  # without her nobody is left


def test_a_friend_of_her_own_makes_it_not_fragile() -> None:
    # weights: daughter 3, grandchildren 0.25 each, son-in-law 0.1, friend 2 (circle 2
    # weekly): without the daughter 3.6 of 5.6 goes - less than two thirds
    result = _fragility([*DAUGHTER_ONLY, Tie("friend", "friend", 2, 3, "weekly")],
                        DAUGHTERS_FAMILY)
    assert not result.fragile and result.key_person is None


def test_weak_ties_that_do_not_run_through_the_key_person_stay() -> None:
    # the same weak ties, but the grandchildren do not know the daughter: they are not
    # lost with her, yet 3 of 3.6 (83%) still goes
    result = _fragility(DAUGHTER_ONLY, set())
    assert result.fragile and result.lost_share == pytest.approx(3 / 3.6)


def test_one_person_alone_in_the_circle_is_fragile_and_none_is_not() -> None:
    assert _fragility([Tie("neighbour", "neighbour", 3, 3, "weekly")], set()).key_person \
        == "neighbour"
    assert not _fragility([Tie("gp", "professional", 4, 2, "weekly")], set()).fragile


def test_two_equal_close_members_are_not_fragile() -> None:
    ties = [Tie("a", "friend", 1, 5, "daily"), Tie("b", "family", 1, 5, "daily")]
    assert not _fragility(ties, set()).fragile


def test_only_paid_support_is_flagged() -> None:
    ties = [Tie("carer1", "professional", 4, 2, "daily"), Tie("gp", "professional", 4, 2,
                                                                "monthly")]
    result = assess_ties("p", ties, _fragility(ties, set()), lives_alone=True, age=78,
                         what_matters=True)
    assert result.isolation_risk and result.lsns6.total == 0
    assert {"only_paid_support", "lives_alone", "no_participation"} <= set(result.codes)
    only_paid = next(r for r in result.reasons if r.code == "only_paid_support")
    assert only_paid.params == {"paid": 2}


def test_distance_to_the_nearest_activity_is_a_reason_beyond_reach() -> None:
    far = assess_ties("p", [], NOT_FRAGILE, participation=1, nearest_activity_m=9500,
                 reach_m=8000)
    near = assess_ties("p", [], NOT_FRAGILE, participation=1, nearest_activity_m=700, reach_m=1600)
    assert "no_activity_within_reach" in far.codes
    assert "no_activity_within_reach" not in near.codes


# ---------------------------------------------------------------------------
# carers

GOOD_CIRCLE = [
    Tie("partner", "partner", 1, 5, "daily"), Tie("sister", "family", 1, 4, "weekly"),
    Tie("ffion", "friend", 2, 4, "weekly"), Tie("gareth", "friend", 2, 4, "weekly"),
    Tie("mam", "family", 1, 5, "daily"),  # the person they care for
]


MAM = Tie("mam", "family", 1, 5, "daily")
ONE_FRIEND = [MAM, Tie("ffion", "friend", 2, 4, "weekly")]


@pytest.mark.parametrize(("hours", "ties", "key_for", "age", "level", "unknown"), [
    # two people recorded: thin is known, their own isolation is not (too little recorded)
    (55, ONE_FRIEND, None, 70, "high", ["carer_isolation_not_assessed"]),
    (55, GOOD_CIRCLE, None, 70, "raised", []),           # 50+ alone
    (30, GOOD_CIRCLE, None, 70, "none", []),             # 20-49, supported
    (30, ONE_FRIEND, None, 70, "raised", ["carer_isolation_not_assessed"]),
    (25, GOOD_CIRCLE, {"mam"}, 70, "raised", []),        # 20-49, key person
    (10, [MAM], None, 70, "none", ["carer_circle_not_recorded",  # light hours
                                   "carer_isolation_not_assessed"]),
    # only their name and hours recorded: 50+ is raised on the hours alone, never high
    # on what was not asked; 20-49 with nothing known is not known, not none
    (55, [MAM], None, None, "raised", ["carer_circle_not_recorded",
                                       "carer_isolation_not_assessed"]),
    (30, [MAM], None, None, "not_known", ["carer_circle_not_recorded",
                                          "carer_isolation_not_assessed"]),
    (30, GOOD_CIRCLE, None, 45, "not_known", ["carer_isolation_not_assessed"]),
])
def test_carer_breakdown_risk_bands(hours, ties, key_for, age, level, unknown) -> None:  # noqa: ANN001
    own = assess_ties("carer", ties, _fragility(ties, set()), age=age)
    risk = carer_risk(hours, own, ties, {"mam"},
                      {p: NOT_FRAGILE for p in key_for} if key_for else None)
    assert risk.level == level
    assert risk.at_risk is (level in ("raised", "high"))
    codes = [r.code for r in risk.reasons]
    assert [c for c in codes if c.endswith(("_not_recorded", "_not_assessed"))] == unknown
    if hours >= 50:
        assert "carer_hours_50_plus" in codes


def test_good_circle_is_really_good() -> None:
    # guard for the table above: this carer's own LSNS-6 is 12 (6 family, 6 friends)
    own = assess_ties("carer", GOOD_CIRCLE[:4], _fragility(GOOD_CIRCLE[:4], set()))
    assert own.lsns6.total == 12 and not own.fragility.fragile


# ---------------------------------------------------------------------------
# suggestions

ME = Seeker("me", 52.45, -3.54, age=78, languages=("cy", "en"), interests=("singing",),
            needs=("transport",), gifts=("baking",), availability=("tue_am",),
            access_needs=("step_free",))


def _candidate(cid: str, **fields) -> Candidate:  # noqa: ANN003
    return Candidate(cid, cid.title(), fields.pop("distance_m", 1000.0),
                     fields.pop("open_to_connect", True), **fields)


def test_suggestions_never_include_the_circle_or_people_not_open_to_connect() -> None:
    friend_of_friend = {"common": {"x": 3}}
    found = rank(ME, [
        _candidate("in-circle", **friend_of_friend),
        _candidate("closed", open_to_connect=False, **friend_of_friend),
        _candidate("open", **friend_of_friend),
    ], exclude={"in-circle"})
    assert [s.id for s in found] == ["open"]


def test_volunteers_must_reach_the_person_and_have_room() -> None:
    common = {"volunteer": True, "skills": ("driving",), "languages": ("cy", "en")}
    found = rank(ME, [
        _candidate("reaches", distance_m=4000, radius_km=5, capacity_left=1, **common),
        _candidate("too-far", distance_m=6000, radius_km=5, capacity_left=1, **common),
        _candidate("full", distance_m=1000, radius_km=5, capacity_left=0, **common),
    ])
    assert [s.id for s in found] == ["reaches"]
    assert found[0].kind == "volunteer"
    assert "skills_meet_needs" in [r.code for r in found[0].reasons]


def test_no_shared_language_means_no_person_suggestion() -> None:
    only_welsh = Seeker("me", 52.45, -3.54, languages=("cy",))
    found = rank(only_welsh, [_candidate("english", languages=("en",), common={"x": 2}),
                              _candidate("welsh", languages=("cy",), common={"x": 2})])
    assert [s.id for s in found] == ["welsh"]


def _option(aid: str, **fields) -> ActivityOption:  # noqa: ANN003
    base = {"weekday": "thu", "start": "19:00", "categories": ("exercise",),
            "distance_m": 1500.0, "access": frozenset({"step_free"})}
    return ActivityOption(aid, aid.title(), **{**base, **fields})


def test_a_matching_welsh_tuesday_activity_ranks_above_a_non_matching_one() -> None:
    choir = _option("cor", weekday="tue", start="10:30", categories=("music",),
                    welsh_language=True)
    gym = _option("gym")  # Thursday evening, exercise, English
    found = rank(ME, activities=[gym, choir])
    assert [s.id for s in found if s.kind == "activity"] == ["cor", "gym"]
    assert {"interests_match", "day_and_time_match", "welsh_language"} <= {
        r.code for r in found[0].reasons}


def test_activities_must_fit_access_needs_age_cost_and_reach() -> None:
    found = rank(ME, activities=[
        _option("steps", access=frozenset()),
        _option("youth", age_min=10, age_max=26),
        _option("dear", cost_pence=1500),
        _option("far", distance_m=9000),
        _option("fine"),
    ], reach_m=8000, max_cost_pence=1000)
    assert [s.id for s in found] == ["fine"]


def test_reciprocity_matches_a_gift_to_a_need_both_ways() -> None:
    driver_who_needs_cake = _candidate("dai", gifts=("driving",), needs=("baking",),
                                       languages=("cy", "en"), distance_m=800)
    found = rank(ME, [driver_who_needs_cake, _candidate("unrelated", distance_m=800)])
    assert [s.id for s in found] == ["dai"]
    gifts = [(r.params["giver"], r.params["gift"], r.params["need"])
             for r in found[0].reasons if r.code == "gift_meets_need"]
    assert ("me", "baking", "baking") in gifts and ("dai", "driving", "transport") in gifts
    assert "exchange_both_ways" in [r.code for r in found[0].reasons]


def test_every_reason_code_has_text() -> None:
    for code in REASON_TEXTS:
        assert "{" not in describe(Reason(code, _params_for(code))) or code


def _params_for(code: str) -> dict:
    import string

    return {name: "x" for _, name, _, _ in string.Formatter().parse(REASON_TEXTS[code]) if name}


# ---------------------------------------------------------------------------
# suppression

AREAS = {
    "hb": AreaNode("hb", "health_board"),
    "la": AreaNode("la", "local_authority", parent="hb"),
    "w1": AreaNode("w1", "ward", parent="la"),
    "w2": AreaNode("w2", "ward", parent="la"),
    "a": AreaNode("a", "small_area", parent="w1"),
    "b": AreaNode("b", "small_area", parent="w1"),
    "c": AreaNode("c", "small_area", parent="w2"),
    "d": AreaNode("d", "small_area", parent="w2"),
}


def _people(area: str, total: int, at_risk: int) -> list[PersonFlags]:
    return [PersonFlags(area, i < at_risk, False) for i in range(total)]


def _assert_nothing_recoverable(shown: dict, counts: dict) -> None:
    """No shown count is below 5 (or leaves fewer than 5), and no withheld one can be found
    by subtracting shown figures: worked out from the rules, for every parent."""
    children: dict[str, list[str]] = {}
    for area in AREAS.values():
        if area.parent:
            children.setdefault(area.parent, []).append(area.id)
    for area_id, row in shown.items():
        for measure, base in MEASURES.items():
            if row[measure] is not None:
                assert row[measure] >= 5
                if base and measure not in RECORD_COUNTS:
                    assert counts[area_id][base] - row[measure] >= 5
    for parent, kids in children.items():
        for measure in MEASURES:
            hidden = [k for k in kids if shown[k][measure] is None]
            if shown[parent][measure] is not None and hidden:
                assert len(hidden) >= 2
                assert sum(counts[k][measure] for k in hidden) >= 5
            if shown[parent][measure] is None:
                assert hidden, f"{parent} {measure} is the sum of its shown children"


def test_counts_below_five_are_withheld_and_cannot_be_recovered() -> None:
    people = (_people("a", 30, 3) + _people("b", 40, 12) + _people("c", 25, 10)
              + _people("d", 28, 9))
    counts = tally(AREAS, people)
    assert counts["la"]["at_risk"] == 34 and counts["a"]["at_risk"] == 3
    shown = suppress(AREAS, counts)
    assert shown["a"]["at_risk"] is None
    assert shown["b"]["at_risk"] is None  # else w1 - b gives a's 3
    assert shown["w1"]["at_risk"] == 15 and shown["c"]["at_risk"] == 10
    _assert_nothing_recoverable(shown, counts)


@pytest.mark.parametrize(("total", "at_risk", "withheld"), [
    (4, 1, tuple(MEASURES)),   # a whole small area of four
    (30, 28, ("at_risk",)),    # 28 of 30 at risk says 2 are not
])
def test_small_areas_and_near_totals_are_withheld(total, at_risk, withheld) -> None:  # noqa: ANN001
    people = (_people("a", total, at_risk) + _people("b", 40, 12) + _people("c", 25, 10)
              + _people("d", 28, 9))
    counts = tally(AREAS, people)
    shown = suppress(AREAS, counts)
    assert all(shown["a"][m] is None for m in withheld)
    _assert_nothing_recoverable(shown, counts)


# ---------------------------------------------------------------------------
# whole-community structure


def test_structure_finds_cut_off_clusters_and_bridges() -> None:
    # two cliques of five joined through person 10, plus a pair on their own
    edges = [(a, b) for group in (range(0, 5), range(5, 10)) for a in group for b in group
             if a < b]
    edges += [(10, 0), (10, 1), (10, 5), (10, 6), (11, 12)]
    result = structure(14, np.array(edges))
    assert result.cut_off.tolist() == [False] * 11 + [True, True, False]
    assert result.summary["largest_network"] == 11
    assert result.summary["no_natural_ties"] == 1
    assert result.community[0] != result.community[5]
    assert result.connector[10] and not result.connector[2]
