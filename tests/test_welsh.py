"""Welsh: the catalogue is complete and current, every page can be had in Welsh (chosen
with the switch, remembered in a cookie and the profile, or from the browser), and a
Welsh page shows none of the interface's English."""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from assetmap.graph import users
from assetmap.graph.store import GraphStore
from assetmap.i18n import TRANSLATIONS
from tests import site
from tests.site import page_language

ROOT = Path(__file__).resolve().parent.parent
PO = TRANSLATIONS / "cy" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "N_": None,
            "translate_plural": (1, 2)}
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}")


def _catalogue():  # noqa: ANN202
    with PO.open("rb") as handle:
        return read_po(handle, locale="cy")


def _extracted() -> set:
    """Every message the code and templates mark, as pybabel extracts them (babel.cfg)."""
    found = set()
    for folder, method in (("assetmap", "python"), ("assetmap/web/templates", "jinja2")):
        pattern = "**.py" if method == "python" else "**.html"
        for _, _, message, _, _ in extract_from_dir(
                ROOT / folder, [(pattern, method)], keywords=KEYWORDS,
                options_map={pattern: {"trimmed": "true"}}):
            found.add(message if isinstance(message, str) else tuple(message))
    return found


def test_catalogue_is_complete_and_current() -> None:
    catalogue = _catalogue()
    messages = [m for m in catalogue if m.id]
    untranslated = [m.id for m in messages if not m.string or (
        isinstance(m.string, tuple) and not all(m.string))]
    fuzzy = [m.id for m in messages if m.fuzzy]
    print(f"\nWelsh catalogue: {len(messages)} messages")
    assert untranslated == [] and fuzzy == []
    marked = _extracted()
    ids = {m.id for m in messages}
    assert sorted(map(str, marked - ids)) == [], "./run catalogue, then translate"
    assert sorted(map(str, ids - marked)) == [], "no longer used: ./run catalogue"
    assert _messages(_compiled()) == _messages(catalogue), "the .mo is stale: ./run catalogue"


def _compiled():  # noqa: ANN202
    with MO.open("rb") as handle:
        return read_mo(handle)


def _messages(catalogue) -> dict:  # noqa: ANN001
    """What a catalogue says: each message and its translation(s), without the header
    (whose ``Generated-By`` names the Babel version that wrote it)."""
    def whole(text):  # noqa: ANN001, ANN202 - plural forms come as a list or a tuple
        return tuple(text) if isinstance(text, list | tuple) else text

    return {whole(message.id): whole(message.string) for message in catalogue if message.id}


def test_the_compiled_catalogue_check_sees_a_change(tmp_path) -> None:
    """Comparing messages, not bytes, still catches a .mo compiled from another .po."""
    catalogue = _catalogue()
    message = next(m for m in catalogue if m.id and isinstance(m.id, str))
    message.string = message.string + " (changed)"
    changed = tmp_path / "messages.mo"
    with changed.open("wb") as handle:
        write_mo(handle, catalogue)
    with changed.open("rb") as handle:
        assert _messages(read_mo(handle)) != _messages(_compiled())


def test_translations_keep_their_placeholders() -> None:
    wrong = []
    for message in _catalogue():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = sorted(set(PLACEHOLDER.findall(ids[-1])) - {"%(num)s"})
        for text in strings:
            if sorted(set(PLACEHOLDER.findall(text)) - {"%(num)s"}) != wanted:
                wrong.append((ids[0], text))
    assert wrong == []


def test_language_from_browser_switch_cookie_and_profile(client, sign_in,  # noqa: ANN001
                                                         sample_store: GraphStore) -> None:
    english = client.get("/").get_data(as_text=True)
    assert page_language(english) == "en" and 'hreflang="cy"' in english
    welsh = client.get("/", headers={"Accept-Language": "cy-GB,cy;q=0.9,en;q=0.5"})
    assert page_language(welsh.get_data(as_text=True)) == "cy"
    assert "Asedau cymunedol" in welsh.get_data(as_text=True)

    switched = client.get("/find?lang=cy")
    assert "assetmap_lang=cy" in switched.headers["Set-Cookie"]
    assert "HttpOnly" in switched.headers["Set-Cookie"]
    assert page_language(client.get("/find").get_data(as_text=True)) == "cy", "cookie"
    client.get("/?lang=en")
    assert page_language(client.get("/").get_data(as_text=True)) == "en"

    user = sign_in("connector", "org-carers")
    client.get("/people/?lang=cy")
    assert users.by_id(sample_store, user["id"])["language"] == "cy", "kept in the profile"
    client.delete_cookie("assetmap_lang")
    page = client.get("/people/").get_data(as_text=True)
    assert page_language(page) == "cy" and "Pobl" in page, "the profile, on a new device"


