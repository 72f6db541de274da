"""The public asset finder: gazetteer, search rules against the graph, pages and API."""

from __future__ import annotations

import re
from datetime import datetime
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest
from markupsafe import escape

from assetmap import gazetteer
from assetmap.analysis.geo import distance_m
from assetmap.graph.store import GraphStore
from assetmap.model import InvalidRecord
from assetmap.services import finder
from tests.site import map_spec, page_language


def _expected(store: GraphStore, wanted) -> set[str]:  # noqa: ANN001
    """The ids a search should find, computed independently with a plain query."""
    return {r["id"] for r in _activities(store) if wanted(r)}


def _activities(store: GraphStore) -> list[dict]:
    return store.run_read(
        "MATCH (a:Activity)-[:HELD_AT]->(pl:Place) RETURN a.id AS id, a.name AS name, "
        "pl.id AS place, a.weekday AS day, "
        "a.welsh_language AS welsh, a.cost_pence AS cost, a.start AS start, "
        "a.categories AS categories, pl.step_free AS step_free, pl.lat AS lat, pl.lon AS lon")


def _sessions(found: finder.Found) -> set[str]:
    return {session["id"] for row in found.results for session in row["sessions"]}


class TestGazetteer:
    @pytest.mark.parametrize("text,label", [
        ("SY18", "SY18 (Llanidloes)"), ("ld1", "LD1 (Llandrindod Wells)"),
        ("Llanidloes", "Llanidloes"), ("y drenewydd", "Newtown"), ("CWMBRAN", "Cwmbran"),
        ("Cwmbrân", "Cwmbran"), ("SY18 6AB", "SY18 (Llanidloes)"),
    ])
    def test_names_and_districts(self, text: str, label: str) -> None:
        assert gazetteer.resolve(text).label == label

    @pytest.mark.parametrize("text,problem", [
        ("", "give a place name"), ("Atlantis", "no place"), ("ZZ9", "not one we know"),
        ("40.7, -74.0", "not in the United Kingdom"), ("EH1 1AA", "not one we know in Wales"),
    ])
    def test_unknown_places_name_the_field(self, text: str, problem: str) -> None:
        with pytest.raises(InvalidRecord) as error:
            gazetteer.resolve(text)
        assert error.value.field == "near" and problem in error.value.problem

    def test_onspd_import_gives_full_postcodes(self, tmp_path) -> None:  # noqa: ANN001
        lines = ["pcd,pcds,doterm,lat,long\n",
                 "SY186AB,SY18 6AB,,52.4501,-3.5432\n",
                 "SY186AD,SY18 6AD,201001,52.4,-3.5\n",       # terminated
                 "SY186ZZ,SY18 6ZZ,,99.999999,0.000000\n"]   # no grid reference
        assert gazetteer.import_onspd(tmp_path, lines) == 1
        found = gazetteer.resolve("sy18 6ab", tmp_path)
        assert (found.kind, found.lat, found.lon) == ("postcode", 52.4501, -3.5432)
        assert gazetteer.resolve("SY18 6AD", tmp_path).kind == "district"
        with pytest.raises(InvalidRecord, match="no column lat"):
            gazetteer.import_onspd(tmp_path, ["pcds,long\n"])
        assert gazetteer.resolve("SY18 6AB", tmp_path).kind == "postcode"  # old table kept


