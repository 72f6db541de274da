"""The pages on the GOV.UK Design System: its stylesheet and script as built and vendored,
its layout on every page, its form pattern (a summary linking to each field's message), and
nothing that is for GOV.UK only."""

from __future__ import annotations

import json
import re
from importlib.metadata import version
from pathlib import Path

from assetmap.graph.store import GraphStore
from tests.conftest import csrf_token, form_errors

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "assetmap" / "web" / "static"
#: govuk-frontend-jinja's releases and the GOV.UK Frontend each is made for (its README)
MADE_FOR = {"4.1.0": "6.3.0"}


def test_the_macros_and_the_styles_are_one_release_of_the_design_system() -> None:
    wanted = json.loads((ROOT / "frontend" / "package.json").read_text())["dependencies"]
    locked = json.loads((ROOT / "frontend" / "package-lock.json").read_text())["packages"]
    assert locked["node_modules/govuk-frontend"]["version"] == wanted["govuk-frontend"]
    assert MADE_FOR[version("govuk-frontend-jinja")] == wanted["govuk-frontend"]


def test_the_stylesheet_leaves_out_what_is_for_govuk_only() -> None:
    css = (STATIC / "site.css").read_text(encoding="utf-8")
    assert ".govuk-button" in css and ".govuk-summary-list" in css  # the design system's
    assert ".ecomap" in css and ".app-table-scroll" in css  # and ours, in the one file
    assert "GDS Transport" not in css and "@font-face" not in css
    # the only image it names is the crest, for a footer no page uses
    assert set(re.findall(r"url\(\"?([^)\"]+)", css)) <= {
        "/static/vendor/govuk-frontend/assets/images/govuk-crest.svg"}
    templates = (ROOT / "assetmap" / "web" / "templates").rglob("*.html")
    assert not [t for t in templates if re.search(r"govukHeader|govukFooter|crown|crest",
                                                  t.read_text(encoding="utf-8"))]


def test_the_script_the_pages_start_is_the_vendored_one(client) -> None:  # noqa: ANN001
    start = (STATIC / "govuk-start.js").read_text(encoding="utf-8")
    imported = re.search(r"from '\./([^']+)'", start).group(1)
    assert (STATIC / imported).is_file() and "initAll" in (STATIC / imported).read_text()
    html = client.get("/").get_data(as_text=True)
    assert '<script type="module" src="/static/govuk-start.js">' in html
    assert client.get("/static/govuk-start.js").status_code == 200
    assert client.get("/static/" + imported).status_code == 200
    favicon = re.search(r'<link rel="icon" href="([^"]+)"', html).group(1)
    assert client.get(favicon).status_code == 200


def test_every_page_has_the_layout(client, sign_in) -> None:  # noqa: ANN001
    sign_in("connector")
    for path in ("/", "/find", "/people/", "/directory/", "/account", "/no-such-page"):
        html = client.get(path).get_data(as_text=True)
        assert '<html lang="en" class="govuk-template">' in html, path
        assert 'class="govuk-skip-link"' in html and 'href="#main"' in html, path
        assert 'class="govuk-service-navigation"' in html, path
        assert '<main class="govuk-main-wrapper app-prose" id="main">' in html, path
    people = client.get("/people/").get_data(as_text=True)
    assert 'aria-current="true"' in people.split("People</strong>")[0], "where you are"


def test_a_refused_form_names_each_problem_and_links_to_it(client, sign_in,  # noqa: ANN001
                                                           sample_store: GraphStore) -> None:
    sign_in("connector")
    page = client.get("/people/new").get_data(as_text=True)
    refused = client.post("/people/new", data={
        "csrf_token": csrf_token(page), "name": "", "birth_year": "18", "postcode": "nowhere"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    messages = form_errors(html)
    assert {"name", "birth_year", "postcode"} <= set(messages)
    summary = html.split('class="govuk-error-summary"')[1].split("</ul>")[0]
    for name in messages:
        assert f'href="#f-{name}"' in summary, name
        assert f'id="f-{name}"' in html, name
        assert re.search(rf'aria-describedby="[^"]*\bf-{name}-error\b', html), name
        assert re.search(rf'id="f-{name}"[^>]*aria-invalid="true"|aria-invalid="true"'
                         rf'[^>]*id="f-{name}"', html), name
    welsh = client.post("/people/new?lang=cy", data={
        "csrf_token": csrf_token(page), "name": ""}).get_data(as_text=True)
    assert "Mae problem" in welsh and '<span class="govuk-visually-hidden">Gwall:</span>' in welsh
