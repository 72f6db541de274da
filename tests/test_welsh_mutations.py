"""Welsh sentences built from names: place names mutate after the word before them, and
that word fits what follows ("i Lanidloes", "yng Nghapel Bethesda", "ag Alun"). One
function does it (assetmap.welsh.fill) for pages, the API and the command line."""

from __future__ import annotations

import pytest

from assetmap.graph.store import GraphStore
from assetmap.i18n import translate
from assetmap.welsh import fill, mutate


@pytest.mark.parametrize(("template", "values", "expected"), [
    ("i %(place)s", {"place": "Llanidloes"}, "i Lanidloes"),
    ("i %(place)s", {"place": "Rhaeadr Gwy"}, "i Raeadr Gwy"),
    ("i %(place)s", {"place": "Gwynedd"}, "i Wynedd"),
    ("i %(place)s", {"place": "Trefyclo"}, "i Drefyclo"),
    ("i %(place)s", {"place": "Y Drenewydd"}, "i Y Drenewydd"),  # the article: no change
    ("i %(place)s", {"place": "Newtown"}, "i Newtown"),
    ("i %(place)s", {"place": "Churchstoke"}, "i Churchstoke"),  # "Ch" never mutates
    ("yn %(place)s", {"place": "Capel Bethesda"}, "yng Nghapel Bethesda"),
    ("yn %(place)s", {"place": "Bangor"}, "ym Mangor"),
    ("yn %(place)s", {"place": "Machynlleth"}, "ym Machynlleth"),
    ("yn %(place)s", {"place": "Powys"}, "ym Mhowys"),
    ("yn %(place)s", {"place": "Dolgellau"}, "yn Nolgellau"),
    ("yn %(place)s", {"place": "Aberhonddu"}, "yn Aberhonddu"),
    ("Yn %(place)s", {"place": "Tywyn"}, "Yn Nhywyn"),
    ("â %(place)s", {"place": "Caerdydd"}, "â Chaerdydd"),
    ("â %(name)s", {"name": "Alun"}, "ag Alun"),
    ("a %(place)s", {"place": "Aberhonddu"}, "ac Aberhonddu"),
    ("gyda %(name)s", {"name": "Elin"}, "gydag Elin"),
    ("â %(name)s", {"name": "William"}, "â William"),
    ("i %(name)s", {"name": "Gareth"}, "i Gareth"),  # people's names keep their spelling
    ("gan %(name)s", {"name": "Bethan"}, "gan Bethan"),
    ("o fewn %(km)s km i %(place)s", {"km": 5, "place": "Llanandras"},
     "o fewn 5 km i Lanandras"),
    ("%(rank)s. %(name)s yn %(place)s", {"rank": 1, "name": "Côr", "place": "Canolfan Hamdden"},
     "1. Côr yng Nghanolfan Hamdden"),
    ("mewn %(place)s", {"place": "Llanidloes"}, "mewn Llanidloes"),  # not a trigger
    ("dim %%(place)s", {}, "dim %(place)s"),
])
def test_fill(template: str, values: dict, expected: str) -> None:
    assert fill(template, values) == expected


def test_markup_stays_escaped() -> None:
    from markupsafe import Markup

    filled = fill(Markup("i %(place)s"), {"place": "Llan<b>"})
    assert isinstance(filled, Markup) and filled == "i Lan&lt;b&gt;"


def test_a_linked_name_mutates_inside_its_link() -> None:
    from markupsafe import Markup

    link = Markup('<a href="/assets/p-1">Canolfan Gymunedol</a>')
    assert fill(Markup("Yn %(place)s"), {"place": link}) == \
        '<a href="/assets/p-1">Nghanolfan Gymunedol</a>'.join(("Yng ", ""))


def test_mutate_keeps_case_and_digraphs() -> None:
    assert [mutate(w, "soft") for w in ("llan", "Pant", "ddôl", "Ffos")] == [
        "lan", "Bant", "ddôl", "Ffos"]
    assert mutate("Caerdydd", "nasal") == "Nghaerdydd"


def test_the_catalogue_fills_welsh_through_it() -> None:
    assert translate("Activities within %(km)s km of %(place)s", "cy", km=5,
                     place="Llanidloes").endswith("i Lanidloes")
    assert translate("Activities within %(km)s km of %(place)s", "en", km=5,
                     place="Llanidloes").endswith("of Llanidloes")


def test_welsh_pages_mutate_the_names_they_show(client, sample_store: GraphStore) -> None:  # noqa: ANN001
    finder_page = client.get("/find?near=Llanidloes&radius_km=10&lang=cy").get_data(
        as_text=True)
    assert "km i Lanidloes" in finder_page and "km i Llanidloes" not in finder_page
    place = sample_store.run_read(
        "MATCH (a:Activity)-[:HELD_AT]->(p:Place) WHERE p.name_cy STARTS WITH 'Canolfan' "
        "RETURN p.id AS id, p.name_cy AS name LIMIT 1")[0]
    asset_page = client.get(f"/assets/{place['id']}?lang=cy").get_data(as_text=True)
    assert f"<h1>{place['name']}" in asset_page, "a name on its own is not mutated"
