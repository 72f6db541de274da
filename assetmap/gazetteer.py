"""Where is it? Place names, postcode districts and postcodes in Wales, as coordinates.

Three sources, in the order they are tried:

* coordinates typed as ``"52.45, -3.54"``;
* a **full postcode**, from the ONS Postcode Directory when the organisation has loaded it
  (``assetmap geo import-onspd FILE``, kept in ``<instance>/geo/postcodes.sqlite``);
  without it a full postcode falls back to its district;
* a **postcode district** (outward code such as ``SY18`` or ``LD1``) or a **place name**
  in English or Welsh, from the tables shipped in ``assetmap/data/`` (sources in
  ``assetmap/data/README.md``). Names match without case or accents: "Ystradgynlais",
  "y drenewydd" and "Cwmbran" all work.
"""

from __future__ import annotations

import csv
import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from assetmap.i18n import N_, Problem, fold
from assetmap.model import UK_LAT, UK_LON, InvalidRecord, postcode_district, validate

DATA = Path(__file__).parent / "data"
_COORDINATES = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*[, ]\s*(-?\d{1,2}(?:\.\d+)?)\s*$")
_DISTRICT = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?$")
ONSPD_FILE = Path("geo") / "postcodes.sqlite"


@dataclass(frozen=True)
class Location:
    """A resolved place: where to search from, and what to call it on the page."""

    lat: float
    lon: float
    label: str
    kind: str  # "coordinates", "postcode", "district" or "place"


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def districts() -> dict[str, Location]:
    """Postcode district -> the location of its post town."""
    return {
        row["district"]: Location(float(row["lat"]), float(row["lon"]),
                                  f"{row['district']} ({row['post_town']})", "district")
        for row in _rows("postcode_districts.csv")
    }


@cache
def place_names() -> dict[str, Location]:
    """Folded English and Welsh place names -> location (English name as the label)."""
    names: dict[str, Location] = {}
    for row in _rows("places.csv"):
        where = Location(float(row["lat"]), float(row["lon"]), row["name"], "place")
        for name in (row["name"], row["name_cy"]):
            names.setdefault(fold(name), where)
    return names


def did_you_mean(text: str, most: int = 3) -> list[str]:
    """Known place names close to ``text`` (a typo, a missing letter), best first.

    >>> did_you_mean("Llanidlos"), did_you_mean("Drenewydd")[:1], did_you_mean("Paris")
    (['Llanidloes'], ['Y Drenewydd'], [])
    """
    from rapidfuzz import fuzz, process, utils

    names = sorted({row[key] for row in _rows("places.csv") for key in ("name", "name_cy")})
    matches = process.extract(text, names, scorer=fuzz.WRatio, limit=most, score_cutoff=85,
                              processor=utils.default_process)
    return [name for name, _, _ in matches]


@cache
def welsh_names() -> dict[str, str]:
    """English town name -> its Welsh name, where they differ ("Newtown" -> "Y Drenewydd").

    >>> welsh_names()["Newtown"], "Llanidloes" in welsh_names()
    ('Y Drenewydd', False)
    """
    return {row["name"]: row["name_cy"] for row in _rows("places.csv")
            if row["name_cy"] and row["name_cy"] != row["name"]}


def towns() -> list[dict[str, str]]:
    """Every town and village shipped: name, name_cy, lat, lon (for the maps' basemap)."""
    return _rows("places.csv")


def suggestions() -> list[str]:
    """Place names and districts to offer as the user types (a datalist)."""
    rows = _rows("places.csv")
    return sorted({row["name"] for row in rows} | {row["name_cy"] for row in rows}
                  | set(districts()))


