"""Connectors' pages through the test client, CSRF on: people, circles, "what matters",
suggestions, invitations and referrals, and who may see whom."""

from __future__ import annotations

import re

import pytest

from assetmap.graph.store import GraphStore
from tests.conftest import csrf_token, form_errors
from tests.site import map_spec


def _post(client, path: str, data: dict, form_page: str | None = None):  # noqa: ANN001, ANN202
    page = client.get(form_page or path)
    return client.post(path, data={**data, "csrf_token": csrf_token(page.get_data(as_text=True))})


def _own_person(store: GraphStore, org: str = "org-carers") -> str:
    return store.run_read(
        "MATCH (p:Person)-[:RECORDED_BY]->(:Organisation {id: $org}) MATCH (p)-[:KNOWS]->() "
        "RETURN p.id AS id ORDER BY p.id LIMIT 1", org=org)[0]["id"]


def _other_orgs_person(store: GraphStore, org: str = "org-carers") -> str:
    return store.run_read(
        "MATCH (p:Person)-[:RECORDED_BY]->(o:Organisation) WHERE o.id <> $org "
        "AND NOT (p)-[:SHARED_WITH]->(:Organisation {id: $org}) "
        "RETURN p.id AS id ORDER BY p.id LIMIT 1", org=org)[0]["id"]


@pytest.fixture
def megan(client, sign_in, sample_store: GraphStore) -> str:  # noqa: ANN001
    """A connector signs in and records Megan; returns her id."""
    sign_in("connector")
    response = _post(client, "/people/new", {
        "name": "Megan Jones", "birth_year": "1941", "postcode": "SY18 6AB",
        "languages": ["cy", "en"], "lives_alone": "true", "interests": "singing, gardening",
        "needs": "company"}, "/people/new")
    assert response.status_code == 302
    return response.headers["Location"].rsplit("/", 1)[1]


