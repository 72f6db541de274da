"""The portable person record: when someone moves to another county, their circle of
support and "what matters" records follow them, with their consent, in a signed file.

``build`` packages a person for the organisation that recorded them, which must hold an
active ``move_record`` consent from them. People in their circle travel by name only if
they gave the same consent too; everyone else becomes an anonymous placeholder that keeps
the shape of the circle (relation, circle level, contact) and nothing else. Nobody's
address or area travels: the old one is wrong after a move.

``receive`` checks a package against its JSON Schema, checks its Ed25519 signature with
the sender's public key (given by the receiver, as told by the sender out of band), then
checks every part with assetmap's own model rules, and writes the person, their circle
and records in one statement: all of it or none.

>>> fingerprint("MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=")
'SHA256:1acc ddf1 17d6 bf07 a3bd 3573 0ed7 bc59'
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import uuid
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from assetmap import __version__
from assetmap.audit import Acting
from assetmap.config import Config
from assetmap.erasures import ErasureRegister
from assetmap.i18n import N_, Problem
from assetmap.interop import schema_words
from assetmap.model import (
    CaresFor,
    InvalidRecord,
    Knows,
    Lsns6Response,
    Person,
    WhatMatters,
    now_iso,
    validate,
)
from assetmap.services import GraphStore, NotFound, areas, people

FORMAT = "assetmap-person-package"
VERSION = 1
MAX_BYTES = 5_000_000
CONSENT = "move_record"
#: a placeholder's stored name; pages show it in their own language
NOT_NAMED = N_("Not named (did not consent)")
#: where a person lives stays behind: the old address is wrong after the move
ADDRESS = ("lat", "lon", "postcode", "area", "ward")
#: set by the receiving organisation alone: a consent recorded there, its own marks
SET_HERE = ("open_to_connect", "placeholder", "arrived_with")
LEFT_BEHIND = ("id", *ADDRESS, *SET_HERE)
TRAVELS = tuple(name for name in Person.model_fields if name not in LEFT_BEHIND)
RECORD_FIELDS = {
    "WhatMatters": ("date", "can_do_myself", "need_a_little_help", "others_might_provide"),
    "Lsns6Response": ("date", "family_monthly", "family_private", "family_help",
                      "friends_monthly", "friends_private", "friends_help"),
}
#: each kind of tie in a package and the relationship it is (the kind says which way)
TIES = {"knows": "KNOWS", "cares_for": "CARES_FOR", "cared_for_by": "CARES_FOR"}
TIE_PROPERTIES = {"KNOWS": Knows, "CARES_FOR": CaresFor}
#: all a placeholder's tie keeps: how the person knows them, not when or how well
PLACEHOLDER_TIE = {"KNOWS": ("relation", "circle", "contact"), "CARES_FOR": ("hours_per_week",)}
_SCHEMA = json.loads(resources.files("assetmap.data").joinpath(
    "schemas/person-package-1.json").read_text(encoding="utf-8"))


@cache
def _validator() -> Any:
    """Made when first needed: the format checker's grammars take over a second to load,
    which every CLI command would otherwise pay."""
    from jsonschema import Draft202012Validator, FormatChecker

    return Draft202012Validator(_SCHEMA, format_checker=FormatChecker())


# -- keys ------------------------------------------------------------------------------


def signing_key(config: Config) -> Ed25519PrivateKey:
    """This instance's signing key, made once and kept in the instance folder (0600)."""
    return Ed25519PrivateKey.from_private_bytes(
        bytes.fromhex(config.instance_secret("signing_key")))


def public_key_text(key: Ed25519PrivateKey) -> str:
    """The public half, as the base64 of its SubjectPublicKeyInfo (what a receiver is told)."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return base64.b64encode(key.public_key().public_bytes(
        Encoding.DER, PublicFormat.SubjectPublicKeyInfo)).decode()


def fingerprint(public_key: str) -> str:
    """A short form of a public key to read out over the phone: ``SHA256:`` and 32 hex
    digits in groups of four."""
    digest = hashlib.sha256(public_key.encode()).hexdigest()[:32]
    return "SHA256:" + " ".join(digest[i:i + 4] for i in range(0, 32, 4))


def _same_key(given: str, public_key: str) -> bool:
    """``given`` is ``public_key`` itself or its fingerprint (spaces, case and the
    ``SHA256:`` prefix as the person typed them)."""
    def squeezed(text: str) -> str:
        return "".join(text.split()).upper().removeprefix("SHA256:")

    return given.strip() == public_key or squeezed(given) == squeezed(fingerprint(public_key))


def _canonical(package: dict[str, Any]) -> bytes:
    return json.dumps(package, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode()


# -- packaging ---------------------------------------------------------------------------


def _consent(store: GraphStore, person_id: str, organisation_id: str) -> dict | None:
    """The person's active ``move_record`` consent given to the organisation, if any."""
    return people.active_consent(store, person_id, organisation_id, CONSENT)