def resolve(text: str, instance_path: Path | None = None) -> Location:
    """The location a user means by ``text``, or :class:`InvalidRecord` naming ``near``.

    >>> resolve("SY18").label, resolve("y drenewydd").label, resolve("52.45,-3.54").kind
    ('SY18 (Llanidloes)', 'Newtown', 'coordinates')
    """
    query = text.strip()
    if not query:
        raise InvalidRecord([("near", Problem(N_(
            "give a place name, postcode district or postcode")))])
    if match := _COORDINATES.match(query):
        lat, lon = float(match.group(1)), float(match.group(2))
        if not (UK_LAT[0] <= lat <= UK_LAT[1] and UK_LON[0] <= lon <= UK_LON[1]):
            raise InvalidRecord([("near", Problem(N_("%(place)s is not in the United Kingdom"),
                                                  place=repr(query)))])
        return Location(lat, lon, f"{lat:.4f}, {lon:.4f}", "coordinates")
    upper = " ".join(query.upper().split())
    if _DISTRICT.match(upper):
        if upper in districts():
            return districts()[upper]
        raise InvalidRecord([("near", Problem(
            N_("postcode district %(code)s is not one we know in Wales"), code=repr(upper)))])
    postcode = _as_postcode(upper)
    if postcode:
        found = _onspd_lookup(instance_path, postcode) if instance_path else None
        if found:
            return found
        district = postcode.split(" ")[0]
        if district in districts():
            return districts()[district]
        raise InvalidRecord([("near", Problem(
            N_("postcode %(code)s is not one we know in Wales"), code=repr(postcode)))])
    where = place_names().get(fold(query))
    if where is None:
        raise InvalidRecord([("near", Problem(
            N_("no place, postcode district or postcode %(place)s in Wales that we know"),
            place=repr(query)))])
    return where


def _as_postcode(text: str) -> str | None:
    try:
        district = postcode_district(text)
    except ValueError:
        return None
    compact = text.replace(" ", "")
    return f"{district} {compact[len(district):]}"


def with_point_from_postcode(data: dict[str, Any], model: type[BaseModel],
                             instance_path: Path) -> dict[str, Any]:
    """Set ``lat``/``lon`` from ``data["postcode"]`` when no point was typed: exact with the
    ONS Postcode Directory loaded, else the district's. Every field's problem is reported
    at once (the model's own postcode message first)."""
    if data.get("lat") is not None or not data.get("postcode"):
        return data
    try:
        where = resolve(data["postcode"], instance_path)
    except InvalidRecord as exc:
        problems: list[tuple[str, str]] = []
        try:
            validate(model, {k: v for k, v in data.items() if v is not None})
        except InvalidRecord as others:
            problems = others.errors
        if not any(name == "postcode" for name, _ in problems):
            problems.insert(0, ("postcode", exc.problem))  # a real postcode, not in Wales
        raise InvalidRecord(problems) from None
    return {**data, "lat": where.lat, "lon": where.lon}


# ---------------------------------------------------------------------------
# the ONS Postcode Directory, for organisations that hold it


def onspd_path(instance_path: Path) -> Path:
    return instance_path / ONSPD_FILE


def _onspd_lookup(instance_path: Path, postcode: str) -> Location | None:
    path = onspd_path(instance_path)
    if not path.exists():
        return None
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        row = db.execute("SELECT lat, lon FROM postcode WHERE code = ?",
                         (postcode.replace(" ", ""),)).fetchone()
    return Location(row[0], row[1], postcode, "postcode") if row else None


def read_onspd(lines: Iterable[str]) -> Iterator[tuple[str, float, float]]:
    """Live postcodes with a location from ONSPD's CSV: ``(code without space, lat, lon)``.

    Uses the columns ``pcds`` (or ``pcd``), ``lat``, ``long`` and ``doterm``; postcodes
    that are terminated or have no grid reference (ONSPD's 99.999999) are left out.
    Raises :class:`InvalidRecord` when the header lacks a column.
    """
    reader = csv.DictReader(lines)
    header = set(reader.fieldnames or ())
    code_column = "pcds" if "pcds" in header else "pcd"
    missing = [name for name in (code_column, "lat", "long") if name not in header]
    if missing:
        raise InvalidRecord([("file", Problem(N_("not an ONSPD CSV: no column %(columns)s"),
                                              columns=", ".join(missing)))])
    for row in reader:
        if row.get("doterm"):
            continue
        try:
            lat, lon = float(row["lat"]), float(row["long"])
        except ValueError:
            continue
        if UK_LAT[0] <= lat <= UK_LAT[1] and UK_LON[0] <= lon <= UK_LON[1]:
            yield row[code_column].replace(" ", "").upper(), lat, lon


def import_onspd(instance_path: Path, lines: Iterable[str]) -> int:
    """Replace the postcode table with ONSPD's rows, written to a new file then swapped in,
    so a failed import leaves the previous table whole. Returns the number of postcodes."""
    path = onspd_path(instance_path)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    try:
        with sqlite3.connect(partial) as db:
            db.execute("CREATE TABLE postcode (code TEXT PRIMARY KEY, lat REAL, lon REAL)")
            db.executemany("INSERT OR REPLACE INTO postcode VALUES (?, ?, ?)",
                           read_onspd(lines))
            count = db.execute("SELECT count(*) FROM postcode").fetchone()[0]
        db.close()
        partial.chmod(0o600)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return count
