"""Every code the model allows has a name people read (in English, and through the
catalogue in Welsh): a new code in a ``Literal`` without one fails here."""

from __future__ import annotations

from typing import get_args

import pytest

from assetmap import model, names


@pytest.mark.parametrize(("codes", "named"), [
    (model.AccessNeed, names.ACCESS_NAMES),
    (model.Category, names.CATEGORY_NAMES),
    (model.PlaceKind, names.PLACE_KIND_NAMES),
    (model.Weekday, names.WEEKDAY_NAMES),
    (model.DayPart, names.PART_NAMES),
    (model.Frequency, names.FREQUENCY_NAMES),
    (model.Role, names.ROLE_NAMES),
    (model.Circle, names.CIRCLE_NAMES),
    (model.Relation, names.RELATION_NAMES),
    (model.Contact, names.CONTACT_NAMES),
    (model.ConsentPurpose, names.PURPOSE_NAMES),
    (model.ReferralStatus, names.STATUS_NAMES),
    (model.OrganisationKind, names.ORGANISATION_KIND_NAMES),
    (model.InterfaceLanguage, names.LANGUAGE_NAMES),
    (model.AreaLevel, names.AREA_LEVEL_NAMES),
], ids=lambda value: getattr(value, "__name__", None) or "")
def test_every_code_has_a_name(codes: object, named: dict) -> None:
    missing = [code for code in get_args(codes) if code not in named]
    assert missing == []
    assert all(isinstance(text, str) and text for text in named.values())


def test_the_code_lists_are_the_models() -> None:
    """The tuples code loops over are the ``Literal``s themselves, in their order."""
    for literal, listed in ((model.Weekday, model.WEEKDAYS), (model.DayPart, model.DAY_PARTS),
                            (model.Relation, model.RELATIONS), (model.Circle, model.CIRCLES),
                            (model.Contact, model.CONTACTS), (model.Role, model.ROLES),
                            (model.AreaLevel, model.AREA_LEVELS)):
        assert get_args(literal) == listed
