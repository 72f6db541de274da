"""The small fixed sample in ``seed/sample/community.json``: Llanidloes and around.

A few dozen people and the assets of one town, cut from the generated community, for tests
and documentation. ``python -m seed.sample`` writes the file again; ``load(store)``
validates every record through the model and writes it.
"""

from __future__ import annotations

import json
from pathlib import Path

from assetmap.graph.store import GraphStore
from assetmap.model import NODE_TYPES, node_type, relationship_type, validate
from seed.generator import WRITE_ORDER, Community, generate, write

SAMPLE_FILE = Path(__file__).parent / "sample" / "community.json"
TOWN = "Llanidloes"
PEOPLE_IN_SAMPLE = 40
VOLUNTEERS_IN_SAMPLE = 4
#: carers and the people they care for, kept whatever else is cut (the carers' pages and
#: lists need some)
CARE_PAIRS_IN_SAMPLE = 2


def build(year: int) -> dict:
    """Cut the sample out of ``generate(20000, seed=3)`` as it is in ``year``: people near
    Llanidloes and its assets."""
    community = generate(20000, seed=3, year=year)
    places = [p for p in community.records["Place"] if p.town == TOWN]
    place_ids = {p.id for p in places}
    held_at = community.relationships[("HELD_AT", "Activity", "Place")]
    activity_ids = {a for a, p, _ in held_at if p in place_ids}
    run_by = community.relationships[("RUN_BY", "Activity", "Group")]
    group_ids = {g for a, g, _ in run_by if a in activity_ids}
    members = community.relationships[("MEMBER_OF", "Person", "Group")]
    member_ids = [p for p, g, _ in members if g in group_ids]
    local = [p for p in community.records["Person"] if p.postcode and p.postcode.startswith("SY18")]
    # volunteers open to being suggested first: a connector's suggestions need some
    helpers = [p.id for p in local if p.volunteer and p.open_to_connect][:VOLUNTEERS_IN_SAMPLE]
    local_ids = {p.id for p in local}
    caring = [person for carer, cared_for, _ in community.relationships[
        ("CARES_FOR", "Person", "Person")] if carer in local_ids and cared_for in local_ids
        for person in (carer, cared_for)][:2 * CARE_PAIRS_IN_SAMPLE]
    person_ids: list[str] = []
    for person_id in helpers + caring + member_ids + [p.id for p in local]:
        if person_id not in person_ids:
            person_ids.append(person_id)
    person_ids = sorted(person_ids[:PEOPLE_IN_SAMPLE])
    people = [p for p in community.records["Person"] if p.id in set(person_ids)]
    area_ids = {code for record in people + places for code in (record.area, record.ward)
                if code}
    part_of = community.relationships[("PART_OF", "Area", "Area")]
    for _ in range(3):  # middle area, local authority, health board above the small areas
        area_ids |= {parent for child, parent, _ in part_of if child in area_ids}
    keep = {
        "Person": set(person_ids), "Place": place_ids, "Activity": activity_ids,
        "Group": group_ids, "Area": area_ids,
        "Organisation": {o.id for o in community.records["Organisation"]},
    }
    # the sample is fixed for a year: its listings hold no "checked" date counted back
    # from the day it was cut (loaded, each is as fresh as the day it was loaded)
    records = {
        label: [{key: value for key, value in r.properties().items()
                 if key not in ("checked_at", "checked_by")}
                for r in community.records[label] if r.id in keep[label]]
        for label in WRITE_ORDER
    }
    relationships = [
        {"type": type_name, "source": [source, a], "target": [target, b], "properties": props}
        for (type_name, source, target), rows in community.relationships.items()
        for a, b, props in rows
        if a in keep.get(source, ()) and b in keep.get(target, ())
    ]
    return {"year": year, "nodes": records, "relationships": relationships}


def load(store: GraphStore, path: Path = SAMPLE_FILE) -> dict[str, int]:
    """Validate and write the sample; returns how many nodes and relationships it wrote."""
    data = json.loads(path.read_text())
    community = Community()
    for label, rows in data["nodes"].items():
        model = node_type(label)
        for row in rows:
            community.add(validate(model, row))
    for rel in data["relationships"]:
        spec = relationship_type(rel["type"])
        props = validate(spec.properties, rel["properties"]).properties()
        community.relate(rel["type"], tuple(rel["source"]), tuple(rel["target"]), props)
    written = write(store, community)
    nodes = sum(count for name, count in written.items() if name in NODE_TYPES)
    return {"nodes": nodes, "relationships": sum(written.values()) - nodes}


if __name__ == "__main__":
    SAMPLE_FILE.parent.mkdir(exist_ok=True)
    from assetmap import clock

    SAMPLE_FILE.write_text(json.dumps(build(clock.this_year()), indent=1,
                                      ensure_ascii=False) + "\n")
    print(f"wrote {SAMPLE_FILE}")
