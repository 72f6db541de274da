"""Hostile and odd input: stored and shown back verbatim, escaped in pages, never run;
and every model rule answers any input with the model or a named field problem."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from assetmap import accounts
from assetmap.graph.store import GraphStore
from assetmap.model import NODE_TYPES, RELATIONSHIPS, InvalidRecord, validate

HOSTILE = [
    "'}) MATCH (n) DETACH DELETE n //",
    '"}) RETURN 1 UNION MATCH (u:User) RETURN u.password_hash //',
    "Robert'); DROP TABLE people;--",
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "{{ 7*7 }} {% print(1) %}",
    "Neuadd `${document.title=[document.domain,1337].join()}` </script>",
    "quotes ' \" ` « » „ “ ” ‘ ’ and \\ backslash",
    "line\u2028separator\u2029paragraph",
    "tab\tbell\x07escape\x1b[31m",
    "\u202eRight-to-left mark \u200f",
    "Ŵyn ap Ŷr, Siân â Gwenllïan",
    "🙂 emoji 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
]


@pytest.fixture
def bearer(sample_store: GraphStore) -> dict[str, str]:
    accounts.create_user(sample_store, "hostile@example.cymru", "connector", "org-carers")
    _, token = accounts.create_token(sample_store, "hostile@example.cymru")
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("text", HOSTILE)
def test_stored_verbatim_and_shown_escaped(client, sign_in, bearer, sample_store: GraphStore,  # noqa: ANN001
                                           text: str) -> None:
    before = sample_store.counts()
    made = client.post("/api/v1/people", headers=bearer,
                       json={"name": text, "interests": [text], "needs": [text]})
    assert made.status_code == 201, made.get_json()
    person = made.get_json()
    back = client.get(f"/api/v1/people/{person['id']}", headers=bearer).get_json()
    assert back["name"] == text and back["interests"] == [text]
    after = sample_store.counts()
    assert after["nodes"]["Person"] == before["nodes"]["Person"] + 1
    assert after["relationships"]["KNOWS"] == before["relationships"]["KNOWS"]
    sign_in("connector", "org-carers")
    html = client.get(f"/people/{person['id']}").get_data(as_text=True)
    assert str(escape(text)) in html
    if "<" in text:
        assert text not in html, "markup must be escaped, never rendered"
    listed = client.get("/people/?q=" + text[:20]).get_data(as_text=True)
    assert "Internal" not in listed


@pytest.mark.parametrize("body,field,problem", [
    ({"name": "x" * 1_000_000}, "name", "at most 200 characters"),
    ({"name": "null\x00byte"}, "name", "NUL"),
    ({"name": "Megan", "interests": ["a\x00b"]}, "interests", "NUL"),
    ({"name": "Megan", "postcode": "'}) RETURN 1 //"}, "postcode", "not a UK postcode"),
])
def test_refused_with_the_field_named(client, bearer, sample_store: GraphStore,  # noqa: ANN001
                                      body: dict, field: str, problem: str) -> None:
    before = sample_store.counts()
    response = client.post("/api/v1/people", headers=bearer, json=body)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert any(e["field"].split(".")[0] == field and problem in e["message"] for e in errors)
    assert sample_store.counts() == before


@pytest.mark.parametrize("body", [
    "[" * 50_000 + "]" * 50_000,  # nested past Python's recursion limit
    '{"name": "x"', "{bad json", '{"name": "\\ud800"}' + "x",
])
def test_malformed_json_is_400_naming_the_body(client, bearer, sample_store: GraphStore,  # noqa: ANN001
                                               body: str) -> None:
    before = sample_store.counts()
    response = client.post("/api/v1/people", headers={**bearer, "Content-Type":
                                                       "application/json"}, data=body)
    assert response.status_code == 400
    assert response.get_json() == {"errors": [{"field": "body", "message":
                                                "is not valid JSON"}]}
    assert sample_store.counts() == before


def test_json_text_nested_too_deeply_is_a_field_problem(client, bearer) -> None:  # noqa: ANN001
    deep = "[" * 40_000 + "]" * 40_000
    response = client.post("/api/v1/places", headers=bearer, json={
        "name": "Deep", "lat": 52.45, "lon": -3.54, "hsds_raw": '{"a": ' + deep + "}"})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "hsds_raw"


def test_a_new_person_id_is_never_chosen_by_the_caller(client, bearer,  # noqa: ANN001
                                                       sample_store: GraphStore) -> None:
    """A chosen id would tell whether another organisation's person has it."""
    taken = sample_store.run_read("MATCH (p:Person) RETURN p.id AS id LIMIT 1")[0]["id"]
    for wanted in (taken, "person-unused-id"):
        response = client.post("/api/v1/people", headers=bearer,
                               json={"id": wanted, "name": "Chooser"})
        assert response.status_code == 422 and response.get_json()["errors"][0][
            "field"] == "id"


