"""The web skeleton through Flask's test client: home page, health check, sign-in, errors."""

from __future__ import annotations

import re

import pytest

from assetmap import accounts
from assetmap.graph.store import GraphStore
from tests.conftest import csrf_token, provider_account
from tests.site import map_spec


def test_home_shows_the_directory_counts_and_no_one_s(client, sample_store: GraphStore) -> None:  # noqa: ANN001
    """A search box first; the directory's counts; no count of people or their ties on a
    public page."""
    counts = sample_store.counts()
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.index('id="home-search"') < html.index('id="counts-heading"')
    assert re.search(rf'id="count-places">{counts["nodes"]["Place"]:,}<', html)
    assert "count-people" not in html and "count-ties" not in html
    assert "People recorded" not in html


def test_home_map_loads_its_places_from_a_cacheable_geojson(client,  # noqa: ANN001
                                                            sample_store: GraphStore) -> None:
    """The page carries no place (it stays small in a county of thousands); the map fetches
    /places.geojson, which holds every place's name, town and activity count and nothing
    more, may be cached, and answers 304 to a browser that has it."""
    html = client.get("/").get_data(as_text=True)
    assert map_spec(html)["layers"] == [{"type": "places", "url": "/places.geojson?lang=en"}]
    assert "/static/vendor/leaflet/leaflet.js" in html
    assert not re.search(r"<script[^>]+src=\"https?://", html), "no third-party scripts"
    places = {r["id"]: r for r in sample_store.run_read(
        "MATCH (p:Place) RETURN p.id AS id, p.name AS name, p.lat AS lat, p.lon AS lon")}
    for place in places.values():
        assert place["name"] not in html.split("<details>")[0], "names are not inline"
    response = client.get("/places.geojson?lang=en")
    assert response.status_code == 200 and response.cache_control.public
    assert response.cache_control.max_age > 0 and "no-store" not in str(response.headers)
    features = response.get_json()["features"]
    assert {f["properties"]["id"] for f in features} == set(places)
    for feature in features:
        place = places[feature["properties"]["id"]]
        assert feature["geometry"]["coordinates"] == [place["lon"], place["lat"]]
        assert set(feature["properties"]) == {"id", "name", "town", "activities",
                                              "activities_text"}
    again = client.get("/places.geojson?lang=en",
                       headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def _luminance(hex_colour: str) -> float:
    """WCAG 2's relative luminance of ``#rrggbb``."""
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def test_cluster_counts_meet_wcag_contrast(client, sample_store: GraphStore) -> None:  # noqa: ANN001
    """Our CSS, not Leaflet.markercluster's defaults, colours the clusters: each count is
    written on an opaque disc at 4.5:1 or more (WCAG 1.4.3)."""
    html = client.get("/").get_data(as_text=True)
    assert "/static/map-clusters.css" in html and "MarkerCluster.Default.css" not in html
    css = client.get("/static/map-clusters.css").get_data(as_text=True)
    for size in ("small", "medium", "large"):
        rule = re.search(rf"\.marker-cluster-{size} div \{{([^}}]*)\}}", css).group(1)
        background = re.search(r"background-color: (#[0-9a-f]{6});", rule).group(1)
        text = re.search(r"(?<!-)color: (#[0-9a-f]{6});", rule).group(1)
        lighter, darker = sorted((_luminance(background), _luminance(text)), reverse=True)
        ratio = (lighter + 0.05) / (darker + 0.05)
        assert ratio >= 4.5, f"{size}: {ratio:.2f}:1"


def test_place_names_are_escaped_in_the_map(client, sample_store: GraphStore) -> None:  # noqa: ANN001
    sample_store.run_write(
        "CREATE (p:Place {id: 'evil', name: $name, lat: 52.4, lon: -3.5, town: 'x'})",
        name="<script>alert(1)</script>")
    html = client.get("/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html


def test_healthz_tells_anyone_it_is_up_and_only_admins_the_counts(
        client, sign_in, sample_store: GraphStore) -> None:  # noqa: ANN001
    def health(token: str | None = None) -> dict:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return client.get("/healthz", headers=headers).get_json()

    tokens = {}
    for role in ("connector", "admin"):
        accounts.create_user(sample_store, f"{role}@ops.cymru", role, "org-council")
        tokens[role] = accounts.create_token(sample_store, f"{role}@ops.cymru")[1]
    assert health() == health(tokens["connector"]) == {"status": "ok", "database": True}
    sign_in("admin", "org-council")
    for body in (health(tokens["admin"]), health()):
        assert body["status"] == "ok" and body["database"] is True
        assert body["counts"] == sample_store.counts()
        assert body["nodes"] == sum(body["counts"]["nodes"].values())


def test_security_headers(client) -> None:  # noqa: ANN001
    response = client.get("/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_not_found_is_a_page_and_json_for_json_clients(client) -> None:  # noqa: ANN001
    page = client.get("/no/such/page")
    assert page.status_code == 404
    assert "404" in page.get_data(as_text=True)
    api = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert api.status_code == 404
    assert api.get_json()["error"] == "Not Found"


def test_sign_in_and_out_with_csrf(client, auth, sample_store: GraphStore) -> None:  # noqa: ANN001
    user, password = accounts.create_user(sample_store, "nia@example.cymru", "connector",
                                          "org-carers", "Nia")
    assert client.get("/account").status_code == 302
    wrong = auth.login("nia@example.cymru", "not the password")
    assert "E-mail or password is not right." in wrong.get_data(as_text=True)
    response = auth.login("nia@example.cymru", password)
    assert response.status_code == 302
    account = client.get("/account").get_data(as_text=True)
    assert "nia@example.cymru" in account and "connector" in account
    auth.logout()
    assert client.get("/account").status_code == 302


def test_form_post_without_csrf_token_is_refused(client, sample_store: GraphStore) -> None:  # noqa: ANN001
    _, password = accounts.create_user(sample_store, "nia@example.cymru", "connector",
                                       "org-carers")
    response = client.post("/login", data={"email": "nia@example.cymru", "password": password})
    assert response.status_code == 400
    assert client.get("/account").status_code == 302


def test_login_redirect_never_leaves_the_site(client, sample_store: GraphStore) -> None:  # noqa: ANN001
    _, password = accounts.create_user(sample_store, "nia@example.cymru", "connector",
                                       "org-carers")
    page = client.get("/login?next=https://evil.example/")
    response = client.post("/login?next=https://evil.example/", data={
        "email": "nia@example.cymru", "password": password,
        "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.status_code == 302
    assert response.headers["Location"] == "/people/", "the connector's own page, not evil"


@pytest.mark.parametrize(("role", "landing"), [
    ("connector", "/people/"), ("coordinator", "/areas/"), ("admin", "/admin/users"),
    ("provider", "/provider/")])
def test_each_role_lands_on_its_own_page(client, sample_store: GraphStore, role: str,  # noqa: ANN001
                                         landing: str) -> None:
    email = f"landing.{role}@example.cymru"
    _, password = provider_account(sample_store, email) if role == "provider" else \
        accounts.create_user(sample_store, email, role, "org-carers")
    page = client.get("/login")
    response = client.post("/login", data={
        "email": email, "password": password,
        "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.status_code == 302 and response.headers["Location"] == landing
    assert client.get(landing).status_code == 200
    token = csrf_token(client.get(landing).get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    page = client.get("/login?next=/find")
    asked = client.post("/login?next=/find", data={
        "email": email, "password": password,
        "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert asked.headers["Location"] == "/find", "a page asked for still comes first"


@pytest.mark.parametrize("target", ["//evil.example/", "/\\evil.example/"])
def test_login_redirect_refuses_other_hosts_in_disguise(client, sample_store: GraphStore,  # noqa: ANN001
                                                        target: str) -> None:
    _, password = accounts.create_user(sample_store, "hid@example.cymru", "connector",
                                       "org-carers")
    page = client.get("/login")
    response = client.post(f"/login?next={target}", data={
        "email": "hid@example.cymru", "password": password,
        "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.status_code == 302 and response.headers["Location"] == "/people/"


def test_a_next_with_a_line_break_is_refused_not_a_crash(client, sample_store: GraphStore) -> None:  # noqa: ANN001
    _, password = accounts.create_user(sample_store, "crlf@example.cymru", "connector",
                                       "org-carers")
    bad = "/login?next=/people/%0d%0aSet-Cookie:%20x=1"
    assert client.get(bad).status_code == 400
    page = client.get("/login")
    response = client.post(bad, data={"email": "crlf@example.cymru", "password": password,
                                      "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.status_code == 400 and "Set-Cookie" not in str(response.headers)
    assert client.get("/account").status_code == 302, "no one was signed in"


def test_generated_secret_key_is_private_and_kept(tmp_path) -> None:  # noqa: ANN001
    import stat

    from assetmap.config import Config

    config = Config(instance_path=tmp_path / "instance")
    first = config.load_secret_key()
    key_file = tmp_path / "instance" / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "instance").stat().st_mode) == 0o700
    assert len(first) == 64 and config.load_secret_key() == first
    assert Config(secret_key="from-the-environment").load_secret_key() == "from-the-environment"


def test_errors_use_the_layout_and_never_show_a_traceback(app) -> None:  # noqa: ANN001
    def boom() -> str:
        raise ZeroDivisionError("secret detail")

    app.add_url_rule("/boom", "boom", boom)
    app.add_url_rule("/api/v1/boom", "api_boom", boom)
    client = app.test_client()
    page = client.get("/boom")
    html = page.get_data(as_text=True)
    assert page.status_code == 500 and 'govuk-skip-link' in html and "Find activities" in html
    assert "secret detail" not in html and "Traceback" not in html
    api = client.get("/api/v1/boom")
    assert api.status_code == 500
    assert api.get_json() == {"errors": [{"field": None,
                                          "message": "Something went wrong on our side."}]}
    forbidden = client.get("/admin/users")  # anonymous: sent to sign in
    assert forbidden.status_code == 302
