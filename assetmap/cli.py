"""The ``assetmap`` command: set up, seed, inspect and serve a community graph.

Bad input ends with a non-zero exit and one readable line naming the problem; set
``ASSETMAP_DEBUG=1`` to see a traceback instead.
"""

from __future__ import annotations

import getpass
import gettext as stdlib_gettext
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from assetmap import accounts, erasures, gazetteer
from assetmap.analysis.reasons import in_language
from assetmap.audit import ACTIONS, Acting, AuditLog, address_hash
from assetmap.config import Config, ConfigError
from assetmap.graph.embedded import EmbeddedServer, EmbeddedServerError
from assetmap.graph.store import GraphStore, embedded_directory
from assetmap.i18n import N_, TRANSLATIONS, Problem, say, translate, translate_plural
from assetmap.interop import backup, exports, person_package
from assetmap.model import AREA_LEVELS, ORGANISATION_KINDS, InvalidRecord, now_iso
from assetmap.names import CIRCLE_NAMES, RISK_NAMES, ROLE_NAMES, SUGGESTION_KINDS
from assetmap.services import NotFound, StoreError, analysis, subject_access
from assetmap.services import audit as audit_service

EXPECTED_ERRORS = (
    ConfigError, EmbeddedServerError, StoreError, InvalidRecord, NotFound, ValueError, OSError,
)


