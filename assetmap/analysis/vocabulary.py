"""The words of matching: interests to activity categories, needs to the gifts that meet them.

People's interests, gifts and needs are free tags; these tables say which tags match.
Matching ignores case and surrounding spaces. A tag not in a table still matches the same
tag on the other side (a "cooking" gift meets a "cooking" need).
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "INTEREST_CATEGORIES",
    "NEED_GIFTS",
    "categories_for",
    "gifts_meeting",
    "normal_tag",
]

#: an interest -> the activity category that serves it
INTEREST_CATEGORIES: dict[str, str] = {
    "singing": "music", "music": "music", "walking": "outdoors", "gardening": "gardening",
    "knitting": "crafts", "crafts": "crafts", "woodwork": "crafts", "reading": "learning",
    "local history": "heritage", "cooking": "food", "baking": "food", "chapel": "faith",
    "computers": "digital", "painting": "arts", "films": "arts", "dancing": "exercise",
    "bowls": "exercise", "rugby": "exercise", "football": "exercise",
    "birdwatching": "outdoors", "fishing": "outdoors", "farming": "outdoors",
}

#: a need -> the gifts that meet it
NEED_GIFTS: dict[str, tuple[str, ...]] = {
    "transport": ("driving",),
    "lifts to appointments": ("driving",),
    "shopping": ("shopping", "driving"),
    "company": ("listening", "dog walking", "music", "teaching welsh"),
    "someone to talk to": ("listening",),
    "digital help": ("computer help",),
    "gardening help": ("gardening",),
    "help with paperwork": ("paperwork help",),
}


def normal_tag(tag: str) -> str:
    return " ".join(tag.lower().split())


def categories_for(interests: Iterable[str]) -> set[str]:
    """The activity categories that serve any of ``interests``.

    >>> sorted(categories_for(["Singing", "walking", "stamp collecting"]))
    ['music', 'outdoors']
    """
    found = (INTEREST_CATEGORIES.get(normal_tag(interest)) for interest in interests)
    return {category for category in found if category}


def gifts_meeting(needs: Iterable[str], gifts: Iterable[str]) -> list[tuple[str, str]]:
    """Each (need, gift) pair where a gift meets a need, in the order of ``needs``.

    >>> gifts_meeting(["transport", "company"], ["Driving", "baking"])
    [('transport', 'driving')]
    """
    offered = {normal_tag(gift) for gift in gifts}
    pairs = []
    for need in needs:
        need = normal_tag(need)
        for gift in (need, *NEED_GIFTS.get(need, ())):
            if gift in offered:
                pairs.append((need, gift))
                break
    return pairs
