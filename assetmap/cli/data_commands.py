"""``assetmap`` commands: Backups, exports and imports."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

import click

from assetmap.cli import (
    _,
    _acting,
    _language,
    _progress_bar,
    _store,
    main,
)
from assetmap.config import Config
from assetmap.i18n import N_, Problem, say, translate_plural
from assetmap.interop import exports
from assetmap.model import AREA_LEVELS, InvalidRecord, now_iso


def _passphrase(passphrase_file: str | None) -> str | None:
    """A backup passphrase from a file (first line) or ``ASSETMAP_BACKUP_PASSPHRASE``."""
    if passphrase_file:
        try:
            lines = Path(passphrase_file).read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError:
            raise InvalidRecord([("passphrase_file", Problem(N_("is not UTF-8 text")))]) from None
        if not lines or not lines[0].strip():  # never fall back to no encryption
            raise InvalidRecord([("passphrase_file", Problem(N_(
                "has no passphrase on its first line")))])
        return lines[0].strip()
    return os.environ.get("ASSETMAP_BACKUP_PASSPHRASE") or None


@main.command("backup", help=_(
    "Write a logical backup of the whole graph (compressed, checksummed, mode 0600). With a "
    "passphrase it is encrypted and holds the instance's keys, audit trail and erasure "
    "register too."))
@click.argument("backup_file", type=click.Path(dir_okay=False))
@click.option("--passphrase-file", type=click.Path(exists=True, dir_okay=False), default=None,
              help=_("Encrypt with the passphrase on this file's first line "
                   "(or set ASSETMAP_BACKUP_PASSPHRASE)."))
@click.option("--overwrite", is_flag=True, help=_("Replace BACKUP_FILE if it exists."))
@click.pass_context
def backup_command(ctx: click.Context, backup_file: str, passphrase_file: str | None,
                   overwrite: bool) -> None:
    from assetmap.services import backups

    with _store(ctx) as store, _progress_bar("backing up") as progress:
        counts = backups.write(store, Path(backup_file), _passphrase(passphrase_file), ctx.obj,
                               _acting(ctx, store), progress, overwrite=overwrite)
    click.echo(_("backed up %(nodes)s nodes and %(relationships)s relationships to %(file)s",
                 nodes=f"{counts['nodes']:,}", relationships=f"{counts['relationships']:,}",
                 file=backup_file))
    if counts["files"]:
        click.echo(_("with the instance's %(files)s", files=", ".join(counts["files"])))
    if counts["left_out"]:
        click.echo(_("not encrypted, so left out: %(files)s (give --passphrase-file to back "
                     "them up too)", files=", ".join(counts["left_out"])), err=True)


@main.command("restore", help=_(
    "Restore a backup into an empty graph, on whichever backend ASSETMAP_GRAPH_URL names (so "
    "it also moves a community from the embedded database to Neo4j)."))
@click.argument("backup_file", type=click.Path(dir_okay=False))
@click.option("--passphrase-file", type=click.Path(exists=True, dir_okay=False), default=None,
              help=_("The passphrase the backup was encrypted with, on this file's first line "
                     "(or set ASSETMAP_BACKUP_PASSPHRASE)."))
@click.option("--new-instance", is_flag=True, help=_(
    "The backup's own instance is lost (its audit trail and erasure register with it): "
    "restore anyway, and start this instance's trail from here."))
@click.pass_context
def restore_command(ctx: click.Context, backup_file: str, passphrase_file: str | None,
                    new_instance: bool) -> None:
    from assetmap.services import backups

    with _store(ctx) as store, _progress_bar("restoring") as progress:
        counts = backups.restore(store, Path(backup_file), _passphrase(passphrase_file),
                                 _acting(ctx, store), ctx.obj, progress,
                                 new_instance=new_instance)
    click.echo(_("restored %(nodes)s nodes and %(relationships)s relationships",
                 nodes=f"{counts['nodes']:,}", relationships=f"{counts['relationships']:,}"))
    if counts["taken"]:
        click.echo(_("from the backup, into this instance: %(files)s (restart the web app so "
                     "it uses them)", files=", ".join(counts["taken"])))
    if counts["started_anew"]:
        click.echo(_("this instance's own audit trail and keys go on from here: person "
                     "packages it sends are signed with its own key, so tell receivers its "
                     "public key (assetmap person key)"))
    if counts["erased_again"]:
        click.echo(translate_plural(
            "%(num)s person erased since this backup was made was erased again",
            "%(num)s people erased since this backup was made were erased again",
            len(counts["erased_again"]), _language()))
    else:
        click.echo(_("the erasure register names nobody in this backup"))


@main.group("export", help=_(
    "Data for other tools: GraphML (Gephi, yEd, Kumu, NetworkX) and GeoJSON (QGIS)."))
def export_group() -> None:
    pass


@export_group.command("graphml", help=_(
    "The organisation's network, pseudonymised: stable pseudonyms, no names or places; each "
    "person's risk band and fragile circle, each tie's relation, circle and contact."))
@click.argument("graphml_file", type=click.Path(dir_okay=False))
@click.option("--org", "organisation_id", required=True,
              help=_("Whose view: the people this organisation may see."))
@click.pass_context
def export_graphml(ctx: click.Context, graphml_file: str, organisation_id: str) -> None:
    with _store(ctx) as store:
        graph = exports.organisation_network(store, organisation_id,
                                             ctx.obj.load_secret_key(), now_iso()[:10])
    exports.write_graphml(graph, Path(graphml_file))
    click.echo(_("%(people)s people and %(ties)s ties to %(file)s",
                 people=f"{graph.number_of_nodes():,}", ties=f"{graph.number_of_edges():,}",
                 file=graphml_file))


@export_group.command("geojson", help=_(
    "places.geojson (places and their activities) and hotspots-<level>.geojson (area figures, "
    "small numbers withheld) into DIRECTORY."))
@click.argument("directory", type=click.Path(file_okay=False))
@click.pass_context
def export_geojson(ctx: click.Context, directory: str) -> None:
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    with _store(ctx) as store:
        exports.write_json(exports.places_geojson(store), folder / "places.geojson")
        for level in AREA_LEVELS:
            exports.write_json(exports.hotspots_geojson(store, level),
                               folder / f"hotspots-{level}.geojson")
    click.echo(_("wrote places.geojson and %(count)s hotspot files to %(folder)s",
                 count=len(AREA_LEVELS), folder=directory))


@export_group.command("hsds", help=_(
    "The directory as Open Referral HSDS 3.0 / UK profile: services.json, organizations.json, "
    "service_at_locations.json, taxonomies.json, taxonomy_terms.json and the tabular "
    "datapackage in DIRECTORY/tabular."))
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--lang", type=click.Choice(["en", "cy"]), default="en", show_default=True,
              help=_("The language of names and descriptions (the other is the alternate)."))
@click.pass_context
def export_hsds(ctx: click.Context, directory: str, lang: str) -> None:
    with _store(ctx) as store:
        counts = exports.hsds_directory(store, Path(directory), lang)
    click.echo(_("%(counts)s to %(folder)s (and %(folder)s/tabular)", counts=", ".join(
        f"{n:,} {name}" for name, n in counts.items()), folder=Path(directory)))


@main.group("import", help=_(
    "Bring data in: Open Referral directories and spreadsheets."))
def import_group() -> None:
    pass


def _write_rejects(path: Path, rows: list[Any]) -> None:
    """The reject report: one CSV row per problem (fields of the reject dataclass)."""
    import csv
    from dataclasses import asdict, fields

    from assetmap.interop.spreadsheet import safe_dict

    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=[f.name for f in fields(rows[0])])
        writer.writeheader()
        writer.writerows(safe_dict({key: say(value, _language()) if isinstance(value, str)
                                    else value for key, value in asdict(row).items()})
                         for row in rows)


def _rejects_beside(path: Path) -> Path:
    """The default reject report: beside the input, never inside a folder being imported
    (where the next import would read it) nor wherever the command was run."""
    path = path.absolute()
    return path.parent / f"{path.stem if path.is_file() else path.name}.rejects.csv"


def _finish_import(summary: str, rejected: list[Any], rejects_file: str, dry_run: bool) -> None:
    click.echo(_("dry run, nothing written: %(summary)s", summary=summary) if dry_run
               else summary)
    if rejected:
        _write_rejects(Path(rejects_file), rejected)
        first = rejected[0]
        click.echo(translate_plural(
            "%(num)s problem, listed in %(file)s: %(first)s",
            "%(num)s problems, listed in %(file)s; the first: %(first)s",
            len(rejected), _language(), file=rejects_file,
            first=" ".join(say(v, _language()) if isinstance(v, str) else str(v)
                           for v in vars(first).values() if v)), err=True)
        sys.exit(1)


@import_group.command("hsds", help=_(
    "Import Open Referral HSDS 3.0 / UK data from PATHS: JSON files (an object, a list, or "
    "saved API pages) or folders (JSON files, or a tabular datapackage of CSVs). Re-importing "
    "updates by id. Exits 1 if any record was rejected; the good ones are written."))
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--dry-run", is_flag=True, help=_("Check everything, write nothing."))
@click.option("--rejects", "rejects_file", default=None,
              help=_("Where to write the reject report (CSV) when anything is rejected "
                     "(default: beside the first path, named after it, .rejects.csv)."))
@click.pass_context
def import_hsds(ctx: click.Context, paths: tuple[Path, ...], dry_run: bool,
                rejects_file: str | None) -> None:
    from assetmap.services import hsds_import

    config: Config = ctx.obj
    started = time.perf_counter()
    with _store(ctx) as store:
        report = hsds_import.import_paths(store, list(paths), config.instance_path, dry_run)
    elapsed = time.perf_counter() - started
    _finish_import(f"{report.summary(_language())} ({elapsed:.1f} s)", report.rejected,
                   rejects_file or str(_rejects_beside(paths[0])), dry_run)


@import_group.command("csv", help=_(
    "Import KIND rows from CSV_FILE (UTF-8; English or Welsh column names; templates in "
    "seed/templates/). Rejected rows are listed by row, column and message; exits 1 if any "
    "were rejected."))
@click.argument("kind", type=click.Choice(["people", "ties", "groups", "places", "activities"]))
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--org", "organisation_id", default=None,
              help=_("The organisation that records the people (people and ties)."))
@click.option("--dry-run", is_flag=True, help=_("Check every row, write nothing."))
@click.option("--all-or-nothing", is_flag=True,
              help=_("Write nothing if any row is rejected."))
@click.option("--rejects", "rejects_file", default=None,
              help=_("Where to write the reject report (default: CSV_FILE with .rejects.csv)."))
@click.pass_context
def import_csv(ctx: click.Context, kind: str, csv_file: Path, organisation_id: str | None,
               dry_run: bool, all_or_nothing: bool, rejects_file: str | None) -> None:
    from assetmap.services import csv_import

    config: Config = ctx.obj
    with _store(ctx) as store, _progress_bar(f"importing {kind}") as report:
        result = csv_import.import_file(
            store, kind, csv_file, config.instance_path, organisation_id=organisation_id,
            dry_run=dry_run, all_or_nothing=all_or_nothing, progress=report,
            acting=_acting(ctx, store))
    rate = result.rows / result.seconds if result.seconds else 0
    summary = _("%(rows)s rows: %(written)s %(kind)s written, %(passed)s rows passed in "
                "%(seconds)s s (%(rate)s rows/s)", rows=f"{result.rows:,}",
                written=f"{len(result.written):,}", kind=kind,
                passed=f"{result.rows - len({r.row for r in result.rejected}):,}",
                seconds=f"{result.seconds:.1f}", rate=f"{rate:,.0f}")
    if all_or_nothing and result.rejected:
        summary += " " + _("(none written: --all-or-nothing)")
    _finish_import(summary, result.rejected,
                   rejects_file or str(_rejects_beside(csv_file)), dry_run)
