"""Import spreadsheets: people, ties, groups, places and activities from CSV.

Each kind has a template (:func:`template`; copies in ``seed/templates/``) whose column
names may be English or Welsh. Every row passes the same field rules as the forms
(:mod:`assetmap.model`); a row that breaks one is reported by row number, column and
message, and the good rows are written (or, ``all_or_nothing``, none are). Rows are
written in batches, each node with its links in one statement; if writing fails part way,
what this import wrote is removed again, so nothing is left half-written.

People are recorded by the importing organisation. Whether someone may be suggested to
others is a consent, recorded on their page, not a spreadsheet column.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assetmap.audit import Acting
from assetmap.graph import activities, groups, people, places, ties
from assetmap.graph.nodes import NodeRepository
from assetmap.graph.store import GraphStore
from assetmap.i18n import N_, Problem, fold
from assetmap.model import RELATIONSHIPS, InvalidRecord, Listing, new_id, validate
from assetmap.services import areas, directory, freshness

Progress = Callable[[str, int, int], None]
BATCH = 5000
LIST_SEPARATOR = ";"
_TRUE = {"yes", "y", "true", "1", "ie", "do", "oes", "ydy"}
_FALSE = {"no", "n", "false", "0", "na", "naddo", "nac oes", "nac ydy"}

#: each column's Welsh name (Welsh Government terms where there is one; see docs/glossary.md)
WELSH: dict[str, str] = {
    "id": "cyfeirnod", "name": "enw", "name_cy": "enw_cymraeg", "description": "disgrifiad",
    "description_cy": "disgrifiad_cymraeg", "birth_year": "blwyddyn_geni",
    "languages": "ieithoedd", "interests": "diddordebau", "gifts": "doniau",
    "needs": "anghenion", "lives_alone": "byw_ar_ei_ben_ei_hun", "postcode": "cod_post",
    "lat": "lledred", "lon": "hydred", "profession": "proffesiwn",
    "availability": "argaeledd", "access_needs": "anghenion_mynediad",
    "volunteer": "gwirfoddolwr", "carer": "gofalwr", "radius_km": "radiws_km",
    "capacity": "capasiti", "skills": "sgiliau", "source_id": "cyfeirnod_person",
    "target_id": "cyfeirnod_cyswllt", "type": "math_o_gysylltiad", "relation": "perthynas",
    "circle": "cylch", "strength": "cryfder", "contact": "cyswllt",
    "last_contact": "cyswllt_diwethaf", "since": "ers", "hours_per_week": "oriau_yr_wythnos",
    "categories": "categoriau", "welsh_language": "cymraeg", "email": "ebost",
    "kind": "math_o_le", "address": "cyfeiriad", "town": "tref", "step_free": "heb_risiau",
    "hearing_loop": "dolen_sain", "accessible_toilet": "toiled_hygyrch",
    "parking": "parcio", "opening_hours": "oriau_agor", "weekday": "diwrnod",
    "start": "dechrau", "end": "gorffen", "frequency": "amlder",
    "cost_pence": "cost_ceiniogau", "age_min": "oed_isaf", "age_max": "oed_uchaf",
    "place_id": "cyfeirnod_lle", "group_id": "cyfeirnod_grwp", "delivery": "darparu",
    "service_areas": "ardaloedd_gwasanaeth", "reach_km": "cyrraedd_km",
    "base_lat": "lledred_canolfan", "base_lon": "hydred_canolfan",
}


@dataclass(frozen=True)
class Kind:
    """One kind of row: its model, the columns a template has, and its links."""

    name: str
    repo: NodeRepository | None
    columns: tuple[str, ...]
    required: tuple[str, ...]
    example: dict[str, str]
    #: columns that name another node rather than set a field
    links: tuple[str, ...] = ()
    #: further example rows (people: the other end of the ties template's tie)
    more_examples: tuple[dict[str, str], ...] = ()


KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    Kind("people", people.repo,
         ("id", "name", "birth_year", "postcode", "lat", "lon", "lives_alone", "languages",
          "interests", "gifts", "needs", "profession", "availability", "access_needs",
          "volunteer", "carer", "radius_km", "capacity", "skills"),
         ("name",),
         {"id": "p-0001", "name": "Megan Jones", "birth_year": "1941", "postcode": "SY18 6AB",
          "lives_alone": "yes", "languages": "cy;en", "interests": "singing;gardening",
          "availability": "tue_am;thu_pm", "access_needs": "step_free"},
         more_examples=({"id": "p-0002", "name": "Dai Evans", "birth_year": "1958",
                         "postcode": "SY18 6HB", "languages": "en", "interests": "walking",
                         "volunteer": "yes", "radius_km": "10", "capacity": "2",
                         "skills": "driving"},)),
    Kind("ties", None,
         ("source_id", "target_id", "type", "relation", "circle", "strength", "contact",
          "last_contact", "since", "hours_per_week"),
         ("source_id", "target_id"),
         {"source_id": "p-0001", "target_id": "p-0002", "type": "KNOWS", "relation": "friend",
          "circle": "2", "contact": "weekly"}),
    Kind("groups", groups.repo,
         ("id", "name", "name_cy", "description", "description_cy", "categories",
          "welsh_language", "email"),
         ("name",),
         {"id": "g-choir", "name": "Llanidloes Male Voice Choir",
          "name_cy": "Côr Meibion Llanidloes", "categories": "music;social",
          "welsh_language": "yes"}),
    Kind("places", places.repo,
         ("id", "name", "name_cy", "description", "kind", "address", "town", "postcode", "lat",
          "lon", "step_free", "hearing_loop", "accessible_toilet", "parking",
          "opening_hours"),
         ("name",),
         {"id": "pl-hall", "name": "Llanidloes Town Hall", "name_cy": "Neuadd y Dref",
          "kind": "hall", "town": "Llanidloes", "postcode": "SY18 6BN", "step_free": "yes",
          "opening_hours": "mon 09:00-17:00;tue 09:00-17:00"}),
    Kind("activities", activities.repo,
         ("id", "name", "name_cy", "description", "description_cy", "weekday", "start", "end",
          "frequency", "cost_pence", "welsh_language", "categories", "age_min", "age_max",
          "place_id", "delivery", "service_areas", "reach_km", "base_lat", "base_lon",
          "group_id"),
         ("name", "categories"),
         {"id": "a-choir", "name": "Choir practice", "name_cy": "Ymarfer côr",
          "weekday": "thu", "start": "19:00", "end": "21:00", "categories": "music",
          "welsh_language": "yes", "place_id": "pl-hall", "group_id": "g-choir"},
         links=("place_id", "group_id")),
)}


def header(column: str, lang: str = "en") -> str:
    return WELSH[column] if lang == "cy" else column


def template(kind: str, lang: str = "en") -> str:
    """A CSV template: the header row and example rows."""
    spec = KINDS[kind]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([header(column, lang) for column in spec.columns])
    yes = "ie" if lang == "cy" else "yes"
    for example in (spec.example, *spec.more_examples):
        writer.writerow([yes if example.get(column) == "yes" else example.get(column, "")
                         for column in spec.columns])
    return out.getvalue()


# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Reject:
    row: int
    column: str
    message: str


class FileProblem(ValueError):
    """The file as a whole cannot be imported (encoding, header); names the file."""


@dataclass
class Result:
    kind: str
    rows: int = 0
    written: list[str] = field(default_factory=list)
    rejected: list[Reject] = field(default_factory=list)
    seconds: float = 0.0


def _decode(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileProblem(Problem(
            N_("%(file)s: not UTF-8 (byte %(byte)s at offset %(offset)s); save it as "
               "'CSV UTF-8'"), file=path.name, byte=f"{data[exc.start]:#04x}",
            offset=exc.start)) from None


def _columns(kind: Kind, names: list[str], path: Path) -> list[str]:
    """Our column for each header, English or Welsh, any case, accents optional."""
    known = {fold(column): column for column in kind.columns}
    known |= {fold(WELSH[column]): column for column in kind.columns}
    columns = []
    for name in names:
        key = fold(name).replace(" ", "_").replace("-", "_")
        if key not in known:
            raise FileProblem(Problem(
                N_("%(file)s: column %(column)s is not a %(kind)s column (expected: "
                   "%(expected)s)"), file=path.name, column=repr(name), kind=kind.name,
                expected=", ".join(kind.columns)))
        columns.append(known[key])
    missing = [column for column in kind.required if column not in columns]
    if missing:
        raise FileProblem(Problem(N_("%(file)s: no %(columns)s column"), file=path.name,
                                  columns=", ".join(missing)))
    duplicated = {column for column in columns if columns.count(column) > 1}
    if duplicated:
        raise FileProblem(Problem(N_("%(file)s: column %(column)s appears twice"),
                                  file=path.name, column=repr(sorted(duplicated)[0])))
    return columns


def _value(model: type, column: str, text: str) -> Any:
    """A cell as the model expects it: lists split on ';', yes/no (ie/na) as booleans."""
    info = model.model_fields.get(column)
    shape = repr(info.annotation) if info else ""
    if "list[" in shape:
        return [part.strip() for part in text.split(LIST_SEPARATOR) if part.strip()]
    if "bool" in shape and text.lower() in _TRUE | _FALSE:
        return text.lower() in _TRUE
    if "Literal[1" in shape and re.fullmatch(r"\d+", text):
        return int(text)
    return text


class CsvImport:
    def __init__(self, store: GraphStore, kind: str, instance_path: Path,
                 organisation_id: str | None = None, progress: Progress | None = None) -> None:
        self.store = store
        self.kind = KINDS[kind]
        self.instance_path = instance_path
        self.organisation_id = organisation_id
        self.progress = progress or (lambda stage, done, total: None)
        if kind in ("people", "ties"):
            if not organisation_id:
                raise FileProblem(Problem(N_(
                    "importing %(kind)s needs --org: the organisation that records them"),
                    kind=kind))
            if not store.run_read("MATCH (o:Organisation {id: $id}) RETURN o.id AS id",
                                  id=organisation_id):
                raise FileProblem(Problem(N_("--org: no organisation with id %(id)s"),
                                          id=repr(organisation_id)))

    def rows(self, path: Path) -> list[tuple[int, dict[str, str]]]:
        reader = csv.reader(io.StringIO(_decode(path), newline=""))
        try:
            names = next(reader)
        except StopIteration:
            raise FileProblem(Problem(N_("%(file)s: the file is empty"),
                                      file=path.name)) from None
        columns = _columns(self.kind, names, path)
        self.headers = dict(zip(columns, names, strict=True))
        rows = []
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(columns):
                rows.append((number, {"_extra": "x"}))
                continue
            rows.append((number, {column: cell.strip()
                                  for column, cell in zip(columns, cells, strict=False)
                                  if cell.strip()}))
        return rows

    def check(self, path: Path, result: Result) -> list[tuple[int, Any, dict[str, str]]]:
        """Every row through the model; the rows that pass, with what they link to."""
        rows = self.rows(path)
        result.rows = len(rows)
        good = []
        for done, (number, cells) in enumerate(rows, start=1):
            try:
                good.append((number, *self._row(cells)))
            except InvalidRecord as exc:
                for name, problem in exc.errors:
                    result.rejected.append(Reject(number, self._header(name), problem))
            if done % 5000 == 0 or done == len(rows):
                self.progress("checking", done, len(rows))
        return self._against_graph(good, result)

    def _header(self, name: str) -> str:
        return self.headers.get(name.split(".")[0], name)

    def _row(self, cells: dict[str, str]) -> tuple[Any, dict[str, str]]:
        if "_extra" in cells:
            raise InvalidRecord([("record", Problem(N_("more cells than columns")))])
        if self.kind.repo is None:
            return self._tie(cells), {}
        model = self.kind.repo.model
        data = {column: _value(model, column, text) for column, text in cells.items()
                if column not in self.kind.links}
        data.setdefault("id", new_id())
        if issubclass(model, Listing):  # an import checks what it writes, as staff do
            data.update(freshness.stamp("import"))
        if model.located:
            data = areas.point_for(model, data, self.instance_path)
        record = validate(model, data)
        links = {column: cells[column] for column in self.kind.links if column in cells}
        if self.kind.name == "people":
            links["organisation_id"] = self.organisation_id or ""
        return record, links

    def _tie(self, cells: dict[str, str]) -> tuple[str, str, str, dict[str, Any]]:
        type_name = cells.get("type", "KNOWS").upper()
        if type_name not in ("KNOWS", "CARES_FOR"):
            raise InvalidRecord([("type", Problem(N_("%(type)s is not KNOWS or CARES_FOR"),
                                                  type=repr(cells.get("type"))))])
        spec = RELATIONSHIPS[type_name]
        fields = spec.properties.model_fields
        wrong = [column for column in cells
                 if column not in fields and column not in ("source_id", "target_id", "type")]
        if wrong:
            raise InvalidRecord([(column, Problem(N_("is not a field of a %(type)s tie"),
                                                  type=type_name)) for column in wrong])
        if cells["source_id"] == cells["target_id"]:
            raise InvalidRecord([("target_id", Problem(N_("is the same person as source_id")))])
        props = validate(spec.properties, {column: _value(spec.properties, column, text)
                                           for column, text in cells.items() if column in fields})
        return type_name, cells["source_id"], cells["target_id"], props.properties()

    def _found(self, label: str, ids: list[str], recorded_by: str | None = None) -> set[str]:
        """Which of ``ids`` exist (as people recorded by ``recorded_by``, if given)."""
        found: set[str] = set()
        # WITH first: FalkorDB otherwise plans the whole pattern from the organisation's
        # side, 400 times slower on 5,000 ids (measured)
        tail = (" WITH n MATCH (n)-[:RECORDED_BY]->(:Organisation {id: $org})"
                if recorded_by else "")
        unique = sorted(set(ids))
        for start in range(0, len(unique), 10_000):
            found |= {row["id"] for row in self.store.run_read(
                f"UNWIND $ids AS i MATCH (n:{label} {{id: i}}){tail} RETURN n.id AS id",
                ids=unique[start:start + 10_000], org=recorded_by)}
        return found

    def _against_graph(self, good: list[tuple[int, Any, dict[str, str]]],
                       result: Result) -> list[tuple[int, Any, dict[str, str]]]:
        """Duplicate ids, ids already used, and links to nodes that are not there."""
        passed = []
        if self.kind.repo is None:
            ids = [end for _, tie, _ in good for end in tie[1:3]]
            mine = self._found("Person", ids, self.organisation_id)
            seen: set[tuple[str, str, str]] = set()
            existing = self._existing_ties(good)
            for number, tie, links in good:
                key = tie[:3]
                for column, person in (("source_id", tie[1]), ("target_id", tie[2])):
                    if person not in mine:
                        result.rejected.append(Reject(number, self._header(column), Problem(
                            N_("no person with id %(id)s recorded by %(organisation)s"),
                            id=repr(person), organisation=self.organisation_id)))
                        break
                else:
                    if key in seen or key in existing:
                        result.rejected.append(Reject(number, self._header("target_id"), Problem(
                            N_("a %(type)s tie from %(from)s to %(to)s already exists"),
                            type=tie[0], **{"from": repr(tie[1]), "to": repr(tie[2])})))
                    else:
                        seen.add(key)
                        passed.append((number, tie, links))
            return passed
        label = self.kind.repo.label
        used = self._found(label, [record.id for _, record, _ in good])
        targets = {column: self._found(self.kind.repo.links[column].target,
                                       [links[column] for _, _, links in good if column in links])
                   for column in self.kind.links}
        first_row: dict[str, int] = {}
        for number, record, links in good:
            if record.id in first_row:
                result.rejected.append(Reject(number, self._header("id"), Problem(
                    N_("%(id)s is also the id on row %(row)s"), id=repr(record.id),
                    row=first_row[record.id])))
                continue
            first_row[record.id] = number
            if record.id in used:
                result.rejected.append(Reject(number, self._header("id"), Problem(
                    N_("%(id)s is already used by another %(kind)s"), id=repr(record.id),
                    kind=label)))
                continue
            missing = [column for column in self.kind.links
                       if column in links and links[column] not in targets[column]]
            for column in missing:
                target = self.kind.repo.links[column].target
                result.rejected.append(Reject(number, self._header(column), Problem(
                    N_("no %(kind)s with id %(id)s"), kind=target, id=repr(links[column]))))
            if not missing and label == "Activity":
                try:  # the directory's rule: a venue, or delivered without one
                    directory.check_venue(record.properties(), links.get("place_id"))
                except InvalidRecord as exc:
                    result.rejected.append(Reject(number, self._header("place_id"),
                                                  exc.errors[0][1]))
                    continue
            if not missing:
                passed.append((number, record, links))
        return passed

    def _existing_ties(self, good: list[tuple[int, Any, dict[str, str]]]) -> set[tuple]:
        found: set[tuple] = set()
        for type_name in ("KNOWS", "CARES_FOR"):
            pairs = [{"a": tie[1], "b": tie[2]} for _, tie, _ in good if tie[0] == type_name]
            for start in range(0, len(pairs), 10_000):
                found |= {(type_name, row["a"], row["b"]) for row in self.store.run_read(
                    f"UNWIND $pairs AS p MATCH (a:Person {{id: p.a}})-[:{type_name}]->"
                    "(b:Person {id: p.b}) RETURN a.id AS a, b.id AS b",
                    pairs=pairs[start:start + 10_000])}
        return found

    def write(self, passed: list[tuple[int, Any, dict[str, str]]], result: Result) -> None:
        """Write the rows; undo this import's writes if any statement fails."""
        total = len(passed)
        try:
            if self.kind.repo is None:
                self._write_ties([tie for _, tie, _ in passed], result)
                return
            def written(ids: list[str]) -> None:
                result.written.extend(ids)
                self.progress("writing", len(result.written), total)

            records = areas.placed_records(self.store, [record for _, record, _ in passed])
            self.kind.repo.create_many_linked(
                self.store, [(record, links) for record, (_, _, links) in
                             zip(records, passed, strict=True)], BATCH, written)
            areas.link_many(self.store, records)
        except BaseException:
            self.undo(result)
            raise
        if len(result.written) != total:  # a link target went away while we wrote
            self.undo(result)
            raise FileProblem(Problem(N_("the directory changed while importing; nothing was "
                                         "kept, run the import again")))

    def _write_ties(self, rows: list[tuple[str, str, str, dict]], result: Result) -> None:
        for type_name in ("KNOWS", "CARES_FOR"):
            batch = [(a, b, props) for name, a, b, props in rows if name == type_name]
            for start in range(0, len(batch), BATCH):
                part = batch[start:start + BATCH]
                ties.create_many(self.store, type_name, "Person", "Person", part)
                result.written += [f"{type_name}:{a}:{b}" for a, b, _ in part]
                self.progress("writing", len(result.written), len(rows))

    def undo(self, result: Result) -> None:
        if self.kind.repo is not None:
            self.kind.repo.delete_many(self.store, result.written)
            return
        for type_name in ("KNOWS", "CARES_FOR"):
            pairs = [{"a": a, "b": b} for name, a, b in
                     (written.split(":", 2) for written in result.written) if name == type_name]
            for start in range(0, len(pairs), 10_000):
                self.store.run_write(
                    f"UNWIND $pairs AS p MATCH (:Person {{id: p.a}})-[r:{type_name}]->"
                    "(:Person {id: p.b}) DELETE r", pairs=pairs[start:start + 10_000])


def import_file(store: GraphStore, kind: str, path: Path, instance_path: Path, *,
                organisation_id: str | None = None, dry_run: bool = False,
                all_or_nothing: bool = False, progress: Progress | None = None,
                acting: Acting | None = None) -> Result:
    """Check every row of ``path`` and write the good ones (see the module's docstring);
    the people written are audited as created by ``acting``."""
    import time

    started = time.perf_counter()
    job = CsvImport(store, kind, instance_path, organisation_id, progress)
    result = Result(kind)
    passed = job.check(path, result)
    if not dry_run and not (all_or_nothing and result.rejected):
        job.write(passed, result)
        if kind == "people" and result.written and acting is not None:
            acting.record("create", result.written,
                          detail=f"assetmap import csv people {path.name}")
    result.seconds = time.perf_counter() - started
    return result