class TestSearch:
    def test_filters_match_an_independent_count(self, sample_store: GraphStore) -> None:
        where = gazetteer.resolve("Llanidloes")
        search = finder.parse({"near": "Llanidloes", "radius_km": "15", "day": "tue",
                               "welsh": "true", "step_free": "true", "per_page": "100"})
        found = finder.find(sample_store, search)
        expected = _expected(sample_store, lambda r: r["day"] == "tue" and r["welsh"]
                             and r["step_free"]
                             and distance_m(r["lat"], r["lon"], where.lat, where.lon) <= 15000)
        assert _sessions(found) == expected
        assert found.total == len({(r["place"], r["name"]) for r in _activities(sample_store)
                                   if r["id"] in expected})
        distances = [r["distance_m"] for r in found.results]
        assert distances == sorted(distances)

    def test_free_morning_and_category(self, sample_store: GraphStore) -> None:
        found = finder.find(sample_store, finder.parse(
            {"free": "1", "time_of_day": "am", "category": "music", "per_page": "100"}))
        expected = _expected(sample_store, lambda r: r["cost"] == 0 and r["start"] < "12:00"
                             and "music" in r["categories"])
        assert _sessions(found) == expected

    def test_pages_cover_everything_once(self, sample_store: GraphStore) -> None:
        first = finder.find(sample_store, finder.parse({"near": "SY16", "per_page": "5"}))
        seen = []
        for page in range(1, first.pages + 1):
            seen += [r["activity"]["id"] for r in finder.find(sample_store, finder.parse(
                {"near": "SY16", "per_page": "5", "page": str(page)})).results]
        assert len(seen) == len(set(seen)) == first.total

    def test_one_result_per_activity_with_its_sessions(self, client,  # noqa: ANN001
                                                       sample_store: GraphStore,
                                                       config) -> None:  # noqa: ANN001
        """The same activity on two days at one place (as a form, CSV or API enters it:
        two records of one name) is one result listing both days, on the page, the
        printed list and the API; the same name elsewhere is a result of its own."""
        from assetmap.services import directory

        place = sample_store.run_read(
            "MATCH (p:Place) WHERE p.town = 'Llanidloes' RETURN p.id AS id LIMIT 1")[0]["id"]
        other = sample_store.run_read(
            "MATCH (p:Place) WHERE p.town = 'Llanidloes' AND p.id <> $id RETURN p.id AS id "
            "LIMIT 1", id=place)[0]["id"]
        made = [directory.create(sample_store, directory.REPOSITORIES["activities"], {
            "name": "Tai Chi Teg", "weekday": day, "start": start, "end": end,
            "categories": ["exercise"]}, config.instance_path, "staff", place_id=where)["id"]
            for day, start, end, where in (("thu", "14:00", "15:00", place),
                                           ("mon", "10:00", "11:00", place),
                                           ("wed", "10:00", "11:00", other))]
        found = finder.find(sample_store, finder.parse(
            {"near": "Llanidloes", "text": "tai chi teg"}),
            now=datetime(2026, 12, 2, 12, 0))  # a Wednesday
        assert found.total == len(found.results) == 2
        both = next(r for r in found.results if r["place"]["id"] == place)
        assert [s["weekday"] for s in both["sessions"]] == ["thu", "mon"]  # as they come
        assert [s["id"] for s in both["sessions"]] == [made[0], made[1]]
        assert both["activity"]["id"] == made[0] and both["next_session"] == "2026-12-03"
        html = client.get("/find?near=Llanidloes&text=tai+chi+teg").get_data(as_text=True)
        assert html.count('class="result"') == 2
        assert html.count("<li>Thursday 14:00–15:00") == 1 == html.count("<li>Monday 10:00")
        printed = client.get("/find/print?near=Llanidloes&text=tai+chi+teg").get_data(
            as_text=True)
        assert "Thursday 14:00–15:00" in printed and "Monday 10:00–11:00" in printed
        items = client.get("/api/v1/assets?near=Llanidloes&text=tai+chi+teg").get_json()
        assert items["total"] == 2
        assert sorted(len(item["sessions"]) for item in items["items"]) == [1, 2]
        # the place's own page: one row for the activity, each session in it, Monday first
        venue = client.get(f"/assets/{made[0]}").get_data(as_text=True)
        assert venue.count("Tai Chi Teg</h3>") == 1
        assert venue.index("Monday 10:00–11:00") < venue.index("Thursday 14:00–15:00")
        chosen = venue.split("app-activity--chosen")[1].split("</dl>")[0]
        assert f'id="activity-{made[0]}"' in chosen and f'id="activity-{made[1]}"' in chosen
        assert "Thursday 14:00–15:00" in chosen and "Monday 10:00–11:00" in chosen
        assert venue.count("app-activity--chosen") == 1

    def test_ages_read_as_people_say_them(self, client, sample_store: GraphStore,  # noqa: ANN001
                                         config) -> None:  # noqa: ANN001
        from assetmap.services import directory

        place = sample_store.run_read("MATCH (p:Place) RETURN p.id AS id LIMIT 1")[0]["id"]
        for name, ages in (("Over fifties", {"age_min": 50}), ("Little ones", {"age_max": 4}),
                           ("Youth club", {"age_min": 11, "age_max": 18})):
            directory.create(sample_store, directory.REPOSITORIES["activities"], {
                "name": name, "weekday": "tue", "start": "10:00", "end": "11:00",
                "categories": ["social"], **ages},
                config.instance_path, "staff", place_id=place)
        page = client.get(f"/assets/{place}").get_data(as_text=True)
        for shown in ("50 and over", "up to 4", "11 to 18"):
            assert f'<dd class="govuk-summary-list__value">{shown}</dd>' in page, shown
        welsh = client.get(f"/assets/{place}?lang=cy").get_data(as_text=True)
        assert '<dd class="govuk-summary-list__value">50 a hŷn</dd>' in welsh

    @pytest.mark.parametrize("asked", [
        {"near": "Llanidloes", "radius_km": "10", "welsh": "true"},
        {"near": "Llanidloes", "radius_km": "20", "day": "tue", "step_free": "true"},
        {"text": "choir"},
    ])
    def test_the_count_beside_each_choice_is_the_search_it_would_make(
            self, client, sample_store: GraphStore, asked: dict) -> None:  # noqa: ANN001
        found = finder.find(sample_store, finder.parse(asked))
        counts = finder.choice_counts(sample_store, found)
        assert set(counts) == {"day", "time_of_day", "category", "free", "welsh", "delivery",
                               "step_free", "hearing_loop", "accessible_toilet", "parking"}
        for facet, values in counts.items():
            for value, count in values.items():
                chosen = {**asked, facet: "true" if value is True else value}
                assert finder.find(sample_store, finder.parse(chosen)).total == count, (
                    facet, value)
        assert any(count for values in counts.values() for count in values.values())
        html = unescape(client.get("/find", query_string=asked).get_data(as_text=True))
        assert f"Monday ({counts['day']['mon']})" in html
        assert f"Free ({counts['free'][True]})" in html and 'id="choice-counts"' in html
        assert "Monday (" not in client.get("/find").get_data(as_text=True), "not before"

    def test_next_session(self) -> None:
        wednesday = datetime(2026, 11, 25, 12, 0)
        assert finder.next_session({"weekday": "wed", "start": "14:00"}, wednesday).day == 25
        assert finder.next_session({"weekday": "wed", "start": "10:00"}, wednesday).day == 2
        assert finder.next_session({"weekday": "mon", "start": "10:00"}, wednesday).day == 30

    @pytest.mark.parametrize("params,field", [
        ({"radius_km": "0"}, "radius_km"), ({"day": "someday"}, "day"),
        ({"lat": "52.4"}, "lon"), ({"age": "-3"}, "age"), ({"colour": "red"}, "colour"),
        ({"per_page": "1000"}, "per_page"),
    ])
    def test_bad_parameters_name_the_field(self, params: dict, field: str) -> None:
        with pytest.raises(InvalidRecord) as error:
            finder.parse(params)
        assert error.value.field == field