def _language() -> str:
    """The command's language: ``ASSETMAP_LANGUAGE`` (cy or en), else the POSIX locale
    (``LANG=cy_GB.UTF-8`` is Welsh)."""
    for name in ("ASSETMAP_LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        if value := os.environ.get(name, ""):
            return "cy" if value.lower().startswith("cy") else "en"
    return "en"


#: Click's own words (help screens, its errors), in the catalogue too: Click asks the
#: standard library's gettext, which the command points at the catalogue
CLICK_WORDS = (N_("Usage:"), N_("Options"), N_("Commands"), N_("Show this message and exit."),
               N_("Missing argument"), N_("Missing option"), N_("No such command {name!r}."),
               N_("default: {default}"), N_("required"))
stdlib_gettext.bindtextdomain("messages", str(TRANSLATIONS))
stdlib_gettext.textdomain("messages")


def _(message: str, **params: object) -> str:
    """What the command says to staff, in their language."""
    return translate(message, _language(), **params)


def _named(table: dict[Any, str], code: Any) -> str:
    """A code's name (``assetmap.names``) in the command's language."""
    return translate(table[code], _language())


def _problem_line(exc: Exception) -> str:
    """A refusal in one line: each field and its problem, in the command's language."""
    if isinstance(exc, InvalidRecord):
        return "; ".join(f"{field}: {say(problem, _language())}" for field, problem in exc.errors)
    return say(exc.args[0], _language()) if exc.args and isinstance(exc.args[0], str) else str(exc)


def _reason(reason: dict[str, Any]) -> str:
    return in_language(reason, _language())


class AssetmapGroup(click.Group):
    """Turn expected failures, and usage errors, into one line on stderr."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            # the reader stopped (``| head``): end quietly, as other tools do
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(1)
        except EXPECTED_ERRORS as exc:
            if os.environ.get("ASSETMAP_DEBUG"):
                raise
            click.echo(_("assetmap: error: %(problem)s", problem=_problem_line(exc)), err=True)
            ctx.exit(1)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        os.environ["LANGUAGE"] = _language()  # what the standard library's gettext reads
        try:
            result = super().main(*args, **{**kwargs, "standalone_mode": False})
        except click.ClickException as exc:
            click.echo(_("assetmap: error: %(problem)s", problem=exc.format_message()),
                       err=True)
            sys.exit(exc.exit_code)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo(_("assetmap: aborted"), err=True)
            sys.exit(1)
        # without standalone mode click returns the exit code of ``ctx.exit(code)``
        sys.exit(result if isinstance(result, int) else 0)


@click.group(cls=AssetmapGroup, help=_(
    "assetmap: community assets and circles of support."))
@click.pass_context
def main(ctx: click.Context) -> None:
    # every file the command writes (exports, reports, packages, the instance's own) is
    # the user's alone, whichever code path writes it: 0600 files, 0700 folders
    os.umask(0o077)
    ctx.obj = Config.from_env()
    accounts.use_password_hashing(ctx.obj.password_hashing)


@contextmanager
def _store(ctx: click.Context) -> Iterator[GraphStore]:
    store = GraphStore.open(ctx.obj)
    try:
        yield store
    finally:
        store.close()


@main.command(help=_(
    "Create the instance folder, start the database and set up the schema (idempotent)."))
@click.pass_context
def init(ctx: click.Context) -> None:
    ctx.obj.private_instance()
    with _store(ctx) as store:
        applied = store.init_schema()
    click.echo(_("schema ready (%(count)s statements) in %(url)s", count=applied,
                 url=ctx.obj.resolved_graph_url))


@main.command(help=_(
    "Build a deterministic synthetic community in Powys."))
@click.option("--people", type=click.IntRange(1, 5_000_000), default=2000, show_default=True)
@click.option("--seed", "seed_value", type=int, default=7, show_default=True,
              help=_("The same seed gives the identical community."))
@click.option("--replace", is_flag=True, help=_("Delete the existing graph first."))
@click.option("--sample", is_flag=True,
              help=_("Load the small fixed sample (seed/sample/) instead of generating."))
@click.pass_context
def seed(ctx: click.Context, people: int, seed_value: int, replace: bool, sample: bool) -> None:
    with _store(ctx) as store:
        _prepare_empty(store, replace)
        if sample:
            from seed import sample as fixed_sample

            written = fixed_sample.load(store)
            click.echo(_("loaded the sample: %(nodes)s nodes, %(relationships)s relationships",
                         nodes=written["nodes"], relationships=written["relationships"]))
        else:
            _seed(store, people, seed_value)


def _prepare_empty(store: GraphStore, replace: bool) -> None:
    if not store.is_empty():
        if not replace:
            raise ValueError("the graph is not empty: use --replace to delete it and seed again")
        store.clear()
    store.init_schema()


@contextmanager
def _progress_bar(verb: str, quiet: bool = False) -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar on stderr fed by ``report(stage, done, total)`` calls."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress(
        "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
        # only on a terminal: redirected, rich would still leave a blank line before errors
        TimeElapsedColumn(), disable=quiet or not sys.stderr.isatty(),
        console=Console(stderr=True),
    ) as progress:
        task = progress.add_task(verb, total=None)

        def report(stage: str, done: int, total: int) -> None:
            progress.update(task, description=f"{verb} {stage}", completed=done, total=total)

        yield report


def _seed(store: GraphStore, people: int, seed_value: int) -> None:
    from seed.generator import generate, write
    started = time.perf_counter()
    community = generate(people, seed_value)
    generated = time.perf_counter() - started
    with _progress_bar("writing") as report:
        write(store, community, report)
    elapsed = time.perf_counter() - started
    counts = community.counts()
    ties = counts["relationships"]["KNOWS"] + counts["relationships"]["CARES_FOR"]
    click.echo(_("seeded %(people)s people, %(ties)s ties, %(nodes)s nodes and "
                 "%(relationships)s relationships in %(seconds)s s (generated in "
                 "%(generated)s s)", people=f"{people:,}", ties=f"{ties:,}",
                 nodes=f"{sum(counts['nodes'].values()):,}",
                 relationships=f"{sum(counts['relationships'].values()):,}",
                 seconds=f"{elapsed:.1f}", generated=f"{generated:.1f}"))


@main.command(help=_(
    "Count nodes per label and relationships per type."))
@click.option("--json", "as_json", is_flag=True, help=_("Print JSON."))
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    with _store(ctx) as store:
        counts = store.counts()
    if as_json:
        click.echo(json.dumps(counts, indent=2, sort_keys=True))
        return
    for section, values in counts.items():
        click.echo(f"{section}:")
        for name, count in values.items():
            click.echo(f"  {name:<16} {count:>10,}")


@main.group(help=_(
    "Manage login accounts."))
def users() -> None:
    pass


@users.command("create", help=_(
    "Create a user; the generated password is printed once."))
@click.option("--email", required=True)
@click.option("--role", type=click.Choice(["admin", "coordinator", "connector"]), required=True)
@click.option("--org", "organisation_id", required=True, help=_("Organisation id."))
@click.option("--name", default=None)
@click.pass_context
def users_create(
    ctx: click.Context, email: str, role: str, organisation_id: str, name: str | None
) -> None:
    with _store(ctx) as store:
        user, password = accounts.create_user(store, email, role, organisation_id, name)
    click.echo(_("created %(role)s %(email)s (id %(id)s)", role=_named(ROLE_NAMES, user["role"]),
                 email=user["email"], id=user["id"]))
    click.echo(_("password (shown once): %(password)s", password=password))


@main.group("organisations", help=_(
    "The organisations whose staff use assetmap (each person record belongs to one)."))
def organisations_group() -> None:
    pass


@organisations_group.command("create", help=_(
    "Add an organisation: the first one before the first user, on a new instance."))
@click.option("--id", "organisation_id", required=True,
              help=_("A short id of your choosing, e.g. org-gwynedd-carers."))
@click.option("--name", required=True)
@click.option("--name-cy", default=None, help=_("Its Welsh name."))
@click.option("--kind", type=click.Choice(ORGANISATION_KINDS), default="other",
              show_default=True)
@click.pass_context
def organisations_create(ctx: click.Context, organisation_id: str, name: str,
                         name_cy: str | None, kind: str) -> None:
    from assetmap.services import organisations

    with _store(ctx) as store:
        created = organisations.create(store, {"id": organisation_id, "name": name,
                                               "name_cy": name_cy, "kind": kind})
    click.echo(_("created organisation %(id)s (%(name)s)", id=created["id"],
                 name=created["name"]))


@organisations_group.command("list", help=_("Every organisation, by name."))
@click.pass_context
def organisations_list(ctx: click.Context) -> None:
    from assetmap.services import organisations

    with _store(ctx) as store:
        for row in organisations.by_name(store):
            click.echo(f"{row['id']}  {row['name']}")


@main.group(help=_(
    "Bearer tokens for the JSON API (/api/v1)."))
def tokens() -> None:
    pass


@tokens.command("create", help=_(
    "Create a token and print it once (only its hash is kept)."))
@click.option("--email", required=True, help=_("The user the token acts as."))
@click.option("--name", default=None, help=_("What the token is for."))
@click.pass_context
def tokens_create(ctx: click.Context, email: str, name: str | None) -> None:
    with _store(ctx) as store:
        record, token = accounts.create_token(store, email, name)
    click.echo(_("token %(id)s for %(email)s: %(token)s", id=record["id"], email=email,
                 token=token))
    click.echo(_("Use it as 'Authorization: Bearer <token>'. It is not shown again."))


@tokens.command("list", help=_(
    "A user's tokens (ids, names, when made, when revoked)."))
@click.option("--email", required=True)
@click.pass_context
def tokens_list(ctx: click.Context, email: str) -> None:
    with _store(ctx) as store:
        for token in accounts.tokens_of(store, email):
            state = (_("revoked %(when)s", when=token["revoked_at"]) if token.get("revoked_at")
                     else _("live"))
            click.echo(f"{token['id']}  {token['created_at']}  {state}  {token['name']}")


@tokens.command("revoke", help=_(
    "Revoke a token by its id: it stops working at once."))
@click.argument("token_id")
@click.pass_context
def tokens_revoke(ctx: click.Context, token_id: str) -> None:
    with _store(ctx) as store:
        accounts.revoke_token(store, token_id)
    click.echo(_("token %(id)s revoked", id=token_id))


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
    "Write a logical backup of the whole graph (compressed, checksummed, mode 0600)."))
@click.argument("backup_file", type=click.Path(dir_okay=False))
@click.option("--passphrase-file", type=click.Path(exists=True, dir_okay=False), default=None,
              help=_("Encrypt with the passphrase on this file's first line "
                   "(or set ASSETMAP_BACKUP_PASSPHRASE)."))
@click.pass_context
def backup_command(ctx: click.Context, backup_file: str, passphrase_file: str | None) -> None:
    with _store(ctx) as store, _progress_bar("backing up") as progress:
        counts = backup.write(store, Path(backup_file), _passphrase(passphrase_file), progress)
    click.echo(_("backed up %(nodes)s nodes and %(relationships)s relationships to %(file)s",
                 nodes=f"{counts['nodes']:,}", relationships=f"{counts['relationships']:,}",
                 file=backup_file))


@main.command("restore", help=_(
    "Restore a backup into an empty graph, on whichever backend ASSETMAP_GRAPH_URL names (so "
    "it also moves a community from the embedded database to Neo4j)."))
@click.argument("backup_file", type=click.Path(dir_okay=False))
@click.option("--passphrase-file", type=click.Path(exists=True, dir_okay=False), default=None)
@click.option("--new-instance", is_flag=True, help=_(
    "The backup's own instance is lost (its audit trail and erasure register with it): "
    "restore anyway, and start this instance's trail from here."))
@click.pass_context
def restore_command(ctx: click.Context, backup_file: str, passphrase_file: str | None,
                    new_instance: bool) -> None:
    from assetmap.services import backups

    with _store(ctx) as store, _progress_bar("restoring") as progress:
        counts = backups.restore(store, Path(backup_file), _passphrase(passphrase_file),
                                 _acting(ctx, store), erasures.for_instance(ctx.obj), progress,
                                 new_instance=new_instance)
    click.echo(_("restored %(nodes)s nodes and %(relationships)s relationships",
                 nodes=f"{counts['nodes']:,}", relationships=f"{counts['relationships']:,}"))
    if counts["erased_again"]:
        click.echo(translate_plural(
            "%(num)s person erased since this backup was made was erased again",
            "%(num)s people erased since this backup was made were erased again",
            len(counts["erased_again"]), _language()))


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
    from assetmap.interop import hsds_import

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
    from assetmap.interop import csv_import

    config: Config = ctx.obj
    with _store(ctx) as store, _progress_bar(f"importing {kind}") as report:
        result = csv_import.import_file(
            store, kind, csv_file, config.instance_path, organisation_id=organisation_id,
            dry_run=dry_run, all_or_nothing=all_or_nothing, progress=report)
    if kind == "people" and result.written:
        with _store(ctx) as store:
            _acting(ctx, store).record("create", result.written,
                                       detail=f"assetmap import csv people {csv_file.name}")
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


@main.group(help=_(
    "The audit trail of access to person records and of sign-ins."))
def audit() -> None:
    pass


@audit.command("verify", help=_(
    "Check that no entry was changed, removed or reordered (exit 1 where one was)."))
@click.pass_context
def audit_verify(ctx: click.Context) -> None:
    log = AuditLog(ctx.obj.instance_path)
    with _store(ctx) as store:
        count, broken = audit_service.verify(log, store)
    if broken:
        raise click.ClickException(_(
            "audit: line %(line)s %(problem)s (%(count)s entries before it are intact)",
            line=broken.line, problem=say(broken.problem, _language()), count=count))
    click.echo(_("%(count)s entries, chain intact (%(path)s)", count=f"{count:,}",
                 path=log.path))


@audit.command("show", help=_(
    "Entries matching the filters, newest first, as JSON lines."))
@click.option("--person", "record_id", default=None, help=_("A record id (person or user)."))
@click.option("--actor", default=None, help=_(
    "A user id, or an e-mail address typed at failed sign-ins (the trail keeps it hashed)."))
@click.option("--action", type=click.Choice(ACTIONS), default=None)
@click.option("--since", default=None, help=_("YYYY-MM-DD"))
@click.option("--limit", type=click.IntRange(1, 100_000), default=50, show_default=True)
@click.pass_context
def audit_show(ctx: click.Context, record_id: str | None, actor: str | None,
               action: str | None, since: str | None, limit: int) -> None:
    if actor and "@" in actor:
        actor = address_hash(actor, ctx.obj.instance_secret("audit_key"))
    found = AuditLog(ctx.obj.instance_path).search(
        actor=actor, action=action, record_id=record_id, since=since)
    for entry in found[:limit]:
        click.echo(json.dumps(entry, sort_keys=True, ensure_ascii=False))


@main.group("areas", help=_(
    "Official area boundaries: load them, and place every person and place in them."))
def areas_group() -> None:
    pass


@areas_group.command("import", help=_(
    "Load area boundaries from a GeoJSON FILE at --level (new areas are added, areas with "
    "the same code replaced), join each to its parent by containment, and place every "
    "person and place again. --wales loads the shipped ONS boundaries instead: Wales's 22 "
    "local authorities and 7 health boards, and Powys's LSOAs, MSOAs and wards."))
@click.argument("geojson_file", required=False, type=click.Path(dir_okay=False))
@click.option("--level", type=click.Choice(AREA_LEVELS), default=None)
@click.option("--wales", is_flag=True, help=_("The boundaries shipped with assetmap."))
@click.option("--code-field", default="code", show_default=True,
              help=_("The feature property holding the area's code (e.g. LSOA21CD)."))
@click.option("--name-field", default="name", show_default=True,
              help=_("The feature property holding its English name (e.g. LSOA21NM)."))
@click.option("--name-cy-field", default="name_cy", show_default=True,
              help=_("The feature property holding its Welsh name, if any (e.g. LSOA21NMW)."))
@click.pass_context
def areas_import(ctx: click.Context, geojson_file: str | None, level: str | None, wales: bool,
                 code_field: str, name_field: str, name_cy_field: str) -> None:
    from assetmap import boundaries
    from assetmap.services import areas

    if wales == bool(geojson_file):
        raise click.UsageError(_("give a GEOJSON_FILE with --level, or --wales"))
    if geojson_file and not level:
        raise click.UsageError(_("--level: say which level the file's areas are"))
    found = (boundaries.bundled() if wales else boundaries.read_geojson(
        geojson_file, level or "", code_field, name_field, name_cy_field))
    with _store(ctx) as store:
        counts = areas.import_areas(store, found)
    click.echo(_("%(areas)s areas loaded; %(people)s people and %(places)s places placed "
                 "(outside the areas loaded: %(people_out)s people, %(places_out)s places)",
                 areas=f"{counts['areas']:,}", people=f"{counts['Person']:,}",
                 places=f"{counts['Place']:,}", people_out=f"{counts['Person_outside']:,}",
                 places_out=f"{counts['Place_outside']:,}"))


@areas_group.command("place", help=_(
    "Place every person and place in the areas loaded, from their points (after an import "
    "from an older version, or to check)."))
@click.pass_context
def areas_place(ctx: click.Context) -> None:
    from assetmap.services import areas

    with _store(ctx) as store:
        counts = areas.place_everything(store)
    click.echo(_("%(people)s people and %(places)s places placed (outside the areas loaded: "
                 "%(people_out)s people, %(places_out)s places)",
                 people=f"{counts['Person']:,}", places=f"{counts['Place']:,}",
                 people_out=f"{counts['Person_outside']:,}",
                 places_out=f"{counts['Place_outside']:,}"))


@main.group(help=_(
    "Place lookups for the finder and for people's homes."))
def geo() -> None:
    pass


@geo.command("import-onspd", help=_(
    "Load the ONS Postcode Directory CSV so full postcodes resolve to their own point. "
    "Replaces any earlier table whole; without it, postcode districts and place names work."))
@click.argument("csv_file", type=click.File("r", encoding="utf-8-sig"))
@click.pass_context
def geo_import_onspd(ctx: click.Context, csv_file: Any) -> None:
    count = gazetteer.import_onspd(ctx.obj.instance_path, csv_file)
    if count == 0:
        raise click.ClickException("csv_file: no live postcode with a location in the file")
    click.echo(translate_plural("loaded %(num)s postcode into %(path)s",
                                "loaded %(num)s postcodes into %(path)s", count, _language(),
                                path=gazetteer.onspd_path(ctx.obj.instance_path)))


@main.group(help=_(
    "The embedded database server."))
def db() -> None:
    pass


def _embedded(ctx: click.Context) -> EmbeddedServer:
    config: Config = ctx.obj
    directory = embedded_directory(config.resolved_graph_url)
    if directory is None:
        raise ConfigError(
            f"ASSETMAP_GRAPH_URL is {config.resolved_graph_url}: "
            "db commands manage the embedded server only"
        )
    return EmbeddedServer(directory, config.appendfsync)


@db.command("start", help=_(
    "Start the embedded server (or find it running)."))
@click.pass_context
def db_start(ctx: click.Context) -> None:
    pid = _embedded(ctx).ensure_running()
    click.echo(_("running, pid %(pid)s", pid=pid))


@db.command("stop", help=_(
    "Stop the embedded server cleanly."))
@click.pass_context
def db_stop(ctx: click.Context) -> None:
    stopped = _embedded(ctx).stop()
    click.echo(_("stopped") if stopped else _("not running"))


@db.command("status", help=_(
    "Socket, pid, memory and node/relationship counts."))
@click.option("--json", "as_json", is_flag=True, help=_("Print JSON."))
@click.pass_context
def db_status(ctx: click.Context, as_json: bool) -> None:
    server = _embedded(ctx)
    status = server.status()
    if status["running"]:
        with _store(ctx) as store:
            counts = store.counts()
        status["nodes"] = sum(counts["nodes"].values())
        status["relationships"] = sum(counts["relationships"].values())
    if as_json:
        click.echo(json.dumps(status, indent=2))
        return
    for key, value in status.items():
        click.echo(f"{key:<14} {value}")


@main.command(help=_(
    "Serve the web app with waitress (a production WSGI server)."))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=5000, show_default=True)
@click.option("--threads", type=click.IntRange(1, 64), default=8, show_default=True)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, threads: int) -> None:
    _serve(ctx.obj, host, port, threads)


def _serve(config: Config, host: str, port: int, threads: int) -> None:
    import waitress

    from assetmap.web import create_app

    app = create_app(config)
    click.echo(_("serving on %(url)s (Ctrl+C to stop)", url=f"http://{host}:{port}"))
    waitress.serve(app, host=host, port=port, threads=threads, ident="assetmap")


# ---------------------------------------------------------------------------
# analysis


@main.command(help=_(
    "Analyse the whole community and store the results (LSNS-6, fragile circles, carers, "
    "hotspots); records an AnalysisRun."))
@click.option("--json", "as_json", is_flag=True, help=_("Print the summary as JSON."))
@click.pass_context
def analyse(ctx: click.Context, as_json: bool) -> None:
    with _store(ctx) as store, _progress_bar("analysing", quiet=as_json) as report:
        summary = analysis.run_analysis(store, report)
    if as_json:
        click.echo(json.dumps(summary, indent=2, sort_keys=True))
    else:
        _print_analysis(summary)


def _print_analysis(summary: dict[str, Any]) -> None:
    figures = {key: _cell(summary[key]) for key in
               ("people", "at_risk", "fragile", "carers", "carers_at_risk")}
    click.echo(_("analysed %(people)s people in %(seconds)s s: %(at_risk)s at risk of "
                 "isolation, %(fragile)s with a fragile circle, %(carers_at_risk)s of "
                 "%(carers)s carers at risk (run %(run)s; withheld: fewer than 5, or would "
                 "reveal such a figure)", seconds=f"{summary['duration']:.1f}",
                 run=summary["run_id"], **figures))


class DefaultCommandGroup(AssetmapGroup):
    """A group whose first argument, when not a subcommand, goes to ``default_command``."""

    default_command = "show"

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = [self.default_command, *args]
        return super().resolve_command(ctx, args)


@main.group(cls=DefaultCommandGroup, help=_(
    "One person: `assetmap person PERSON_ID` shows their circles, LSNS-6 and risks."))
def person() -> None:
    pass


@person.command("show", help=_(
    "Recompute and show a person's circles by level, LSNS-6 and sub-scores, risk, reasons, "
    "fragile circle and key person (and, for a carer, breakdown risk)."))
@click.argument("person_id")
@click.option("--json", "as_json", is_flag=True, help=_("Print JSON."))
@click.option("--no-save", is_flag=True, help=_("Do not store the recomputed result."))
@click.pass_context
def person_show(ctx: click.Context, person_id: str, as_json: bool, no_save: bool) -> None:
    with _store(ctx) as store:
        report = analysis.assess_person(store, person_id, write=not no_save)
    _audit(ctx, "view", person_id, "assetmap person show")
    if as_json:
        click.echo(json.dumps(report, indent=2, sort_keys=True))
        return
    click.echo(f"{report['name']} ({report['id']})")
    for level, members in report["circles"].items():
        listed = ", ".join(m["name"] for m in members) or "-"
        click.echo(_("  circle %(level)s %(name)s: %(members)s", level=level,
                     name=_named(CIRCLE_NAMES, int(level)), members=listed))
    score = report["lsns6"]
    click.echo(_("  LSNS-6 (%(source)s): %(total)s/30 (family %(family)s/15, friends "
                 "%(friends)s/15)", **score)
               + (_(" - at risk of isolation") if report["isolation_risk"] else ""))
    for reason in report["reasons"]:
        click.echo(f"  - {_reason(reason)}")
    if "carer" in report:
        carer = report["carer"]
        click.echo(_("  carer: %(hours)s hours a week, risk %(risk)s",
                     hours=carer["hours_per_week"], risk=_named(RISK_NAMES, carer["risk"])))
        for reason in carer["reasons"]:
            click.echo(f"  - {_reason(reason)}")


@person.command("export", help=_(
    "Subject access: everything held about the person, with their access history, as JSON "
    "(and a readable HTML document). The export itself is audited."))
@click.argument("person_id")
@click.option("--html", "html_file", type=click.Path(dir_okay=False, writable=True),
              default=None, help=_("Also write a readable HTML document here."))
@click.pass_context
def person_export(ctx: click.Context, person_id: str, html_file: str | None) -> None:
    log = AuditLog(ctx.obj.instance_path)
    with _store(ctx) as store:
        held = subject_access.export(store, person_id, log)
    _audit(ctx, "export", person_id, "assetmap person export")
    if html_file:
        from assetmap.reports import subject_access_html

        _private_write(html_file, subject_access_html(held, _language()))
    click.echo(json.dumps(held, indent=2, sort_keys=True, ensure_ascii=False))


@person.command("erase", help=_(
    "Erasure: delete the person, every tie to them and every record about them; keep only an "
    "audit entry that an erasure happened. Others' assessments are recomputed."))
@click.argument("person_id")
@click.option("--yes", is_flag=True, help=_("Do not ask for confirmation."))
@click.option("--no-recompute", is_flag=True,
              help=_("Do not rerun the community analysis afterwards."))
@click.pass_context
def person_erase(ctx: click.Context, person_id: str, yes: bool, no_recompute: bool) -> None:
    if not yes:
        click.confirm(_("Erase %(id)s and everything about them? This cannot be undone",
                        id=person_id),
                      abort=True)
    with _store(ctx) as store:
        summary = subject_access.erase(store, person_id, _acting(ctx, store),
                                       erasures.for_instance(ctx.obj),
                                       recompute=not no_recompute,
                                       detail="assetmap person erase")
    click.echo(_("erased %(id)s, with %(removed)s; people reassessed: %(reassessed)s",
                 id=person_id, removed=subject_access.erasure_words(summary, _language()),
                 reassessed=summary["reassessed"]))


@person.command("review", help=_(
    "Retention: the organisation's records not changed for a long time, oldest first."))
@click.option("--org", "organisation_id", required=True, help=_("Organisation id."))
@click.option("--days", type=click.IntRange(0, 36500), default=None,
              help=_("Untouched for this many days (default ASSETMAP_RETENTION_DAYS; 0 lists "
                   "every record)."))
@click.pass_context
def person_review(ctx: click.Context, organisation_id: str, days: int | None) -> None:
    days = ctx.obj.retention_days if days is None else days
    with _store(ctx) as store:
        due, total = subject_access.due_for_review(store, organisation_id, days)
    for row in due:
        click.echo(_("%(id)s  last changed %(when)s", id=row["id"], when=row["changed"]))
    click.echo(translate_plural("%(num)s record not changed for %(days)s days",
                                "%(num)s records not changed for %(days)s days",
                                total, _language(), days=days))
    if total > len(due):
        click.echo(_("(the oldest %(shown)s are listed)", shown=len(due)))


@person.command("package", help=_(
    "Package a person's record to follow them to another organisation: their circle (people "
    "who did not consent become anonymous placeholders), \"what matters\" and LSNS-6 records, "
    "signed with this instance's key. Needs their active move_record consent."))
@click.argument("person_id")
@click.option("--org", "organisation_id", required=True,
              help=_("The organisation that recorded the person (and holds their consent)."))
@click.option("--output", "-o", "package_file", required=True,
              type=click.Path(dir_okay=False, writable=True), help=_("Write the package here."))
@click.pass_context
def person_package_command(ctx: click.Context, person_id: str, organisation_id: str,
                           package_file: str) -> None:
    with _store(ctx) as store:
        package = person_package.build(store, person_id, organisation_id, _acting(ctx, store))
    key = person_package.signing_key(ctx.obj)
    _private_write(package_file, json.dumps(person_package.sign(package, key), indent=2,
                                            ensure_ascii=False))
    counts = person_package.summary(package)
    click.echo(_("packaged %(id)s to %(file)s: %(ties)s ties (%(named)s people named, "
                 "%(placeholders)s placeholders), %(what_matters)s what-matters and %(lsns6)s "
                 "LSNS-6 records", id=person_id, file=package_file, **counts))
    click.echo(_("signed by key %(fingerprint)s", fingerprint=person_package.fingerprint(
        person_package.public_key_text(key))))


@person.command("receive", help=_(
    "Take on a person from a package: check its schema and signature, then write the person, "
    "their circle and records, recorded by --org, all at once or not at all."))
@click.argument("package_file", type=click.Path(dir_okay=False))
@click.option("--org", "organisation_id", required=True,
              help=_("The organisation taking the person on."))
@click.option("--sender-key", required=True,
              help=_("The sending instance's public key or its fingerprint, as they told you "
                   "(`assetmap person key` on their side)."))
@click.option("--postcode", default=None, help=_(
    "Where the person lives now (a package carries no address): their home point and areas "
    "come from it."))
@click.option("--dry-run", is_flag=True, help=_("Check everything, write nothing."))
@click.pass_context
def person_receive(ctx: click.Context, package_file: str, organisation_id: str,
                   sender_key: str, postcode: str | None, dry_run: bool) -> None:
    from assetmap.model import Person
    from assetmap.services import areas

    verified = person_package.verify(person_package.read(Path(package_file)), sender_key)
    with _store(ctx) as store:
        home = (areas.locate(store, Person, {"postcode": postcode}, ctx.obj.instance_path)
                if postcode else None)
        received = person_package.receive(store, verified, organisation_id,
                                          _acting(ctx, store), erasures.for_instance(ctx.obj),
                                          dry_run=dry_run, home=home)
        if not dry_run:
            analysis.assess_person(store, received["person_id"])
    said = (N_("would receive %(name)s as %(person_id)s: %(ties)s ties (%(named)s people "
               "named, %(placeholders)s placeholders), %(what_matters)s what-matters and "
               "%(lsns6)s LSNS-6 records; signed by key %(fingerprint)s") if dry_run else
            N_("received %(name)s as %(person_id)s: %(ties)s ties (%(named)s people named, "
               "%(placeholders)s placeholders), %(what_matters)s what-matters and %(lsns6)s "
               "LSNS-6 records; signed by key %(fingerprint)s"))
    click.echo(translate(said, _language(), fingerprint=verified.fingerprint, **received))


@person.command("key", help=_(
    "This instance's public key for person packages, and its fingerprint: tell a receiving "
    "organisation these (by a channel other than the package)."))
@click.pass_context
def person_key(ctx: click.Context) -> None:
    public = person_package.public_key_text(person_package.signing_key(ctx.obj))
    click.echo(_("public key:  %(key)s", key=public))
    click.echo(_("fingerprint: %(fingerprint)s", fingerprint=person_package.fingerprint(public)))


def _acting(ctx: click.Context, store: GraphStore) -> Acting:
    """The CLI as an actor: the operating-system user who ran it; the trail's head is kept
    in ``store``."""
    return Acting(audit_service.trail(ctx.obj.instance_path, store), f"cli:{getpass.getuser()}")


def _audit(ctx: click.Context, action: str, person_id: str, detail: str) -> None:
    """The CLI's access to a person record, under the operating-system user who ran it."""
    with _store(ctx) as store:
        _acting(ctx, store).record(action, person_id, detail=detail)


def _private_write(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # a file that was there already keeps no wider mode
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)


@person.command("lsns6", help=_(
    "Record an LSNS-6 questionnaire; it takes precedence over the estimate from ties."))
@click.argument("person_id")
@click.option("--answers", required=True, metavar="F1,F2,F3,R1,R2,R3",
              help=_("Six scored answers 0-5: family then friends - seen monthly, "
                   "private matters, call on for help."))
@click.option("--date", "answered_on", required=True, help=_("When it was answered (YYYY-MM-DD)."))
@click.option("--by", "recorded_by", required=True, help=_("Id of the staff member recording it."))
@click.pass_context
def person_lsns6(
    ctx: click.Context, person_id: str, answers: str, answered_on: str, recorded_by: str
) -> None:
    from assetmap.analysis.lsns6 import ITEMS

    values = [part.strip() for part in answers.split(",")]
    if len(values) != len(ITEMS) or not all(v.isdigit() for v in values):
        raise InvalidRecord([("answers", "must be six whole numbers 0-5, comma separated")])
    with _store(ctx) as store:
        report = analysis.record_questionnaire(store, {
            "person_id": person_id, "date": answered_on, "recorded_by": recorded_by,
            **dict(zip(ITEMS, (int(v) for v in values), strict=True)),
        })
    _audit(ctx, "update", person_id, "assetmap person lsns6")
    click.echo(_("recorded: LSNS-6 %(total)s/30 for %(name)s", total=report["lsns6"]["total"],
                 name=report["name"]))


@main.command(help=_(
    "Who or what could join a person's circle, best first, with reasons."))
@click.argument("person_id")
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True)
@click.option("--max-cost", "max_cost_pence", type=click.IntRange(0, 100_000), default=None,
              help=_("Leave out activities dearer than this many pence."))