class TestWhoSeesWhom:
    @pytest.mark.parametrize("role", ["coordinator", "admin"])
    def test_other_roles_cannot_open_people(self, client, sign_in, role: str,  # noqa: ANN001
                                            sample_store: GraphStore) -> None:
        sign_in(role)
        assert client.get("/people/").status_code == 403
        assert client.get(f"/people/{_own_person(sample_store)}").status_code == 403

    def test_anonymous_is_sent_to_sign_in(self, client, sample_store: GraphStore) -> None:  # noqa: ANN001
        response = client.get(f"/people/{_own_person(sample_store)}")
        assert response.status_code == 302 and "/login" in response.headers["Location"]

    def test_connector_sees_own_organisation_only(self, client, sign_in,  # noqa: ANN001
                                                  sample_store: GraphStore) -> None:
        sign_in("connector", "org-carers")
        assert client.get(f"/people/{_own_person(sample_store)}").status_code == 200
        other = _other_orgs_person(sample_store)
        assert client.get(f"/people/{other}").status_code == 404
        assert client.get(f"/people/{other}/suggestions").status_code == 404
        assert client.get("/people/no-such-person").status_code == 404

    def test_shared_with_the_organisation_is_visible(self, client, sign_in,  # noqa: ANN001
                                                     sample_store: GraphStore) -> None:
        from assetmap.graph import consents
        other = _other_orgs_person(sample_store)
        sample_store.run_write(  # a share with no consent behind it grants nothing
            "MATCH (p:Person {id: $id}), (o:Organisation {id: 'org-carers'}) "
            "CREATE (p)-[:SHARED_WITH {consent_id: 'c-1'}]->(o)", id=other)
        sign_in("connector", "org-carers")
        assert client.get(f"/people/{other}").status_code == 404
        consents.record(sample_store, {
            "person_id": other, "organisation_id": "org-carers", "given_by": "person",
            "purpose": "share_with_organisation", "given_at": "2026-01-01"})
        assert client.get(f"/people/{other}").status_code == 200

    def test_list_holds_exactly_the_organisations_people(self, client, sign_in,  # noqa: ANN001
                                                         sample_store: GraphStore) -> None:
        from assetmap.graph import people as people_graph
        for n in range(30):
            people_graph.repo.create(sample_store, {"name": f"Extra {n:02d}"},
                                     organisation_id="org-cvc")
        sign_in("connector", "org-cvc")
        expected = sample_store.run_read(
            "MATCH (p:Person)-[:RECORDED_BY]->(:Organisation {id: 'org-cvc'}) "
            "RETURN count(p) AS n")[0]["n"]
        html = client.get("/people/").get_data(as_text=True)
        assert f"{expected} people" in html
        assert expected > 50 and 'rel="next" href="/people/?page=2"' in html
        last = -(-expected // 50)
        page = client.get(f"/people/?page={last}").get_data(as_text=True)
        assert page.count('<th scope="row"><a href="/people/') == expected - 50 * (last - 1)
        assert 'rel="next"' not in page and f"Page {last} of {last}" in page


def test_the_lists_sort_by_risk_and_by_hours(client, sign_in,  # noqa: ANN001
                                             sample_store: GraphStore) -> None:
    """At risk first (lowest score first, not assessed last); most hours of care first;
    an order not offered is a 400 naming ``sort``."""
    from assetmap.services import analysis

    analysis.run_analysis(sample_store)
    sign_in("connector", "org-carers")

    def listed(query: str) -> list[dict]:
        html = client.get(f"/people/?{query}").get_data(as_text=True)
        ids = re.findall(r'<th scope="row"><a href="/people/([^"]+)">', html)
        rows = {r["p"]["id"]: r["p"] for r in sample_store.run_read(
            "MATCH (p:Person) WHERE p.id IN $ids RETURN properties(p) AS p", ids=ids)}
        return [rows[i] for i in ids]

    by_risk = listed("sort=risk")
    ranks = [(0 if p.get("isolation_risk") else 1 if p.get("isolation_risk") is False else 2,
              p.get("lsns6", 99)) for p in by_risk]
    assert ranks == sorted(ranks) and ranks[0][0] == 0, "at risk first, lowest score first"
    by_hours = listed("carers=1&sort=hours")
    hours = [p.get("carer_hours") or 0 for p in by_hours]
    assert hours == sorted(hours, reverse=True) and hours[0] > 0
    html = client.get("/people/?carers=1&sort=hours").get_data(as_text=True)
    assert 'aria-sort="descending"' in html and f"{by_hours[0]['carer_hours']:g}" in html
    bad = client.get("/people/?sort=p.name%20DESC")
    assert bad.status_code == 400 and "sort: must be one of" in bad.get_data(as_text=True)


class TestRecordingAPerson:
    def test_bad_input_reshows_the_form_with_messages(self, client, sign_in) -> None:  # noqa: ANN001
        sign_in("connector")
        response = _post(client, "/people/new", {"name": "", "birth_year": "1800",
                                                 "postcode": "NOT A POSTCODE"}, "/people/new")
        assert response.status_code == 400
        errors = form_errors(response.get_data(as_text=True))
        assert errors["name"] == "Is required"
        assert "between 1900" in errors["birth_year"]
        assert "not a UK postcode" in errors["postcode"]

    def test_create_and_edit(self, client, megan: str, sample_store: GraphStore) -> None:  # noqa: ANN001
        stored = sample_store.run_read(
            "MATCH (p:Person {id: $id})-[:RECORDED_BY]->(o) RETURN properties(p) AS p, "
            "o.id AS org", id=megan)[0]
        assert stored["org"] == "org-carers"
        assert stored["p"]["languages"] == ["cy", "en"] and stored["p"]["lives_alone"] is True
        assert stored["p"]["lat"] is not None, "home point from the postcode"
        edit = f"/people/{megan}/edit"
        response = _post(client, edit, {"name": "Megan Jones", "birth_year": "1942",
                                        "languages": ["cy"], "interests": "singing"})
        assert response.status_code == 302
        after = sample_store.run_read("MATCH (p:Person {id: $id}) RETURN properties(p) AS p",
                                      id=megan)[0]["p"]
        assert after["birth_year"] == 1942 and after["interests"] == ["singing"]
        assert "lives_alone" not in after or after["lives_alone"] is False


class TestCircle:
    def _three_ties(self, client, megan: str) -> None:  # noqa: ANN001
        for name, relation, circle, contact in (
                ("Siân Jones", "family", "1", "daily"),
                ("Dr Evans", "professional", "4", "monthly"),
                ("Bryn Price", "neighbour", "3", "monthly")):
            response = _post(client, f"/people/{megan}/ties/new", {
                "other_id": "new", "name": name, "relation": relation, "circle": circle,
                "contact": contact, "strength": "3"})
            assert response.status_code == 302

    def test_the_summary_card_answers_first(self, client, megan: str) -> None:  # noqa: ANN001
        """Before anything else on the page: isolation (or not assessed), the circle (or
        on whom it hangs), and the next follow-up."""
        def card() -> str:
            html = client.get(f"/people/{megan}").get_data(as_text=True)
            assert html.index('id="summary"') < html.index('id="about-heading"')
            return re.sub(r"\s+", " ", html.split('id="summary"')[1].split("</section>")[0])

        page = client.get(f"/people/{megan}").get_data(as_text=True)
        assert page.index('id="erase-heading"') < page.index("</main>"), "inside the page"
        assert page.index('id="erase-heading"') > page.index('id="referrals"'), "at the foot"
        first = card()
        assert "Not assessed" in first and "0 people in circles 1–3" in first
        assert "None due" in first
        self._three_ties(client, megan)
        fragile = card()
        assert "Fragile</span>: hangs on Siân Jones" in fragile

    def test_ties_fragile_circle_and_ecomap(self, client, megan: str,  # noqa: ANN001
                                            sample_store: GraphStore) -> None:
        self._three_ties(client, megan)
        circle = sample_store.run_read(
            "MATCH (:Person {id: $id})-[k:KNOWS]->(o)-[:RECORDED_BY]->(:Organisation "
            "{id: 'org-carers'}) RETURN o.name AS name, k.circle AS circle ORDER BY name",
            id=megan)
        assert [(r["name"], r["circle"]) for r in circle] == [
            ("Bryn Price", 3), ("Dr Evans", 4), ("Siân Jones", 1)]
        html = client.get(f"/people/{megan}").get_data(as_text=True)
        assert 'id="fragile-warning"' in html and "<strong>Siân Jones</strong>" in html
        reasons = html.split('id="reasons"')[1].split("</ul>")[0]
        assert "without Siân Jones" in reasons, "the key person by name, never an id"
        assert html.count('<g class="member') == 3
        assert "Homes are rounded" in html
        stored = sample_store.run_read(
            "MATCH (p:Person {id: $id}) RETURN p.fragile_circle AS f, p.key_person_id AS k",
            id=megan)[0]
        assert stored["f"] is True, "the assessment is stored after ties change"

    def test_nothing_is_chosen_for_the_connector(self, client, megan: str,  # noqa: ANN001
                                                  sample_store: GraphStore) -> None:
        """The add-to-circle form comes with no relationship, circle, contact or closeness
        chosen, and one not chosen is named: a default would be stored as a fact."""
        form = client.get(f"/people/{megan}/ties/new").get_data(as_text=True)
        assert " selected>" not in form
        nothing = _post(client, f"/people/{megan}/ties/new", {"other_id": "new"})
        assert set(form_errors(nothing.get_data(as_text=True))) == {
            "name", "relation", "circle", "contact", "strength"}, "every problem at once"
        refused = _post(client, f"/people/{megan}/ties/new", {
            "other_id": "new", "name": "Ffion", "relation": "friend", "circle": "2"})
        assert refused.status_code == 400
        assert set(form_errors(refused.get_data(as_text=True))) == {"contact", "strength"}
        assert not sample_store.run_read("MATCH (p:Person {name: 'Ffion'}) RETURN p.id AS id")

    def test_not_known_is_an_answer_stored_as_nothing(self, client, megan: str,  # noqa: ANN001
                                                      sample_store: GraphStore) -> None:
        """"Not known" for how often and how close is chosen, stored as nothing (never a
        default), shown as "Not known" on the person's page and chosen again on editing."""
        added = _post(client, f"/people/{megan}/ties/new", {
            "other_id": "new", "name": "Gwen Heulwen", "relation": "neighbour",
            "circle": "3", "contact": "not_known", "strength": "not_known"})
        assert added.status_code == 302
        stored = sample_store.run_read(
            "MATCH (:Person {id: $id})-[k:KNOWS]->(o {name: 'Gwen Heulwen'}) "
            "RETURN properties(k) AS k, o.id AS o", id=megan)[0]
        assert stored["k"] == {"relation": "neighbour", "circle": 3}
        page = client.get(f"/people/{megan}").get_data(as_text=True)
        row = re.search(r'<tr>\s*<th scope="row">Gwen Heulwen.*?</tr>', page, re.S).group(0)
        assert "Not known" in row
        edit = client.get(f"/people/{megan}/ties/{stored['o']}/edit").get_data(as_text=True)
        assert edit.count('value="not_known" selected') == 2

    def test_bad_tie_and_ending_a_tie(self, client, megan: str,  # noqa: ANN001
                                      sample_store: GraphStore) -> None:
        self._three_ties(client, megan)
        response = _post(client, f"/people/{megan}/ties/new", {
            "other_id": "new", "name": "Nurse", "relation": "professional", "circle": "1",
            "contact": "daily", "strength": "3"})
        assert response.status_code == 400
        assert "circle 4" in form_errors(response.get_data(as_text=True))["circle"]
        bryn = sample_store.run_read(
            "MATCH (:Person {id: $id})-[:KNOWS]->(o {name: 'Bryn Price'}) RETURN o.id AS id",
            id=megan)[0]["id"]
        edit = f"/people/{megan}/ties/{bryn}/edit"
        bad = _post(client, edit, {"relation": "neighbour", "circle": "3", "contact": "hourly",
                                   "strength": "9"})
        assert bad.status_code == 400
        assert set(form_errors(bad.get_data(as_text=True))) == {"contact", "strength"}
        good = _post(client, edit, {"relation": "friend", "circle": "2", "contact": "weekly",
                                    "strength": "4"})
        assert good.status_code == 302
        assert sample_store.run_read(
            "MATCH (:Person {id: $id})-[k:KNOWS]->(:Person {id: $b}) RETURN k.circle AS c, "
            "k.relation AS r", id=megan, b=bryn) == [{"c": 2, "r": "friend"}]
        had = sample_store.run_read(
            "MATCH (:Person {id: $id})-[k:KNOWS]->(:Person {id: $b}) RETURN properties(k) AS k",
            id=megan, b=bryn)[0]["k"]
        end = f"/people/{megan}/ties/{bryn}/end"
        asked = client.get(end).get_data(as_text=True)  # asks first, naming both
        assert "End the tie between Megan Jones and Bryn Price?" in asked
        assert sample_store.run_read("MATCH (:Person {id: $id})-[k:KNOWS]->() "
                                     "RETURN count(k) AS n", id=megan)[0]["n"] == 3
        response = _post(client, end, {})
        assert response.status_code == 302
        assert sample_store.run_read("MATCH (:Person {id: $id})-[k:KNOWS]->() "
                                     "RETURN count(k) AS n", id=megan)[0]["n"] == 2
        page = client.get(f"/people/{megan}").get_data(as_text=True)
        assert "The tie with Bryn Price is ended." in page
        assert "The tie with Bryn Price is ended." not in client.get(
            f"/people/{megan}").get_data(as_text=True), "said once"
        undone = client.post(f"/people/{megan}/ties/{bryn}/restore",
                             data={"csrf_token": csrf_token(page)})
        assert undone.status_code == 302
        assert sample_store.run_read(
            "MATCH (:Person {id: $id})-[k:KNOWS]->(:Person {id: $b}) RETURN properties(k) AS k",
            id=megan, b=bryn)[0]["k"] == had, "back exactly as it was"
        again = client.post(f"/people/{megan}/ties/{bryn}/restore",
                            data={"csrf_token": csrf_token(page)})
        assert again.status_code == 400, "an undo is used once"

    def test_choose_someone_already_recorded(self, client, megan: str,  # noqa: ANN001
                                             sample_store: GraphStore) -> None:
        known = _own_person(sample_store)
        name = sample_store.run_read("MATCH (p:Person {id: $id}) RETURN p.name AS n",
                                     id=known)[0]["n"]
        found = client.get(f"/people/{megan}/ties/new?q={name.split()[0]}")
        assert f'value="{known}"' in found.get_data(as_text=True)
        tie = {"relation": "friend", "circle": "2", "contact": "weekly", "strength": "3"}
        response = _post(client, f"/people/{megan}/ties/new", {**tie, "other_id": known})
        assert response.status_code == 302
        assert sample_store.run_read("MATCH (:Person {id: $a})-[k:KNOWS]->(:Person {id: $b}) "
                                     "RETURN k.circle AS c", a=megan, b=known) == [{"c": 2}]
        stranger = _other_orgs_person(sample_store)
        refused = _post(client, f"/people/{megan}/ties/new", {**tie, "other_id": stranger},
                        f"/people/{megan}/ties/new")
        assert refused.status_code == 404

    def test_what_matters(self, client, megan: str) -> None:  # noqa: ANN001
        path = f"/people/{megan}/what-matters/new"
        bad = _post(client, path, {"date": "not a date"})
        assert bad.status_code == 400 and "date" in form_errors(bad.get_data(as_text=True))
        good = _post(client, path, {"date": "2026-11-20", "can_do_myself": "Cook my tea",
                                    "need_a_little_help": "Getting to chapel",
                                    "others_might_provide": "A lift on Sundays"})
        assert good.status_code == 302
        html = client.get(f"/people/{megan}").get_data(as_text=True)
        assert "Getting to chapel" in html and "recorded by Test connector" in html

    def test_what_matters_needs_content_and_can_be_corrected_or_deleted(  # noqa: ANN001
            self, app, client, megan: str, sample_store: GraphStore) -> None:
        """An empty conversation is refused (it would let the circle be assessed); one
        recorded can be corrected or, after a question, deleted - both in the audit trail."""
        path = f"/people/{megan}/what-matters/new"
        empty = _post(client, path, {"date": "2026-11-20", "can_do_myself": "  "})
        assert empty.status_code == 400
        assert "Enter what the person can do" in form_errors(
            empty.get_data(as_text=True))["can_do_myself"]
        both = _post(client, path, {"date": ""})
        assert set(form_errors(both.get_data(as_text=True))) == {"date", "can_do_myself"}
        assert not sample_store.run_read(
            "MATCH (w:WhatMatters {person_id: $id}) RETURN w.id AS id", id=megan)
        assert _post(client, path, {"date": "2026-11-20",
                                    "can_do_myself": "Cook my tea"}).status_code == 302
        conversation = sample_store.run_read(
            "MATCH (w:WhatMatters {person_id: $id}) RETURN w.id AS id", id=megan)[0]["id"]
        edit = f"/people/{megan}/what-matters/{conversation}/edit"
        assert "Cook my tea" in client.get(edit).get_data(as_text=True)
        emptied = _post(client, edit, {"date": "2026-11-20", "can_do_myself": ""})
        assert emptied.status_code == 400, "correcting cannot empty it either"
        assert _post(client, edit, {"date": "2026-11-21", "can_do_myself": "Cook my dinner",
                                    "others_might_provide": "A lift"}).status_code == 302
        stored = sample_store.run_read(
            "MATCH (w:WhatMatters {id: $id}) RETURN properties(w) AS w", id=conversation)[0]["w"]
        assert (stored["date"], stored["can_do_myself"], stored["others_might_provide"]) == (
            "2026-11-21", "Cook my dinner", "A lift")
        delete = f"/people/{megan}/what-matters/{conversation}/delete"
        asked = client.get(delete).get_data(as_text=True)
        assert "Delete the “what matters” conversation of 21 November 2026" in asked
        assert "Cook my dinner" in asked
        assert _post(client, delete, {}).status_code == 302
        assert not sample_store.run_read(
            "MATCH (w:WhatMatters {person_id: $id}) RETURN w.id AS id", id=megan)
        from assetmap.web import auditing

        with app.app_context():
            done = [(e["action"], e.get("record_type")) for e in auditing.audit_log().search(
                record_id=conversation)]
            megans = [e["action"] for e in auditing.audit_log().search(record_id=megan)]
        assert ("update", "WhatMatters") in done and ("delete", "WhatMatters") in done
        # her record changed three times (recorded, corrected, deleted); the three refused
        # tries only read it, to show the form again
        assert megans.count("update") == 3 and "view" in megans


    def test_not_assessed_until_a_questionnaire_is_recorded(  # noqa: ANN001
            self, client, megan: str, sample_store: GraphStore) -> None:
        """Megan, 85 and nobody recorded around her, is "not assessed", never "at risk";
        the questionnaire form scores her (audited); a wrong answer is named."""
        page = client.get(f"/people/{megan}").get_data(as_text=True)
        assert "Not assessed: no questionnaire" in page and "not assessed: not" not in page
        assert "At risk of social isolation" not in page
        assert "record a questionnaire" in page and 'id="record-lsns6"' in page
        path = f"/people/{megan}/lsns6/new"
        answers = dict.fromkeys(("family_monthly", "family_private", "family_help",
                                 "friends_monthly", "friends_private", "friends_help"), "1")
        bad = _post(client, path, {**answers, "date": "2026-11-20", "friends_help": "7"})
        assert bad.status_code == 400
        assert "friends_help" in form_errors(bad.get_data(as_text=True))
        assert _post(client, path, {**answers, "date": "2026-11-20"}).status_code == 302
        page = client.get(f"/people/{megan}").get_data(as_text=True)
        assert "At risk of social isolation" in page and "LSNS-6 6 of 30" in page
        stored = sample_store.run_read("MATCH (p:Person {id: $id}) RETURN p.lsns6 AS s, "
                                       "p.isolation_risk AS r", id=megan)[0]
        assert (stored["s"], stored["r"]) == (6, True)


class TestSuggestionsAndReferrals:
    def test_refer_and_follow_up(self, client, megan: str, sample_store: GraphStore) -> None:  # noqa: ANN001
        html = client.get(f"/people/{megan}/suggestions").get_data(as_text=True)
        import re
        activities = re.findall(r'name="target_id" value="([^"]+)"', html)
        assert activities, "an activity near Llanidloes is suggested"
        response = _post(client, f"/people/{megan}/referrals",
                         {"target_id": activities[0], "follow_up": "2026-12-10"},
                         f"/people/{megan}/suggestions")
        assert response.status_code == 302
        referral = sample_store.run_read(
            "MATCH (:Person {id: $id})-[r:REFERRED_TO]->(t {id: $t}) RETURN properties(r) AS r",
            id=megan, t=activities[0])[0]["r"]
        assert referral["status"] == "suggested" and referral["follow_up"] == "2026-12-10"
        page = client.get(f"/people/{megan}").get_data(as_text=True)
        summary = page.split('id="summary"')[1].split("</section>")[0]
        assert "10 December 2026" in summary and "(suggested)" in summary
        listed = client.get(f"/people/{megan}/suggestions").get_data(as_text=True)
        assert f'name="target_id" value="{activities[0]}"' not in listed, "no second Refer"
        assert "Referred on " in listed and "suggested." in listed
        again = _post(client, f"/people/{megan}/referrals",
                      {"target_id": activities[0]}, f"/people/{megan}/suggestions")
        shown = client.get(f"/people/{megan}").get_data(as_text=True)
        assert again.status_code == 302 and "Already referred to " in shown
        assert "a tie of this kind" not in shown and activities[0] not in shown.split(
            'role="status"')[1].split("</p>")[0], "no system wording, no id"
        response = _post(client, f"/people/{megan}/referrals/{activities[0]}",
                         {"status": "attended", "note": "Went with her daughter"},
                         f"/people/{megan}")
        stored = sample_store.run_read(
            "MATCH (:Person {id: $id})-[r:REFERRED_TO]->() RETURN r.status AS s, r.note AS n",
            id=megan)[0]
        assert (stored["s"], stored["n"]) == ("attended", "Went with her daughter")
        response = _post(client, f"/people/{megan}/referrals/{activities[0]}",
                         {"status": "lost"}, f"/people/{megan}")
        refused = client.get(f"/people/{megan}").get_data(as_text=True)
        assert "Could not update the referral: Status: " in refused

    def test_invite_a_suggested_person(self, client, megan: str,  # noqa: ANN001
                                       sample_store: GraphStore) -> None:
        import re

        from assetmap.graph import consents
        from assetmap.services import analysis
        ours = {row["id"] for row in sample_store.run_read(
            "MATCH (p:Person)-[:RECORDED_BY]->(:Organisation {id: 'org-carers'}) "
            "RETURN p.id AS id")}
        raw = [s for s in analysis.suggest(sample_store, megan, 15)
               if s["kind"] in ("volunteer", "person") and s["id"] not in ours]
        hidden = raw[0]["id"]
        stranger = _post(client, f"/people/{megan}/invite",
                         {"candidate_id": hidden, "kind": raw[0]["kind"]},
                         f"/people/{megan}/suggestions")
        assert stranger.status_code == 404, "not shared with us: cannot be invited"
        consents.record(sample_store, {  # the volunteer agrees to share with us
            "person_id": hidden, "organisation_id": "org-carers", "given_by": "person",
            "purpose": "share_with_organisation", "given_at": "2026-01-01"})
        html = client.get(f"/people/{megan}/suggestions").get_data(as_text=True)
        invited = re.findall(r'name="candidate_id" value="([^"]+)">\s*<input type="hidden" '
                             r'name="kind" value="(\w+)"', html)
        assert invited, "a volunteer or neighbour is suggested"
        candidate, kind = invited[0]
        response = _post(client, f"/people/{megan}/invite",
                         {"candidate_id": candidate, "kind": kind},
                         f"/people/{megan}/suggestions")
        assert response.status_code == 302
        tie = sample_store.run_read(
            "MATCH (:Person {id: $id})-[k:KNOWS]->(:Person {id: $c}) RETURN k.circle AS c",
            id=megan, c=candidate)
        assert tie == [{"c": 3}]


    def test_someone_not_shared_is_suggested_without_a_word_about_them(
            self, client, megan: str, sample_store: GraphStore) -> None:  # noqa: ANN001
        """No name, group, interest, skill, time or exact distance of a person whose record
        is not shared with the viewer's organisation: a band and plain reasons."""
        from assetmap.names import DISTANCE_BAND_NAMES
        from assetmap.services import analysis
        from assetmap.services import people as people_service
        raw = {s["id"]: s for s in analysis.suggest(sample_store, megan, 15)
               if s["kind"] in ("volunteer", "person")}
        viewer = people_service.Viewer("someone", "connector", "org-carers")
        shown = people_service.suggestions_for(sample_store, viewer, megan, 15)
        hidden = [s for s in shown if s["kind"] in ("volunteer", "person") and not s["id"]]
        assert hidden, "the sample has people in other organisations to suggest"
        for suggestion in hidden:
            assert suggestion["name"] in (people_service.UNNAMED_VOLUNTEER,
                                          people_service.UNNAMED_PERSON)
            assert suggestion["distance_km"] is None
            assert suggestion["distance_band"] in DISTANCE_BAND_NAMES
            assert suggestion["reasons"] and all(not r["params"] for r in suggestion["reasons"])
        ids = {megan, *(s["id"] for s in shown if s["id"])}
        said = [value for s in shown for r in s["reasons"] for value in r["params"].values()]
        assert not ids & {v for v in said if isinstance(v, str)}, "people named, not ids"
        html = client.get(f"/people/{megan}/suggestions?lang=cy").get_data(as_text=True)
        shown_ids = {s["id"] for s in shown if s["id"]}
        for person_id, suggestion in raw.items():
            if person_id not in shown_ids:
                assert suggestion["name"] not in html
        assert "Gwirfoddolwr" in html or "Rhywun gerllaw" in html, "in Welsh too"

class TestCarers:
    def test_record_a_carer_and_see_their_page(self, client, megan: str,  # noqa: ANN001
                                               sample_store: GraphStore) -> None:
        path = f"/people/{megan}/carers/new"
        bad = _post(client, path, {"other_id": "new", "name": "Siân Jones",
                                   "hours_per_week": "200"})
        assert bad.status_code == 400
        assert "168" in form_errors(bad.get_data(as_text=True))["hours_per_week"]
        nameless = _post(client, path, {"other_id": "new", "hours_per_week": "20"})
        assert "name" in form_errors(nameless.get_data(as_text=True))
        response = _post(client, path, {"other_id": "new", "name": "Siân Jones",
                                        "hours_per_week": "55", "since": "2019-04-01"})
        assert response.status_code == 302
        carer = sample_store.run_read(
            "MATCH (c:Person:Carer)-[r:CARES_FOR]->(:Person {id: $id}) "
            "MATCH (c)-[:RECORDED_BY]->(o) RETURN c.id AS id, r.hours_per_week AS hours, "
            "o.id AS org", id=megan)
        assert [(row["hours"], row["org"]) for row in carer] == [(55.0, "org-carers")]
        carer_id = carer[0]["id"]

        megan_page = client.get(f"/people/{megan}").get_data(as_text=True)
        assert "unpaid carer (55 h a week)" in megan_page
        carer_page = client.get(f"/people/{carer_id}").get_data(as_text=True)
        assert 'id="carer-risk"' in carer_page and "Megan Jones" in carer_page
        assert "55 hours a week in all" in carer_page
        carers = client.get("/people/?carers=1&q=si").get_data(as_text=True)
        assert "Siân Jones" in carers and "Megan Jones" not in carers

        again = _post(client, path, {"other_id": carer_id, "hours_per_week": "10"},
                      f"{path}?q=Sian")
        assert "Already cares" in form_errors(again.get_data(as_text=True))["other_id"]
        asked = client.get(f"/people/{megan}/carers/{carer_id}/end").get_data(as_text=True)
        assert "Stop recording Siân Jones as caring for Megan Jones?" in asked
        ended = _post(client, f"/people/{megan}/carers/{carer_id}/end", {})
        assert ended.status_code == 302
        assert sample_store.run_read("MATCH ()-[r:CARES_FOR]->(:Person {id: $id}) "
                                     "RETURN count(r) AS n", id=megan)[0]["n"] == 0
        page = client.get(f"/people/{megan}").get_data(as_text=True)
        assert "Siân Jones is no longer recorded as caring for Megan Jones." in page
        assert client.post(f"/people/{megan}/carers/{carer_id}/restore", data={
            "csrf_token": csrf_token(page)}).status_code == 302
        assert sample_store.run_read("MATCH ()-[r:CARES_FOR]->(:Person {id: $id}) "
                                     "RETURN r.hours_per_week AS h", id=megan) == [{"h": 55}]


def test_maps_never_show_an_exact_home(client, sign_in, sample_store: GraphStore) -> None:  # noqa: ANN001
    sign_in("connector")
    person = sample_store.run_read(
        "MATCH (p:Person)-[:RECORDED_BY]->(:Organisation {id: 'org-carers'}) "
        "MATCH (p)-[:KNOWS]->(o:Person) WHERE p.lat IS NOT NULL AND o.lat IS NOT NULL "
        "RETURN p.id AS id, p.lat AS lat, p.lon AS lon, collect(o.lat) AS others "
        "ORDER BY p.id LIMIT 1")[0]
    for path in (f"/people/{person['id']}", f"/people/{person['id']}/suggestions"):
        html = client.get(path).get_data(as_text=True)
        dots = map_spec(html)["layers"][0]["points"]
        assert dots[0]["at"] == [round(person["lat"], 2), round(person["lon"], 2)]
        homes = [dot["at"] for dot in dots if "home, rounded" in dot["tooltip"]]
        assert homes and all(round(x, 2) == x for at in homes for x in at), path
        for lat in [person["lat"], *person["others"]]:
            assert str(lat) not in html or lat == round(lat, 2), (path, lat)


def test_circle_map_draws_no_home_the_viewer_may_not_see(client, sign_in, acting,  # noqa: ANN001
                                                          sample_store: GraphStore) -> None:
    """A member recorded by another organisation, not shared with the viewer's, is in the
    circle but their home, even rounded, is not on the map (until it is shared)."""
    from assetmap.graph import consents
    from assetmap.graph import people as people_graph
    from assetmap.services import people as people_service
    sign_in("connector", "org-carers")
    person = people_graph.repo.create(sample_store, {"name": "Elin", "lat": 52.449,
                                                     "lon": -3.54}, organisation_id="org-carers")
    far = people_graph.repo.create(sample_store, {"name": "Cousin in Cardiff", "lat": 51.4816,
                                                  "lon": -3.1791}, organisation_id="org-cvc")
    people_service.add_tie(sample_store, person["id"], {"relation": "family", "circle": 1,
                                                        "contact": "weekly"},
                           other_id=far["id"], organisation_id="org-carers", acting=acting)
    html = client.get(f"/people/{person['id']}").get_data(as_text=True)
    assert "Cousin in Cardiff" in html, "in the circle"
    assert "51.48" not in html and "-3.18" not in html, "but no home drawn"
    consents.record(sample_store, {"person_id": far["id"], "organisation_id": "org-carers",
                                   "given_by": "person", "purpose": "share_with_organisation",
                                   "given_at": "2026-01-01"})
    assert "51.48" in client.get(f"/people/{person['id']}").get_data(as_text=True)


def test_the_new_person_form_ticks_no_language(client, sign_in) -> None:  # noqa: ANN001
    """Not asked is not known: no language comes ticked (it once came ticked English)."""
    sign_in("connector")
    form = client.get("/people/new").get_data(as_text=True)
    assert 'name="languages"' in form and " checked" not in form
