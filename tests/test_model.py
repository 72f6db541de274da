"""Every field rule: a bad value raises InvalidRecord naming the field and the problem."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from assetmap import model
from assetmap.model import InvalidRecord, validate

PERSON = {"name": "Mair Jones"}
PLACE = {"name": "Neuadd", "lat": 52.449, "lon": -3.54}
ACTIVITY = {"name": "Côr", "weekday": "tue", "start": "19:00", "end": "21:00",
            "categories": ["music"]}
NEXT_YEAR = datetime.now(UTC).year + 1

BAD = [
    # (model, valid base, changes, field named, words in the problem)
    (model.Person, PERSON, {"name": ""}, "name", "must not be empty"),
    (model.Person, PERSON, {"name": "x" * 201}, "name", "at most 200"),
    (model.Person, PERSON, {"birth_year": 1899}, "birth_year", "between 1900"),
    (model.Person, PERSON, {"birth_year": NEXT_YEAR}, "birth_year", "between 1900"),
    (model.Person, PERSON, {"languages": ["welsh"]}, "languages.0", "ISO 639-1"),
    (model.Person, PERSON, {"languages": ["xx"]}, "languages.0", "ISO 639-1"),
    (model.Person, PERSON, {"postcode": "SY18"}, "postcode", "not a UK postcode"),
    (model.Person, PERSON, {"postcode": "12345"}, "postcode", "not a UK postcode"),
    (model.Person, PERSON, {"lat": 48.0, "lon": -3.5}, "lat", "49.8 or more"),
    (model.Person, PERSON, {"lat": 52.0, "lon": 3.0}, "lon", "or less"),
    (model.Person, PERSON, {"lat": 52.0}, "lon", "given together"),
    (model.Person, PERSON, {"nickname": "M"}, "nickname", "unknown field"),
    (model.Person, PERSON, {"interests": ["x" * 101]}, "interests.0", "at most 100"),
    (model.Person, PERSON, {"interests": ["a"] * 51}, "interests", "at most 50"),
    (model.Person, PERSON, {"radius_km": 5}, "volunteer", "volunteers only"),
    (model.Person, PERSON, {"capacity": 2}, "volunteer", "volunteers only"),
    (model.Person, PERSON, {"access_needs": ["lift"]}, "access_needs.0", "step_free"),
    (model.Person, PERSON, {"volunteer": True, "availability": ["someday"]},
     "availability.0", "day and part of day"),
    (model.Person, PERSON, {"volunteer": True, "radius_km": 500}, "radius_km", "200 or less"),
    (model.Person, PERSON, {"id": "no spaces allowed"}, "id", "letters, digits"),
    (model.Person, {}, {}, "name", "is required"),
    (model.Place, PLACE, {"kind": "castle"}, "kind", "must be one of"),
    (model.Place, PLACE, {"opening_hours": ["monday 9-5"]}, "opening_hours.0", "day HH:MM"),
    (model.Place, {"name": "No location"}, {}, "lat", "is required"),
    (model.Activity, ACTIVITY, {"weekday": "tuesday"}, "weekday", "must be one of"),
    (model.Activity, ACTIVITY, {"start": "7pm"}, "start", "24-hour"),
    (model.Activity, ACTIVITY, {"start": "21:00", "end": "20:00"}, "end", "after start"),
    (model.Activity, ACTIVITY, {"cost_pence": -1}, "cost_pence", "or more"),
    (model.Activity, ACTIVITY, {"categories": []}, "categories", "at least 1"),
    (model.Activity, ACTIVITY, {"categories": ["bingo"]}, "categories.0", "must be one of"),
    (model.Activity, ACTIVITY, {"age_min": 60, "age_max": 18}, "age_max", "below age_min"),
    (model.Area, {"name": "Powys", "level": "local_authority"}, {"level": "county"}, "level",
     "must be one of"),
    (model.Area, {"name": "Powys", "level": "ward"}, {"geometry": "{}"}, "geometry", "GeoJSON"),
    (model.Area, {"name": "Powys", "level": "ward"}, {"geometry": "not json"}, "geometry",
     "not valid JSON"),
    (model.User, {"email": "a@b.cymru", "role": "admin", "password_hash": "h" * 30},
     {"email": "not-an-email"}, "email", "not an e-mail"),
    (model.User, {"email": "a@b.cymru", "role": "admin", "password_hash": "h" * 30},
     {"role": "root"}, "role", "must be one of"),
    (model.Knows, {"relation": "friend", "circle": 2}, {"relation": "cousin"}, "relation",
     "must be one of"),
    (model.Knows, {"relation": "friend", "circle": 2}, {"circle": 5}, "circle",
     "must be one of"),
    (model.Knows, {"relation": "friend", "circle": 2}, {"circle": 4}, "circle", "circle 4"),
    (model.Knows, {"relation": "friend", "circle": 2}, {"contact": "hourly"}, "contact",
     "must be one of"),
    (model.Knows, {"relation": "friend", "circle": 2}, {"strength": 9}, "strength",
     "or less"),
    (model.CaresFor, {"hours_per_week": 20}, {"hours_per_week": 200}, "hours_per_week",
     "or less"),
    (model.ReferredTo, {"date": "2026-01-01", "by": "u1"}, {"status": "lost"}, "status",
     "must be one of"),
    (model.ReferredTo, {"date": "2026-01-01", "by": "u1"}, {"date": "yesterday"}, "date",
     "date"),
]


@pytest.mark.parametrize(("record_type", "base", "changes", "field", "problem"), BAD,
                         ids=[f"{row[0].__name__}-{row[3]}-{i}" for i, row in enumerate(BAD)])
def test_bad_value_names_field_and_problem(record_type, base, changes, field, problem) -> None:  # noqa: ANN001
    if changes:
        validate(record_type, base)  # the base record itself is valid: the change breaks it
    with pytest.raises(InvalidRecord) as caught:
        validate(record_type, {**base, **changes})
    assert caught.value.field == field
    assert problem in caught.value.problem
    assert str(caught.value).startswith(f"{field}: ")


def test_postcode_is_normalised() -> None:
    person = validate(model.Person, {**PERSON, "postcode": "sy186ab"})
    assert person.postcode == "SY18 6AB"
    assert model.postcode_district("ld1 5lg") == "LD1"


def test_email_is_normalised() -> None:
    user = validate(model.User, {"email": " Mair@Example.CYMRU ", "role": "connector",
                                 "password_hash": "h" * 30})
    assert user.email == "mair@example.cymru"


def test_properties_drop_nones_and_serialise_dates() -> None:
    referral = validate(model.ReferredTo, {"date": "2026-03-01", "by": "u1"})
    assert referral.properties() == {"date": "2026-03-01", "by": "u1", "status": "suggested"}


def test_unknown_label_and_relationship_type_are_refused() -> None:
    with pytest.raises(InvalidRecord, match="label"):
        model.node_type("Person) DETACH DELETE (n")
    with pytest.raises(InvalidRecord, match="type"):
        model.relationship_type("OWNS")


def test_not_an_object_is_refused() -> None:
    with pytest.raises(InvalidRecord, match="record: must be an object"):
        validate(model.Person, ["Mair"])  # type: ignore[arg-type]


def test_every_label_in_whitelist_has_a_model_and_every_end_is_a_label() -> None:
    for spec in model.RELATIONSHIPS.values():
        for label in spec.sources + spec.targets:
            assert label in model.NODE_TYPES