@click.option("--json", "as_json", is_flag=True, help=_("Print JSON."))
@click.pass_context
def suggest(
    ctx: click.Context, person_id: str, limit: int, max_cost_pence: int | None, as_json: bool
) -> None:
    with _store(ctx) as store:
        found = analysis.suggest(store, person_id, limit, max_cost_pence)
    _audit(ctx, "view", person_id, "assetmap suggest")
    if as_json:
        click.echo(json.dumps(found, indent=2, sort_keys=True))
        return
    for rank, item in enumerate(found, 1):
        click.echo(f"{rank:>2}. {_named(SUGGESTION_KINDS, item['kind']):<11} {item['name']}  "
                   + _("(score %(score)s)", score=f"{item['score']:.2f}"))
        click.echo(f"      {'; '.join(_reason(r) for r in item['reasons'])}")


@main.command(help=_(
    "Isolation hotspots and asset deserts per area, from the last analysis run. Counts below "
    "5, and figures that would let one be worked out, are withheld."))
@click.option("--level", type=click.Choice(AREA_LEVELS), default="ward", show_default=True)
@click.option("--json", "as_json", is_flag=True, help=_("Print JSON."))
@click.pass_context
def hotspots(ctx: click.Context, level: str, as_json: bool) -> None:
    with _store(ctx) as store:
        rows = analysis.hotspots(store, level)
    if not rows:
        raise ValueError("no analysis results yet: run `assetmap analyse` first")
    if as_json:
        click.echo(json.dumps(rows, indent=2, sort_keys=True))
        return
    columns = (("people", _("people")), ("at_risk", _("at risk")), ("at_risk_rate", "%"),
               ("fragile", _("fragile")), ("carers_at_risk", _("carers at risk")),
               ("access_per_1000", _("access/1000")), ("asset_desert", _("desert")))
    click.echo(f"{_('area'):<28}" + "".join(f"{title:>15}" for _key, title in columns))
    for row in rows:
        cells = "".join(f"{_cell(row[key]):>15}" for key, _title in columns)
        click.echo(f"{row['name'][:27]:<28}{cells}")
    click.echo(_("withheld: fewer than 5, or would let such a figure be worked out"))