def _travelling(person: dict[str, Any]) -> dict[str, Any]:
    return {key: person[key] for key in TRAVELS if key in person}


def build(store: GraphStore, person_id: str, organisation_id: str,
          acting: Acting) -> dict[str, Any]:
    """The package body for a person the organisation recorded and who consented to their
    record moving; audited for the person and for each person named in it (their data
    leaves too). Raises :class:`InvalidRecord` naming what stops it."""
    rows = store.run_read(
        "MATCH (p:Person {id: $id}) OPTIONAL MATCH (p)-[:RECORDED_BY]->(o:Organisation {id: $org})"
        " RETURN properties(p) AS p, o.name AS organisation", id=person_id, org=organisation_id)
    if not rows:
        raise NotFound("Person", person_id)
    if rows[0]["organisation"] is None:
        raise InvalidRecord([("organisation_id", Problem(N_(
            "%(organisation)s did not record this person: only the recording organisation "
            "can package them"), organisation=repr(organisation_id)))])
    consent = _consent(store, person_id, organisation_id)
    if consent is None:
        raise InvalidRecord([("consent", Problem(N_(
            "the person has no active 'move_record' consent given to this organisation: "
            "record it first")))])
    ties = store.run_read(
        "MATCH (p:Person {id: $id})-[r:KNOWS|CARES_FOR]-(o:Person) "
        "RETURN type(r) AS type, startNode(r) = p AS out, properties(r) AS r, o.id AS other, "
        "properties(o) AS o ORDER BY other, type", id=person_id)
    keys: dict[str, str] = {}
    circle, named = [], []
    for tie in ties:
        if tie["type"] == "KNOWS" and not tie["out"]:
            continue  # they count the person in their circle: that is their record
        key = keys.setdefault(tie["other"], f"other-{len(keys) + 1}")
        entry = {"other": key,
                 "tie": "knows" if tie["type"] == "KNOWS" else (
                     "cares_for" if tie["out"] else "cared_for_by"),
                 "properties": tie["r"]}
        if _consent(store, tie["other"], organisation_id):
            entry["person"] = _travelling(tie["o"])
            named.append(tie["other"])
        else:
            entry["properties"] = _placeholder_tie(tie["type"], tie["r"])
        circle.append(entry)
    records = store.run_read(
        "MATCH (d)-[:ABOUT]->(:Person {id: $id}) WHERE d:WhatMatters OR d:Lsns6Response "
        "RETURN labels(d)[0] AS label, properties(d) AS d ORDER BY d.date, d.created_at",
        id=person_id)
    package_id = str(uuid.uuid4())
    acting.record("package", person_id, detail=f"package {package_id}")
    acting.record("package", sorted(set(named)),
                  detail=f"named in package {package_id} of {person_id}")
    return {
        "format": FORMAT, "version": VERSION, "id": package_id, "created_at": now_iso(),
        "app_version": __version__,
        "from": {"organisation": {"id": organisation_id, "name": rows[0]["organisation"]}},
        "consent": {key: consent[key] for key in (
            "id", "given_by", "representative_name", "given_at", "until") if key in consent},
        "person": _travelling(rows[0]["p"]),
        "circle": circle,
        "what_matters": [_fields(r["d"], "WhatMatters") for r in records
                         if r["label"] == "WhatMatters"],
        "lsns6": [_fields(r["d"], "Lsns6Response") for r in records
                  if r["label"] == "Lsns6Response"],
    }


