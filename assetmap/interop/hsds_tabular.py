"""HSDS's tabular form: one CSV per object type, joined by ``*_id`` columns, described by a
Frictionless ``datapackage.json``. :func:`write` flattens nested HSDS objects into tables;
:func:`read` joins tables back into nested services, organizations and locations, so the
importer sees one shape whichever form a directory sent.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from assetmap.interop.hsds import table_columns

#: nested arrays and objects, by the object holding them: (property, table, how joined)
_CHILDREN: dict[str, tuple[tuple[str, str], ...]] = {
    "service": (("schedules", "schedule"), ("languages", "language"),
                ("cost_options", "cost_option"), ("attributes", "attribute"),
                ("contacts", "contact"), ("service_at_locations", "service_at_location"),
                ("organization", "organization")),
    "organization": (("contacts", "contact"),),
    "service_at_location": (("location", "location"),),
    "location": (("addresses", "address"), ("accessibility", "accessibility")),
    "attribute": (("taxonomy_term", "taxonomy_term"),),
}


class TabularError(ValueError):
    """A datapackage that cannot be read at all (the message names the file)."""


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def flatten(kind: str, objects: list[dict[str, Any]],
            tables: dict[str, dict[str, dict]] | None = None) -> dict[str, dict[str, dict]]:
    """Rows by table and id for ``objects`` of ``kind`` and everything nested in them."""
    tables = tables if tables is not None else defaultdict(dict)
    children = dict(_CHILDREN.get(kind, ()))
    for obj in objects:
        tables[kind].setdefault(obj["id"], {k: v for k, v in obj.items()
                                            if not isinstance(v, list | dict)})
        for prop, table in children.items():
            value = obj.get(prop)
            if isinstance(value, dict):
                flatten(table, [value], tables)
            elif isinstance(value, list):
                flatten(table, value, tables)
    return tables


def write(tables: dict[str, dict[str, dict]], directory: Path) -> list[Path]:
    """Write each table as CSV with the standard's columns, and ``datapackage.json``."""
    directory.mkdir(parents=True, exist_ok=True)
    layout = table_columns("hsds")
    resources, written = [], []
    for table, rows in sorted(tables.items()):
        path, columns = layout[table]
        names = [name for name, _ in columns]
        with (directory / path).open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(names)
            for row in rows.values():
                writer.writerow([_cell(row.get(name)) for name in names])
        written.append(directory / path)
        resources.append({
            "name": table, "path": path, "profile": "tabular-data-resource",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "schema": {"fields": [{"name": name, "type": kind} for name, kind in columns],
                       "primaryKey": "id"},
        })
    package = {"name": "assetmap-hsds", "title": "assetmap directory (Open Referral HSDS 3.0)",
               "profile": "tabular-data-package", "resources": resources}
    (directory / "datapackage.json").write_text(json.dumps(package, indent=1),
                                                encoding="utf-8")
    written.append(directory / "datapackage.json")
    return written


def _typed(value: str, kind: str) -> Any:
    if value == "":
        return None
    if kind == "integer":
        return int(value)
    if kind == "number":
        return float(value)
    if kind == "boolean":
        if value.lower() not in ("true", "false"):
            raise ValueError(f"{value!r} is not true or false")
        return value.lower() == "true"
    return value


def _read_table(path: Path, types: dict[str, str]) -> list[tuple[dict[str, Any], str]]:
    """Rows of one CSV with the standard's types, each with where it came from."""
    rows = []
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for number, raw in enumerate(csv.DictReader(handle), start=2):
                row: dict[str, Any] = {}
                for name, value in raw.items():
                    if name is None or value is None:
                        raise TabularError(f"{path.name} line {number}: more cells than columns")
                    try:
                        typed = _typed(value, types.get(name, "string"))
                    except ValueError as exc:
                        raise TabularError(f"{path.name} line {number}, column {name}: "
                                           f"{exc}") from None
                    if typed is not None:
                        row[name] = typed
                rows.append((row, f"{path.name}:{number}"))
    except UnicodeDecodeError as exc:
        raise TabularError(f"{path.name}: not UTF-8 (byte {exc.object[exc.start]:#04x} at "
                           f"offset {exc.start}); save it as CSV UTF-8") from None
    return rows


def _table_named(name: str) -> str | None:
    """The standard's table a resource or file name means: ``services``, ``service``,
    ``data/services.csv`` and ``service_at_locations`` each name theirs."""
    stem = Path(name).name.removesuffix(".csv").lower()
    for table, (path, _) in table_columns("hsds").items():
        if stem in (table, path.removesuffix(".csv"), table + "s"):
            return table
    return None


def is_package(directory: Path) -> bool:
    """Whether the folder is a tabular data package: a ``datapackage.json``, or CSV files
    of the standard's tables."""
    return (directory / "datapackage.json").exists() or any(
        _table_named(path.name) for path in directory.glob("*.csv"))


def _paths(directory: Path) -> dict[str, Path]:
    """Each table's file: from ``datapackage.json``'s resources when there is one (their
    paths as written: the usual Frictionless layout keeps them under ``data/``), else by
    the standard's file names (ORUK files sometimes use the singular)."""
    found = {}
    package = directory / "datapackage.json"
    if package.exists():
        try:
            resources = json.loads(package.read_text(encoding="utf-8-sig"))["resources"]
            for resource in resources:
                path = resource["path"]
                table = _table_named(resource.get("name") or path) or _table_named(path)
                if table and isinstance(path, str):
                    found.setdefault(table, directory / path)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise TabularError(f"datapackage.json: not a data package ({exc})") from None
        missing = [str(path.relative_to(directory)) for path in found.values()
                   if not path.exists()]
        if missing:
            raise TabularError(f"datapackage.json: names files that are not there: "
                               f"{', '.join(sorted(missing))}")
    for table, (path, _) in table_columns("hsds").items():
        for candidate in (path, f"{table}.csv"):
            if table not in found and (directory / candidate).exists():
                found[table] = directory / candidate
    return found


def read(directory: Path) -> dict[str, list[tuple[dict[str, Any], str]]]:
    """Nested ``service``, ``organization`` and ``location`` objects (each with its
    file and line) from a folder of HSDS CSV files."""
    layout = table_columns("hsds")
    tables: dict[str, list[tuple[dict[str, Any], str]]] = {}
    for table, path in _paths(directory).items():
        if table in layout:
            tables[table] = _read_table(path, dict(layout[table][1]))
    by_id = {table: {row["id"]: row for row, _ in rows if "id" in row}
             for table, rows in tables.items()}

    index: dict[tuple[str, str], dict[Any, list[dict[str, Any]]]] = {}

    def children(table: str, key: str, parent_id: Any) -> list[dict[str, Any]]:
        if (table, key) not in index:
            groups = defaultdict(list)
            for row, _ in tables.get(table, []):
                groups[row.get(key)].append(row)
            index[(table, key)] = groups
        return index[(table, key)].get(parent_id, [])

    def nest(kind: str, row: dict[str, Any]) -> dict[str, Any]:
        whole = dict(row)
        for prop, table in _CHILDREN.get(kind, ()):
            if prop in ("organization", "location", "taxonomy_term"):
                target = by_id.get(table, {}).get(row.get(f"{prop}_id"))
                if target is not None and prop != "organization":
                    whole[prop] = nest(table, target)
                continue
            key = "link_id" if table == "attribute" else f"{kind}_id"
            found = [nest(table, child) for child in children(table, key, row.get("id"))]
            if found:
                whole[prop] = found
        return whole

    return {kind: [(nest(kind, row), where) for row, where in tables.get(kind, [])]
            for kind in ("organization", "location", "service")}