def _visible_text(page: str) -> str:
    """What a reader sees or hears: text and the attributes read out, no code."""
    page = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", page)
    said = " ".join(re.findall(r'(?:aria-label|alt|title|placeholder)="([^"]*)"', page))
    return html.unescape(re.sub(r"(?s)<[^>]+>", " ", page) + " " + said)


def _english_phrases() -> list[str]:
    """Catalogue messages (and the text between their placeholders) whose Welsh differs,
    of two words or more, so as not to be a name in the data."""
    phrases = []
    for message in _catalogue():
        if not message.id or isinstance(message.id, tuple) or message.string == message.id:
            continue
        for part in PLACEHOLDER.split(message.id):
            part = part.strip(" .,:;()“”'")
            # two words or more: a lone word ("Community", "connector") may be data
            if len(part.split()) >= 2:
                phrases.append(part)
    return sorted(set(phrases))


@pytest.mark.parametrize("role", site.ROLES)
def test_welsh_pages_show_no_interface_english(app, client, sign_in,  # noqa: ANN001
                                               sample_store: GraphStore,
                                               role: str | None) -> None:
    if role:
        sign_in(role, "org-carers")
    client.set_cookie("assetmap_lang", "cy")
    phrases = _english_phrases()
    urls = [*site.html_pages(app, sample_store, role), "/no-such-page",
            "/find?near=Nowhere-at-all"]
    leaks = []
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 400, 404), (url, response.status_code)
        text = _visible_text(response.get_data(as_text=True))
        assert page_language(response.get_data(as_text=True)) == "cy", url
        leaks += [(url, phrase) for phrase in phrases
                  if re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text)]
    print(f"\n{role or 'anonymous'}: {len(urls)} Welsh pages, {len(phrases)} phrases checked")
    assert leaks == [], "\n".join(map(str, leaks))