def _placeholder_tie(type_name: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {key: properties[key] for key in PLACEHOLDER_TIE[type_name] if key in properties}


def _fields(record: dict[str, Any], label: str) -> dict[str, Any]:
    return {key: record[key] for key in RECORD_FIELDS[label] if key in record}


def sign(package: dict[str, Any], key: Ed25519PrivateKey) -> dict[str, Any]:
    """The file's content: the package and its Ed25519 signature."""
    return {"package": package, "signature": {
        "algorithm": "Ed25519", "public_key": public_key_text(key),
        "value": base64.b64encode(key.sign(_canonical(package))).decode()}}


def summary(package: dict[str, Any]) -> dict[str, int]:
    """How much a package carries: ties, people named, placeholders, records."""
    others = {tie["other"]: "person" in tie for tie in package["circle"]}
    return {"ties": len(package["circle"]), "named": sum(others.values()),
            "placeholders": len(others) - sum(others.values()),
            "what_matters": len(package["what_matters"]), "lsns6": len(package["lsns6"])}


# -- receiving ---------------------------------------------------------------------------


def read(path: Path) -> dict[str, Any]:
    """A package file's JSON, refusing what is not one before anything else is checked."""
    try:
        with Path(path).open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InvalidRecord([("file", Problem(N_("cannot be read: %(why)s"),
                                              why=exc.strerror))]) from None
    if len(data) > MAX_BYTES:
        raise InvalidRecord([("file", Problem(
            N_("is larger than %(size)s MB: not a person package"),
            size=MAX_BYTES // 1_000_000))])
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise InvalidRecord([("file", Problem(N_("is not UTF-8 text")))]) from None
    except ValueError as exc:
        raise InvalidRecord([("file", Problem(N_("is not JSON (%(why)s)"), why=exc))]) from None


@dataclass(frozen=True)
class Verified:
    """A package whose schema and signature were checked."""

    package: dict[str, Any]
    fingerprint: str


def verify(document: Any, sender_key: str) -> Verified:
    """Check the package's shape against its JSON Schema, then that it was signed by
    ``sender_key`` (the sender's public key or its fingerprint) and not changed since."""
    errors = sorted(_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        raise InvalidRecord([
            ("/".join(str(part) for part in error.absolute_path) or "package",
             schema_words.problem(error))
            for error in errors[:20]])
    signature = document["signature"]
    if not _same_key(sender_key, signature["public_key"]):
        raise InvalidRecord([("signature", Problem(
            N_("the package was signed by key %(fingerprint)s, not by the sender key given"),
            fingerprint=fingerprint(signature["public_key"])))])
    try:
        public = base64.b64decode(signature["public_key"], validate=True)
        from cryptography.hazmat.primitives.serialization import load_der_public_key

        key = load_der_public_key(public)
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("not an Ed25519 key")
        key.verify(base64.b64decode(signature["value"], validate=True),
                   _canonical(document["package"]))
    except (InvalidSignature, ValueError, binascii.Error):
        raise InvalidRecord([("signature", Problem(N_(
            "does not match: the package was changed after it was signed")))]) from None
    return Verified(document["package"], fingerprint(signature["public_key"]))


def _arrival_id(arrival: str, part: str) -> str:
    """The id a part of a package is written under: the same on every run."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"assetmap:package:{arrival}:{part}"))


def _checked(package: dict[str, Any], arrival: str, home: dict[str, Any]) -> dict[str, Any]:
    """Every part through assetmap's model rules, with new ids; problems named by path."""
    problems: list[tuple[str, str]] = []

    def check(model: Any, data: dict[str, Any], where: str) -> Any:
        try:
            return validate(model, data)
        except InvalidRecord as exc:
            problems.extend((f"{where}/{field}", message) for field, message in exc.errors)
            return None

    for where, data in [("person", package["person"])] + [
            (f"circle/{n}/person", tie["person"]) for n, tie in enumerate(package["circle"])
            if "person" in tie]:
        problems.extend((f"{where}/{key}", Problem(N_(
            "a package never carries where someone lives: the sender must leave it out")))
            for key in ADDRESS if key in data)
        problems.extend((f"{where}/{key}", Problem(N_(
            "is set by the receiving organisation (a consent recorded here), never by a "
            "package"))) for key in SET_HERE if key in data)
    seen: set[tuple[str, str]] = set()
    for number, tie in enumerate(package["circle"]):
        if (tie["other"], tie["tie"]) in seen:
            problems.append((f"circle/{number}", Problem(N_(
                "repeats a tie of the same kind to %(other)s"), other=tie["other"])))
        seen.add((tie["other"], tie["tie"]))
        if "person" not in tie:
            problems.extend((f"circle/{number}/properties/{key}", Problem(N_(
                "a placeholder's tie carries only %(kept)s"),
                kept=", ".join(PLACEHOLDER_TIE[TIES[tie["tie"]]])))
                for key in tie["properties"] if key not in PLACEHOLDER_TIE[TIES[tie["tie"]]])
    # ids made from the package's: a dry run names the ids the real run will write
    person = check(Person, {**package["person"], **home, "arrived_with": arrival,
                            "id": _arrival_id(arrival, "person")}, "person")
    named: dict[str, dict[str, Any]] = {}
    carers = set()
    ties = []
    for number, tie in enumerate(package["circle"]):
        ties.append((tie, check(TIE_PROPERTIES[TIES[tie["tie"]]], tie["properties"],
                                f"circle/{number}/properties")))
        named.setdefault(tie["other"], tie.get("person") or {
            "name": NOT_NAMED, "placeholder": True})
        if tie["tie"] == "cared_for_by":
            carers.add(tie["other"])
    others = {key: check(Person, {**data, "carer": key in carers or data.get("carer", False),
                                  "id": _arrival_id(arrival, f"circle/{key}")},
                         f"circle/{key}")
              for key, data in named.items()}
    made = {
        label: [check(model, {**record, "person_id": person.id if person else "x",
                              "recorded_by": f"package:{arrival}"}, f"{key}/{n}")
                for n, record in enumerate(package[key])]
        for label, model, key in (("WhatMatters", WhatMatters, "what_matters"),
                                  ("Lsns6Response", Lsns6Response, "lsns6"))}
    if problems:
        raise InvalidRecord(problems)
    return {"person": person, "others": others, "ties": ties, "records": made}


def receive(store: GraphStore, verified: Verified, organisation_id: str, acting: Acting,
            register: ErasureRegister, dry_run: bool = False,
            home: dict[str, Any] | None = None) -> dict[str, Any]:
    """Write a verified package as a person recorded by the organisation, with their
    circle (named people and placeholders, each recorded by it too) and records, in one
    statement, audited per person created. A package is received once, and never for a
    person erased here. ``home``: where they live now, as the receiver knows it
    (``postcode``, ``lat``, ``lon``, ``area``, ``ward`` from
    :func:`assetmap.services.areas.locate`). Returns what was (or would be) written."""
    package = verified.package
    parts = _checked(package, package["id"], home or {})
    if not store.run_read("MATCH (o:Organisation {id: $id}) RETURN o.id AS id",
                          id=organisation_id):
        raise InvalidRecord([("organisation_id", Problem(
            N_("no %(kind)s with id %(id)s"), kind="Organisation", id=repr(organisation_id)))])
    if store.run_read("MATCH (o:Organisation) WHERE $id IN coalesce(o.received_packages, []) "
                      "RETURN o.id AS id", id=package["id"]):
        raise InvalidRecord([("package", Problem(N_(
            "was already received here (the person it brought may since have been erased)")))])
    if register.holds(parts["person"].id):  # also when a restore lost the line above
        raise InvalidRecord([("package", Problem(N_(
            "brought a person who was since erased here: it cannot be received again")))])
    result = {"person_id": parts["person"].id, "name": parts["person"].name,
              **summary(package)}
    if dry_run:
        return result
    query, params = _statement(parts, organisation_id)
    store.run_write(query, **params)
    areas.link(store, "Person", parts["person"].properties())
    detail = f"received in package {package['id']}, key {verified.fingerprint}"
    acting.record("receive", parts["person"].id, detail=detail)
    acting.record("receive", [other.id for other in parts["others"].values()],
                  detail=f"in the circle of {parts['person'].id}, {detail}")
    return result


def _statement(parts: dict[str, Any], organisation_id: str) -> tuple[str, dict[str, Any]]:
    """One CREATE for everything: FOREACH per label set (labels come from the model's
    whitelist), each other person with their ties to the person nested inside."""
    now = now_iso()
    person = parts["person"]

    def props(record: Any) -> dict[str, Any]:
        return {**record.properties(), "created_at": now, "updated_at": now}

    groups: dict[str, list[dict[str, Any]]] = {}
    for key, other in parts["others"].items():
        mine = [(tie, _placeholder_tie(TIES[tie["tie"]], p.properties()) if other.placeholder
                 else p.properties()) for tie, p in parts["ties"] if tie["other"] == key]
        groups.setdefault(":".join(("Person", *other.extra_labels())), []).append({
            "props": props(other),
            "knows": [p for tie, p in mine if tie["tie"] == "knows"],
            "cares_for": [p for tie, p in mine if tie["tie"] == "cares_for"],
            "cared_for_by": [p for tie, p in mine if tie["tie"] == "cared_for_by"]})
    others = "".join(
        f" FOREACH (x IN $others{i} | CREATE (n:{labels}) SET n = x.props "
        "CREATE (n)-[:RECORDED_BY]->(o) "
        "FOREACH (t IN x.knows | CREATE (p)-[r:KNOWS]->(n) SET r = t) "
        "FOREACH (t IN x.cares_for | CREATE (p)-[r:CARES_FOR]->(n) SET r = t) "
        "FOREACH (t IN x.cared_for_by | CREATE (n)-[r:CARES_FOR]->(p) SET r = t))"
        for i, labels in enumerate(groups))
    records = "".join(
        f" FOREACH (x IN ${label} | CREATE (d:{label}) SET d = x CREATE (d)-[:ABOUT]->(p))"
        for label in parts["records"])
    query = (f"MATCH (o:Organisation {{id: $org}}) "
             "SET o.received_packages = coalesce(o.received_packages, []) + $package "
             f"CREATE (p:{':'.join(('Person', *person.extra_labels()))}) SET p = $person "
             f"CREATE (p)-[:RECORDED_BY]->(o){others}{records} RETURN p.id AS id")
    params: dict[str, Any] = {
        "org": organisation_id, "person": props(person), "package": person.arrived_with,
        **{f"others{i}": rows for i, rows in enumerate(groups.values())},
        **{label: [props(r) for r in rows] for label, rows in parts["records"].items()}}
    return query, params