class TestPages:
    def test_finder_lists_and_maps_results(self, client, sample_store: GraphStore) -> None:  # noqa: ANN001
        page = client.get("/find?near=SY18&radius_km=10")
        html = page.get_data(as_text=True)
        found = finder.find(sample_store, finder.parse({"near": "SY18", "radius_km": "10"}))
        assert page.status_code == 200 and found.total > 0
        assert f"{found.total} activities" in html
        for row in found.results:
            assert f'id="result-{row["activity"]["id"]}"' in html
        places = {row["place"]["id"] for row in found.results}
        circle, markers = map_spec(html)["layers"]
        assert circle["type"] == "circle" and circle["radius_m"] == 10_000
        assert markers["cluster"] and len(markers["points"]) == len(places)  # one a place
        # each place's pin carries the list number of its first result ("3+" for more)
        pins = [point["number"] for point in markers["points"]]
        first: dict[str, list[int]] = {}
        for number, row in enumerate(found.results, start=1):
            first.setdefault(row["place"]["id"], []).append(number)
        assert sorted(pins) == sorted(f"{n[0]}{'+' if len(n) > 1 else ''}"
                                      for n in first.values())

    def test_a_search_in_welsh_from_the_switch(self, client, sample_store: GraphStore) -> None:  # noqa: ANN001
        """``lang`` chooses the page's language and is never taken for a search field."""
        found = finder.find(sample_store, finder.parse({"near": "SY18", "radius_km": "10"}))
        for url in ("/find?near=SY18&radius_km=10&lang=cy",
                    "/find/print?near=SY18&radius_km=10&lang=cy"):
            page = client.get(url)
            html = page.get_data(as_text=True)
            assert page.status_code == 200 and page_language(html) == "cy", url
            for row in found.results:
                assert escape(row["activity"]["name_cy"] or row["activity"]["name"]) in html
        switch = client.get("/find?near=SY18&radius_km=10&lang=cy").get_data(as_text=True)
        assert escape("/find?near=SY18&radius_km=10&lang=en") in switch, "the switch keeps it"

    def test_no_results_offers_what_would_find_something(self, client,  # noqa: ANN001
                                                          sample_store: GraphStore) -> None:
        """Welsh-language, on a day and time with nothing: each thing it could let go of is
        offered with how many it would then find (real searches), one tap away, and no
        map is drawn for nothing."""
        base = {"near": "Llanidloes", "radius_km": "2", "welsh": "true", "day": "sun",
                "time_of_day": "eve"}
        found = finder.find(sample_store, finder.parse(base))
        assert found.total == 0, "the sample has nothing Welsh on a Sunday evening here"
        page = client.get("/find", query_string=base)
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and "Nothing matches all of that." in html
        assert "L.map(" not in html, "no map for no results (it threw 'container not found')"
        offers = re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>',
                            html.split('id="relaxations"')[1].split("</ul>")[0])
        assert offers, "something is offered"
        for url, text in offers:
            query = dict(parse_qsl(urlsplit(unescape(url)).query))
            count = finder.find(sample_store, finder.parse(query)).total
            assert count > 0, (text, query)
            if text[0].isdigit():  # "3 activities on other days": the count it promised
                assert int(text.split()[0]) == count, (text, query)
            assert len(set(base.items()) - set(query.items())) == 1, "one thing at a time"
            if query["radius_km"] != base["radius_km"]:  # the nearest distance that finds
                nearer = [km for km in ("5", "10", "20", "40")
                          if float(base["radius_km"]) < float(km) < float(query["radius_km"])]
                assert all(finder.find(sample_store, finder.parse(
                    {**base, "radius_km": km})).total == 0 for km in nearer), query
        assert "No activities within 2 km of Llanidloes" in html and "0 activities" not in html

    def test_the_printable_list_fits_a_phone_and_says_what_was_asked(self, client) -> None:  # noqa: ANN001
        html = client.get("/find/print?near=SY18&radius_km=10&welsh=true&day=tue"
                          "&step_free=true").get_data(as_text=True)
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
        assert 'id="print"' in html and "/static/print.js" in html
        asked = html.split('id="asked">')[1].split("</small>")[0]
        assert asked == "Tuesday · in Welsh · Step-free access"

    def test_a_typo_gets_a_did_you_mean(self, client) -> None:  # noqa: ANN001
        html = client.get("/find?near=Llanidlos").get_data(as_text=True)
        mean = html.split('id="did-you-mean"')[1].split("</p>")[0]
        assert ">Llanidloes</a>" in mean and "near=Llanidloes" in unescape(mean)
        assert 'id="did-you-mean"' not in client.get("/find?near=Zzyzx").get_data(as_text=True)

    def test_welsh_pages_name_towns_in_welsh(self, client, sample_store: GraphStore) -> None:  # noqa: ANN001
        """A venue in a town with a Welsh name of its own (Newtown: Y Drenewydd) is named
        with it on a Welsh page: in the results, on the venue's page, in the printable list
        and in the public map's data; the English page keeps the English name."""
        from tests.community import Community

        english, welsh = "Newtown", gazetteer.welsh_names()["Newtown"]
        where = gazetteer.resolve(english)
        Community(sample_store).activity("lunch-club", name="Lunch club", place={
            "town": english, "lat": where.lat, "lon": where.lon})
        place = {"id": "lunch-club-venue"}
        near = f"near={english}&radius_km=2"
        page = client.get(f"/find?{near}&lang=cy").get_data(as_text=True)
        assert f"</a>, {escape(welsh)}" in page and f"</a>, {escape(english)}\n" not in page
        venue = client.get(f"/assets/{place['id']}?lang=cy").get_data(as_text=True)
        assert f"<p>{escape(welsh)}</p>" in venue.split('id="where-heading"')[1]
        assert f", {escape(welsh)}" in client.get(f"/find/print?{near}&lang=cy").get_data(
            as_text=True)
        towns = {f["properties"]["town"] for f in client.get(
            "/places.geojson?lang=cy").get_json()["features"]}
        assert welsh in towns and english not in towns
        assert f"</a>, {escape(english)}" in client.get(f"/find?{near}&lang=en").get_data(
            as_text=True)

    def test_empty_finder_shows_only_the_form(self, client) -> None:  # noqa: ANN001
        html = client.get("/find").get_data(as_text=True)
        assert 'id="finder-form"' in html and "results-heading" not in html

    def test_bad_input_reshows_the_form_with_the_message(self, client) -> None:  # noqa: ANN001
        page = client.get("/find?near=Atlantis&radius_km=10")
        html = page.get_data(as_text=True)
        assert page.status_code == 400
        assert "There is a problem" in html and 'aria-invalid="true"' in html
        assert escape("'Atlantis'") in html and 'value="Atlantis"' in html

    def test_asset_page_by_place_and_by_activity(self, client, sample_store: GraphStore) -> None:  # noqa: ANN001
        row = sample_store.run_read(
            "MATCH (a:Activity)-[:HELD_AT]->(p:Place) RETURN a.id AS a, a.name AS name, "
            "p.id AS p, p.name AS place LIMIT 1")[0]
        for asset_id in (row["p"], row["a"]):
            html = client.get(f"/assets/{asset_id}").get_data(as_text=True)
            assert escape(row["place"]) in html and escape(row["name"]) in html
            assert "Step-free access" in html
        assert "app-activity--chosen" in client.get(f"/assets/{row['a']}").get_data(as_text=True)
        assert "app-activity--chosen" not in client.get(f"/assets/{row['p']}").get_data(
            as_text=True), "nothing is chosen on a place's own page"
        assert client.get("/assets/no-such-thing").status_code == 404

    def test_printable_list(self, client, sample_store: GraphStore) -> None:  # noqa: ANN001
        html = client.get("/find/print?near=SY18&radius_km=10").get_data(as_text=True)
        found = finder.find(sample_store, finder.parse({"near": "SY18", "radius_km": "10"}))
        assert html.count("<tr>") == len(found.results) + 1
        assert client.get("/find/print").status_code == 400