def test_a_body_over_the_limit_is_413_before_it_is_read(client, bearer) -> None:  # noqa: ANN001
    from assetmap.web import MAX_REQUEST_BYTES
    body = '{"name": "' + "x" * MAX_REQUEST_BYTES + '"}'
    response = client.post("/api/v1/people", headers={**bearer, "Content-Type":
                                                       "application/json"}, data=body)
    assert response.status_code == 413 and response.get_json()["errors"]
    page = client.post("/login", data={"email": "x" * MAX_REQUEST_BYTES})
    assert page.status_code == 413


def test_search_text_is_only_ever_a_value(client, sample_store: GraphStore) -> None:  # noqa: ANN001
    for text in HOSTILE + ["a\x00b"]:
        response = client.get("/api/v1/groups", query_string={"q": text})
        assert response.status_code in (200, 422), text
        page = client.get("/find", query_string={"near": "SY18", "text": text})
        assert page.status_code in (200, 400)


# -- every model rule, for any input ----------------------------------------------------

VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**6, max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=50),
    st.lists(st.text(max_size=10), max_size=5), st.sampled_from(["SY18 6AB", "mon", "10:00",
                                                                  "2026-01-01", "cy", "en"]),
)


@pytest.mark.parametrize("model", list(NODE_TYPES.values()) + [
    spec.properties for spec in RELATIONSHIPS.values()], ids=lambda m: m.__name__)
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_any_input_gives_the_model_or_named_problems(model, data) -> None:  # noqa: ANN001
    names = list(model.model_fields) + ["unexpected"]
    record = data.draw(st.dictionaries(st.sampled_from(names), VALUES, max_size=len(names)))
    try:
        validate(model, record)
    except InvalidRecord as problem:
        assert problem.errors
        for name, message in problem.errors:
            assert name.split(".")[0] in names + ["record"], name
            assert message and "Traceback" not in message


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=12))
def test_postcodes_are_normalised_or_refused(text: str) -> None:
    from assetmap.model import Person
    try:
        person = validate(Person, {"name": "A", "postcode": text})
    except InvalidRecord as problem:
        assert problem.field == "postcode"
    else:
        assert person.postcode == " ".join(person.postcode.split()).upper()
        assert " " in person.postcode


@settings(max_examples=200, deadline=None)
@given(st.floats(allow_nan=True), st.floats(allow_nan=True))
def test_places_lie_in_the_uk(lat: float, lon: float) -> None:
    from assetmap.model import UK_LAT, UK_LON, Place
    try:
        place = validate(Place, {"name": "Hall", "lat": lat, "lon": lon})
    except InvalidRecord as problem:
        assert problem.field in ("lat", "lon")
    else:
        assert UK_LAT[0] <= place.lat <= UK_LAT[1] and UK_LON[0] <= place.lon <= UK_LON[1]


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"[0-2][0-9]:[0-5][0-9]", fullmatch=True),
       st.from_regex(r"[0-2][0-9]:[0-5][0-9]", fullmatch=True))
def test_activities_end_after_they_start(start: str, end: str) -> None:
    from assetmap.model import Activity
    try:
        activity = validate(Activity, {"name": "A", "weekday": "tue", "start": start,
                                       "end": end, "categories": ["social"]})
    except InvalidRecord as problem:
        assert problem.field in ("start", "end")
    else:
        assert activity.start < activity.end