def test_field_problems_in_welsh_on_forms_and_in_the_api(client, sign_in,  # noqa: ANN001
                                                         sample_store: GraphStore) -> None:
    from assetmap import accounts
    from tests.conftest import csrf_token
    sign_in("connector", "org-carers")
    client.set_cookie("assetmap_lang", "cy")
    form = client.get("/people/new").get_data(as_text=True)
    response = client.post("/people/new", data={
        "csrf_token": csrf_token(form), "name": "", "postcode": "XX1", "birth_year": "1850"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for welsh in ("Mae problem", "Enw", "mae angen hwn", "nid yw &#39;XX1&#39; yn god post",
                  "rhaid iddo fod rhwng 1900 a"):
        assert welsh in page, welsh

    email = "api.cymraeg@example.cymru"
    accounts.create_user(sample_store, email, "connector", "org-carers")
    token = accounts.create_token(sample_store, email, "tests")[1]
    body = {"name": "", "organisation_id": "org-carers", "postcode": "XX1"}
    for language, expected in (("cy", "yn god post"), ("en", "is not a UK postcode")):
        answer = client.post("/api/v1/people", json=body, headers={
            "Authorization": f"Bearer {token}", "Accept-Language": language})
        assert answer.status_code == 422
        messages = {e["field"]: e["message"] for e in answer.get_json()["errors"]}
        assert expected in messages["postcode"], messages


def test_search_matches_both_languages_with_or_without_accents(
        client, sign_in, falkor_store: GraphStore) -> None:  # noqa: ANN001
    """A festival recorded as "Gŵyl Gerdd" / "Music festival" at "Llanfair Caereinion" is
    found by any of its names, typed with or without accents: by the finder, the
    directory's lists and the Open Referral API; Welsh pages show its Welsh name."""
    from assetmap.graph import activities, places
    from assetmap.services import finder
    store = falkor_store
    places.repo.create(store, {"id": "pl-llanfair", "name": "Llanfair Caereinion Institute",
                               "name_cy": "Sefydliad Llanfair Caereinion",
                               "lat": 52.65, "lon": -3.33})
    activities.repo.create(store, {
        "id": "ac-gwyl", "name": "Music festival", "name_cy": "Gŵyl Gerdd",
        "description": "Songs and brass bands", "description_cy": "Caneuon a bandiau pres",
        "weekday": "sat", "start": "10:00", "end": "16:00", "categories": ["music"]},
        place_id="pl-llanfair")
    activities.repo.update(store, "ac-gwyl", {"description": "Songs, brass bands and cerdd dant"})
    for typed in ("wyl", "ŵyl", "GWYL GERDD", "gŵyl", "festival", "cerdd dant", "bandiau pres",
                  "Llanfair", "llanfair caereinion", "Sefydliad"):
        found = finder.find(store, finder.parse({"text": typed}))
        assert [row["activity"]["id"] for row in found.results] == ["ac-gwyl"], typed
    assert finder.find(store, finder.parse({"text": "eisteddfod"})).total == 0

    rows, total = activities.repo.search(store, "gwyl")
    assert total == 1 and rows[0]["id"] == "ac-gwyl"
    served = client.get("/api/v1/hsds/services?search=wyl").get_json()
    assert [s["name"] for s in served["contents"]] == ["Music festival"]
    welsh = client.get("/api/v1/hsds/services?search=gwyl&lang=cy").get_json()
    assert welsh["contents"][0]["name"] == "Gŵyl Gerdd"

    client.set_cookie("assetmap_lang", "cy")
    page = client.get("/find?text=gwyl").get_data(as_text=True)
    assert "Gŵyl Gerdd" in page and "Sefydliad Llanfair Caereinion" in page
    assert "Music festival" not in page


def test_older_data_gets_its_search_text(falkor_store: GraphStore) -> None:
    """Nodes written before search_text existed get it from init_schema."""
    from assetmap.graph import places
    places.repo.create(falkor_store, {"id": "pl-old", "name": "Neuadd Goffa", "lat": 52.4,
                                      "lon": -3.5})
    falkor_store.run_write("MATCH (p:Place {id: 'pl-old'}) REMOVE p.search_text")
    falkor_store.init_schema()
    assert falkor_store.run_read("MATCH (p:Place {id: 'pl-old'}) RETURN p.search_text AS t"
                                 ) == [{"t": "neuadd goffa"}]
    assert places.repo.search(falkor_store, "Goffa")[1] == 1


def test_open_referral_in_welsh(client, sample_store: GraphStore) -> None:  # noqa: ANN001
    """lang=cy (or Accept-Language: cy) gives Welsh names first and Welsh words for the
    standard's fixed texts: access features, languages, costs, categories."""
    english = client.get("/api/v1/hsds/services?per_page=100").get_json()["contents"]
    first = next(s for s in english if s.get("alternate_name"))
    service = client.get(f"/api/v1/hsds/services/{first['id']}",
                         headers={"Accept-Language": "cy"}).get_json()
    assert service["name"] == first["alternate_name"]
    assert {lang["name"] for lang in service["languages"]} <= {"Saesneg", "Cymraeg"}
    assert service["cost_options"][0]["option"] in ("Am ddim", "Fesul sesiwn")
    terms = client.get("/api/v1/hsds/taxonomy_terms?lang=cy").get_json()["contents"]
    assert {"Cerddoriaeth", "Garddio"} <= {term["name"] for term in terms}


def test_sign_in_form_speaks_welsh(client) -> None:  # noqa: ANN001
    from tests.conftest import csrf_token
    client.set_cookie("assetmap_lang", "cy")
    page = client.get("/login").get_data(as_text=True)
    assert "Mewngofnodi" in page and "Cyfrinair" in page
    sent = client.post("/login", data={"csrf_token": csrf_token(page), "email": "",
                                       "password": ""}).get_data(as_text=True)
    assert "This field is required" not in sent
    assert "Rhaid cwblhau&#39;r maes hwn" in sent  # WTForms' own Welsh catalogue


def test_a_placeholder_from_a_moved_record_reads_in_welsh(client, sign_in,  # noqa: ANN001
                                                          sample_store: GraphStore) -> None:
    from assetmap.graph import people, ties
    from assetmap.interop.person_package import NOT_NAMED
    sign_in("connector", "org-carers")
    person = site.arguments(sample_store)["person_id"]
    people.repo.create(sample_store, {"id": "ph-1", "name": NOT_NAMED, "placeholder": True},
                       organisation_id="org-carers")
    ties.create(sample_store, "KNOWS", ("Person", person), ("Person", "ph-1"),
                {"relation": "friend", "circle": 2})
    people.repo.create(sample_store, {"id": "ph-2", "name": NOT_NAMED, "placeholder": True},
                       organisation_id="org-carers")
    people.add_carer(sample_store, "ph-2", person, {"hours_per_week": 20})
    client.set_cookie("assetmap_lang", "cy")
    page = client.get(f"/people/{person}").get_data(as_text=True)
    assert "Heb ei enwi (heb roi caniatâd)" in page and NOT_NAMED not in page


def test_the_command_speaks_welsh_to_staff(cli_env, sample_store: GraphStore) -> None:  # noqa: ANN001
    from click.testing import CliRunner

    from assetmap.cli import main
    welsh = CliRunner(env={**cli_env, "ASSETMAP_LANGUAGE": "cy"})
    refused = welsh.invoke(main, ["users", "create", "--email", "not-an-email",
                                  "--role", "connector", "--org", "org-carers"])
    assert refused.exit_code == 1
    assert "assetmap: gwall: email: nid yw 'not-an-email' yn gyfeiriad e-bost" in refused.output
    analysed = welsh.invoke(main, ["analyse"])
    assert analysed.exit_code == 0 and analysed.output.strip().startswith("dadansoddwyd")
    english = CliRunner(env={**cli_env, "ASSETMAP_LANGUAGE": "en"}).invoke(main, ["analyse"])
    assert english.output.strip().startswith("analysed")


def test_import_rejects_are_reported_in_welsh(cli_env, falkor_store: GraphStore,  # noqa: ANN001
                                              tmp_path: Path) -> None:
    from click.testing import CliRunner

    from assetmap.cli import main
    template = (ROOT / "seed" / "templates" / "places.csv").read_text(encoding="utf-8")
    header, first = template.splitlines()[:2]
    sheet, rejects = tmp_path / "places.csv", tmp_path / "rejects.csv"
    sheet.write_text(f"{header}\n{first}\n{first}\n", encoding="utf-8")
    result = CliRunner(env={**cli_env, "ASSETMAP_LANGUAGE": "cy"}).invoke(
        main, ["import", "csv", "places", str(sheet), "--rejects", str(rejects)])
    assert result.exit_code == 1
    assert "hefyd yw'r dynodydd ar res 2" in rejects.read_text(encoding="utf-8")
    assert "1 problem, wedi'i restru yn" in result.output


@pytest.mark.slow
def test_the_command_help_in_welsh(cli_env) -> None:  # noqa: ANN001
    """Help is read when the command starts, so it is asked of a new process."""
    import subprocess
    import sys
    shown = subprocess.run([sys.executable, "-m", "assetmap.cli", "backup", "--help"],
                           env={**os.environ, **cli_env, "ASSETMAP_LANGUAGE": "cy"},
                           capture_output=True, text=True, check=True).stdout
    for welsh in ("Defnydd:", "Ysgrifennu copi wrth gefn rhesymegol", "Opsiynau:",
                  "Amgryptio gyda'r cyfrinymadrodd", "Dangos y neges hon a gadael."):
        assert welsh in shown, shown


def test_a_broken_audit_trail_is_told_in_welsh(client, sign_in, config) -> None:  # noqa: ANN001
    from assetmap.audit import AuditLog
    sign_in("admin", "org-carers")
    log = AuditLog(config.instance_path)
    original = log.path.read_text(encoding="utf-8")
    lines = original.splitlines()
    lines[0] = lines[0].replace('"action": "', '"action": "x', 1).replace(
        '"action":"', '"action":"x', 1)
    log.path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        client.set_cookie("assetmap_lang", "cy")
        page = client.get("/admin/audit").get_data(as_text=True)
        assert "Mae'r trywydd wedi torri ar linell 1: mae wedi'i newid" in html.unescape(page)
    finally:
        log.path.write_text(original, encoding="utf-8")


def test_api_refusals_in_the_language_asked_for(client) -> None:  # noqa: ANN001
    for language, expected in (("cy", "mae angen tocyn cludwr dilys"),
                               ("en", "a valid bearer token is needed")):
        answer = client.get("/api/v1/people", headers={"Accept-Language": language})
        assert answer.status_code == 401
        assert expected in answer.get_json()["errors"][0]["message"]
    missing = client.get("/api/v1/assets/no-such-place?lang=cy")
    assert missing.status_code == 404
    assert "does dim lle na gweithgaredd" in missing.get_json()["errors"][0]["message"]


def test_schema_and_password_advice_read_in_welsh() -> None:
    """jsonschema and zxcvbn speak English only: what they find is said again through the
    catalogue (a Welsh import report, package refusal or password advice has no English)."""
    from assetmap import accounts
    from assetmap.i18n import say
    from assetmap.interop import hsds, person_package
    from assetmap.model import InvalidRecord

    found = dict(hsds.problems({"id": "x", "name": 5}, "service"))
    assert found["$"] == "status is required" and say(found["$"], "cy") == "mae angen status"
    assert found["$.name"] == "must be text" and say(found["$.name"], "cy") == \
        "rhaid iddo fod yn destun"
    with pytest.raises(InvalidRecord) as refused:
        person_package.verify({"package": {}}, "key")
    for _, problem in refused.value.errors:
        welsh = say(problem, "cy")
        assert welsh != str(problem) and "required" not in welsh, welsh
    with pytest.raises(InvalidRecord) as weak:
        accounts.check_new_password("password1234", "someone@example.cymru")
    advice = say(weak.value.errors[0][1], "cy")
    assert "gyfrinair" in advice and "password" not in advice.lower(), advice


def test_welsh_pages_show_the_directory_in_welsh(client, sample_store: GraphStore) -> None:  # noqa: ANN001
    """A Welsh page shows a place's, an organiser's and an activity's Welsh name and
    description wherever one is recorded, never the English beside it."""
    rows = sample_store.run_read(
        "MATCH (a:Activity)-[:HELD_AT]->(p:Place), (a)-[:RUN_BY]->(g:Group) "
        "WHERE p.name_cy IS NOT NULL AND p.name_cy <> p.name AND g.name_cy IS NOT NULL "
        "AND a.description_cy IS NOT NULL "
        "RETURN p.id AS place, p.name AS name, p.name_cy AS name_cy, g.name AS group, "
        "g.name_cy AS group_cy, a.description AS description, "
        "a.description_cy AS description_cy LIMIT 1")
    assert rows, "the sample's directory is bilingual"
    row = rows[0]
    welsh = html.unescape(client.get(f"/assets/{row['place']}?lang=cy").get_data(as_text=True))
    for field in ("name", "group", "description"):
        assert row[f"{field}_cy"] in welsh, field
    assert row["name"] not in welsh.split("</h1>")[1], "the English name only as its alternate"
    assert row["description"] not in welsh and row["group"] not in welsh.replace(
        row["group_cy"], "")
    english = html.unescape(client.get(f"/assets/{row['place']}?lang=en").get_data(as_text=True))
    assert row["description"] in english and row["group"] in english
    finder_page = html.unescape(client.get("/find?near=Llanidloes&lang=cy").get_data(
        as_text=True))
    assert "Neuadd Gymuned Llanidloes" in finder_page
    assert "Llanidloes Community Hall" not in finder_page


def test_organisations_are_named_in_the_page_language(client, sign_in,  # noqa: ANN001
                                                      sample_store: GraphStore) -> None:
    """An organisation's Welsh name, where it has one, on every Welsh page that names it:
    the account page, the people list's heading, the admin's users and their choices."""
    names = {row["id"]: (row["name"], row["name_cy"]) for row in sample_store.run_read(
        "MATCH (o:Organisation) WHERE o.name_cy IS NOT NULL "
        "RETURN o.id AS id, o.name AS name, o.name_cy AS name_cy")}
    from markupsafe import escape

    english, welsh = names["org-carers"]
    sign_in("connector", "org-carers")
    for path in ("/account", "/people/"):
        assert str(escape(welsh)) in client.get(f"{path}?lang=cy").get_data(as_text=True)
        assert str(escape(welsh)) not in client.get(f"{path}?lang=en").get_data(as_text=True)
        assert str(escape(english)) in client.get(path).get_data(as_text=True)
    sign_in("admin", "org-council")
    users = client.get("/admin/users?lang=cy").get_data(as_text=True)
    assert f'<dd class="govuk-summary-list__value">{str(escape(welsh))}</dd>' in users, "the list"
    assert f'<option value="org-carers" >{str(escape(welsh))}</option>' in users or \
        re.search(rf'<option value="org-carers"[^>]*>\s*{re.escape(str(escape(welsh)))}', users)


def test_reasons_name_things_in_welsh_on_welsh_pages() -> None:
    """A suggestion's reason shows an activity's Welsh name to a Welsh reader, its English
    one otherwise, and a day without a preposition that would need a mutation."""
    from assetmap.analysis.reasons import in_language
    runs = {"code": "runs_activity",
            "params": {"activity": "Digital Drop-in", "activity_cy": "Galw Heibio Digidol"}}
    assert "Galw Heibio Digidol" in in_language(runs, "cy")
    assert "Digital Drop-in" in in_language(runs, "en")
    from assetmap.names import PART_NAMES, WEEKDAY_NAMES
    day = in_language({"code": "day_and_time_match", "params": {
        "weekday": WEEKDAY_NAMES["wed"], "part": PART_NAMES["am"]}}, "cy")
    assert "ar Dydd" not in day and "Mercher" in day, day