class TestApi:
    def test_assets_page_and_links(self, client, sample_store: GraphStore) -> None:  # noqa: ANN001
        body = client.get("/api/v1/assets?near=SY18&per_page=2").get_json()
        found = finder.find(sample_store, finder.parse({"near": "SY18"}))
        assert body["total"] == found.total and len(body["items"]) == 2
        assert "page=2" in body["_links"]["next"] and body["_links"]["prev"] is None
        assert body["location"]["label"] == "SY18 (Llanidloes)"

    def test_links_never_come_from_the_host_header(self, config, sample_store: GraphStore) -> None:  # noqa: ANN001
        from assetmap.web import create_app
        forged = {"Host": "evil.example", "X-Forwarded-Host": "evil.example"}
        for base, start in (("", "/api/v1/assets?"),
                            ("https://assetmap.example.cymru",
                             "https://assetmap.example.cymru/api/v1/assets?")):
            client = create_app(config.with_changes(base_url=base)).test_client()
            links = client.get("/api/v1/assets?near=SY18&per_page=2",
                               headers=forged).get_json()["_links"]
            assert links["self"].startswith(start) and links["next"].startswith(start)
            root = client.get("/api/v1/hsds/", headers=forged).get_json()
            assert root["openapi_url"] == start.split("/api/")[0] + "/api/v1/openapi.json"

    @pytest.mark.parametrize("query,field", [
        ("radius_km=-1", "radius_km"), ("near=Atlantis", "near"), ("day=funday", "day"),
    ])
    def test_bad_query_is_422_naming_the_field(self, client, query: str, field: str) -> None:  # noqa: ANN001
        response = client.get(f"/api/v1/assets?{query}")
        assert response.status_code == 422
        assert response.get_json()["errors"][0]["field"] == field

    def test_lang_is_taken_and_errors_follow_it(self, client) -> None:  # noqa: ANN001
        english = client.get("/api/v1/assets?radius_km=-1&lang=en").get_json()["errors"]
        welsh = client.get("/api/v1/assets?radius_km=-1&lang=cy").get_json()["errors"]
        assert [e["field"] for e in welsh] == [e["field"] for e in english] == ["radius_km"]
        assert welsh[0]["message"] != english[0]["message"]
        assert client.get("/api/v1/assets?near=SY18&lang=cy").status_code == 200
        assert client.get("/api/v1/assets?lang=fr").status_code == 422
        missing = {lang: client.get(f"/api/v1/groups/nope?lang={lang}").get_json()
                   for lang in ("en", "cy")}
        assert missing["en"]["errors"][0]["message"] == "no group with id 'nope'"
        assert missing["cy"]["errors"][0]["message"] == "does dim grŵp gyda'r dynodydd 'nope'"

    def test_one_asset_and_404(self, client, sample_store: GraphStore) -> None:  # noqa: ANN001
        place = sample_store.run_read("MATCH (p:Place) RETURN p.id AS id LIMIT 1")[0]["id"]
        body = client.get(f"/api/v1/assets/{place}").get_json()
        assert body["place"]["id"] == place
        missing = client.get("/api/v1/assets/nope")
        assert missing.status_code == 404
        assert missing.get_json() == {"errors": [
            {"field": "asset_id", "message": "no place or activity with id 'nope'"}]}
