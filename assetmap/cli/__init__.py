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
from typing import Any

import click

from assetmap import accounts
from assetmap.analysis.reasons import in_language
from assetmap.audit import Acting
from assetmap.config import Config, ConfigError
from assetmap.graph.embedded import EmbeddedServerError
from assetmap.graph.store import GraphStore
from assetmap.i18n import N_, TRANSLATIONS, say, translate
from assetmap.model import InvalidRecord
from assetmap.services import NotFound, StoreError
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
    from assetmap.services import migrations

    ctx.obj.private_instance()
    with _store(ctx) as store:
        applied = store.init_schema()
        migrated = migrations.bring_up_to_date(store)
    click.echo(_("schema ready (%(count)s statements) in %(url)s", count=applied,
                 url=ctx.obj.resolved_graph_url))
    for name, changed in migrated.items():
        click.echo(_("migrated %(name)s: %(changed)s records changed", name=name,
                     changed=sum(changed)))
    if not migrated:
        click.echo(_("stored data up to date: nothing to migrate"))


@main.command(help=_(
    "Build a deterministic synthetic community: in Powys, in any Welsh local authority, "
    "a health board's authorities or all 22."))
@click.option("--people", type=click.IntRange(1, 5_000_000), default=2000, show_default=True)
@click.option("--seed", "seed_value", type=int, default=7, show_default=True,
              help=_("The same seed gives the identical community."))
@click.option("--local-authority", "local_authorities", multiple=True, metavar="CODE",
              help=_("An authority's ONS code (W06...), repeatable; default Powys, "
                     "W06000023. The first one's organisations are org-cvc, org-carers and "
                     "org-council."))
@click.option("--health-board", "health_board", metavar="CODE",
              help=_("Every authority of a health board (W11...)."))
@click.option("--wales", is_flag=True, help=_("All 22 local authorities."))
@click.option("--replace", is_flag=True, help=_("Delete the existing graph first."))
@click.option("--sample", is_flag=True,
              help=_("Load the small fixed sample (seed/sample/) instead of generating."))
@click.pass_context
def seed(ctx: click.Context, people: int, seed_value: int, local_authorities: tuple[str, ...],
         health_board: str | None, wales: bool, replace: bool, sample: bool) -> None:
    authorities = _authorities(local_authorities, health_board, wales)
    with _store(ctx) as store:
        _prepare_empty(store, replace)
        if sample:
            from seed import sample as fixed_sample

            written = fixed_sample.load(store)
            click.echo(_("loaded the sample: %(nodes)s nodes, %(relationships)s relationships",
                         nodes=written["nodes"], relationships=written["relationships"]))
        else:
            _seed(store, people, seed_value, authorities)


def _authorities(chosen: tuple[str, ...], health_board: str | None,
                 wales: bool) -> tuple[str, ...]:
    """The authorities to seed, the first one first; a code that is not one is refused."""
    from assetmap import boundaries

    found = boundaries.bundled(["local_authority", "health_board"])
    index = boundaries.AreaIndex(found)
    known = {a.code: index.parent(a) for a in found if a.level == "local_authority"}
    boards = {a.code for a in found if a.level == "health_board"}
    for code in chosen:
        if code not in known:
            raise ValueError(f"--local-authority: {code!r} is not the code of a Welsh local "
                             f"authority: one of {', '.join(sorted(known))}")
    if health_board and health_board not in boards:
        raise ValueError(f"--health-board: {health_board!r} is not the code of a Welsh "
                         f"health board: one of {', '.join(sorted(boards))}")
    codes = list(chosen)
    if health_board:
        codes += sorted(c for c, board in known.items() if board == health_board)
    if wales:
        codes += sorted(known)
    return tuple(dict.fromkeys(codes or ["W06000023"]))


def _prepare_empty(store: GraphStore, replace: bool) -> None:
    if not store.is_empty():
        if not replace:
            raise ValueError("the graph is not empty: use --replace to delete it and seed again")
        store.clear()
    store.init_schema()
    from assetmap.services import migrations

    migrations.bring_up_to_date(store)  # a new graph: nothing old to change


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


def _seed(store: GraphStore, people: int, seed_value: int,
          authorities: tuple[str, ...] = ("W06000023",)) -> None:
    from seed.generator import generate, write
    started = time.perf_counter()
    community = generate(people, seed_value, authorities)
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


# the command groups, each in its own module, register themselves on ``main``
from assetmap.cli import (  # noqa: E402, F401, I001
    accounts_commands,
    analysis_commands,
    areas_commands,
    audit_commands,
    data_commands,
    mail_commands,
    people_commands,
    server_commands,
)

__all__ = ["main"]