def _cell(value: Any) -> str:
    if value is None:
        return _("withheld")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return f"{value:,}" if isinstance(value, int) else str(value)


# ---------------------------------------------------------------------------


@main.command(help=_(
    "Init, seed a community, create one user per role (new passwords printed), serve."))
@click.option("--people", type=click.IntRange(1, 200_000), default=2000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=5000, show_default=True)
@click.option("--no-serve", is_flag=True, help=_("Set up and print the logins, then exit."))
@click.pass_context
def demo(ctx: click.Context, people: int, host: str, port: int, no_serve: bool) -> None:
    config: Config = ctx.obj
    config.private_instance()
    with _store(ctx) as store:
        if store.is_empty():
            store.init_schema()
            _seed(store, people, 7)
            _print_analysis(analysis.run_analysis(store))
        else:
            click.echo(_("using the community already in the graph"))
        logins = accounts.demo_users(store)
    click.echo("\n" + _("Demo logins (passwords are new each time the demo starts):"))
    for email, role, organisation_id, password in logins:
        click.echo(f"  {role:<12} {email:<34} {password}   ({organisation_id})")
    click.echo("\n" + _("The embedded database keeps running in the background after the web "
                      "app stops; `assetmap db stop` stops it.") + "\n")
    if not no_serve:
        _serve(config, host, port, threads=8)


if __name__ == "__main__":  # pragma: no cover
    main()
