"""The ``assetmap`` command: set up, seed, inspect and serve a community graph.

Bad input ends with a non-zero exit and one readable line naming the problem; set
``ASSETMAP_DEBUG=1`` to see a traceback instead.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from assetmap import accounts
from assetmap.config import Config, ConfigError
from assetmap.graph import organisations
from assetmap.graph.embedded import EmbeddedServer, EmbeddedServerError
from assetmap.graph.errors import StoreError
from assetmap.graph.nodes import NotFound
from assetmap.graph.store import GraphStore, embedded_directory
from assetmap.model import InvalidRecord

EXPECTED_ERRORS = (
    ConfigError, EmbeddedServerError, StoreError, InvalidRecord, NotFound, ValueError, OSError,
)


class AssetmapGroup(click.Group):
    """Turn expected failures, and usage errors, into one line on stderr."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except EXPECTED_ERRORS as exc:
            if os.environ.get("ASSETMAP_DEBUG"):
                raise
            click.echo(f"assetmap: error: {exc}", err=True)
            ctx.exit(1)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        try:
            result = super().main(*args, **{**kwargs, "standalone_mode": False})
        except click.ClickException as exc:
            click.echo(f"assetmap: error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("assetmap: aborted", err=True)
            sys.exit(1)
        # without standalone mode click returns the exit code of ``ctx.exit(code)``
        sys.exit(result if isinstance(result, int) else 0)


@click.group(cls=AssetmapGroup)
@click.pass_context
def main(ctx: click.Context) -> None:
    """assetmap: community assets and circles of support."""
    ctx.obj = Config.from_env()


@contextmanager
def _store(ctx: click.Context) -> Iterator[GraphStore]:
    store = GraphStore.open(ctx.obj)
    try:
        yield store
    finally:
        store.close()


@main.command()
@click.pass_context
def init(ctx: click.Context) -> None:
    """Create the instance folder, start the database and set up the schema (idempotent)."""
    with _store(ctx) as store:
        applied = store.init_schema()
    click.echo(f"schema ready ({applied} statements) in {ctx.obj.resolved_graph_url}")


@main.command()
@click.option("--people", type=click.IntRange(1, 5_000_000), default=2000, show_default=True)
@click.option("--seed", "seed_value", type=int, default=7, show_default=True,
              help="The same seed gives the identical community.")
@click.option("--replace", is_flag=True, help="Delete the existing graph first.")
@click.option("--sample", is_flag=True,
              help="Load the small fixed sample (seed/sample/) instead of generating.")
@click.pass_context
def seed(ctx: click.Context, people: int, seed_value: int, replace: bool, sample: bool) -> None:
    """Build a deterministic synthetic community in Powys."""
    with _store(ctx) as store:
        _prepare_empty(store, replace)
        if sample:
            from seed import sample as fixed_sample

            written = fixed_sample.load(store)
            click.echo(
                f"loaded the sample: {written['nodes']} nodes, "
                f"{written['relationships']} relationships"
            )
        else:
            _seed(store, people, seed_value)


def _prepare_empty(store: GraphStore, replace: bool) -> None:
    if not store.is_empty():
        if not replace:
            raise ValueError("the graph is not empty: use --replace to delete it and seed again")
        store.clear()
    store.init_schema()


def _seed(store: GraphStore, people: int, seed_value: int) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from seed.generator import generate, write
    started = time.perf_counter()
    community = generate(people, seed_value)
    generated = time.perf_counter() - started
    with Progress(
        "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(), transient=not sys.stderr.isatty(),
    ) as progress:
        task = progress.add_task("writing", total=None)

        def report(stage: str, done: int, total: int) -> None:
            progress.update(task, description=f"writing {stage}", completed=done, total=total)

        write(store, community, report)
    elapsed = time.perf_counter() - started
    counts = community.counts()
    ties = counts["relationships"]["KNOWS"] + counts["relationships"]["CARES_FOR"]
    click.echo(
        f"seeded {people:,} people, {ties:,} ties, "
        f"{sum(counts['nodes'].values()):,} nodes and "
        f"{sum(counts['relationships'].values()):,} relationships "
        f"in {elapsed:.1f} s (generated in {generated:.1f} s)"
    )


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def stats(ctx: click.Context, as_json: bool) -> None:
    """Count nodes per label and relationships per type."""
    with _store(ctx) as store:
        counts = store.counts()
    if as_json:
        click.echo(json.dumps(counts, indent=2, sort_keys=True))
        return
    for section, values in counts.items():
        click.echo(f"{section}:")
        for name, count in values.items():
            click.echo(f"  {name:<16} {count:>10,}")


@main.group()
def users() -> None:
    """Manage login accounts."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--role", type=click.Choice(["admin", "coordinator", "connector"]), required=True)
@click.option("--org", "organisation_id", required=True, help="Organisation id.")
@click.option("--name", default=None)
@click.pass_context
def users_create(
    ctx: click.Context, email: str, role: str, organisation_id: str, name: str | None
) -> None:
    """Create a user; the generated password is printed once."""
    with _store(ctx) as store:
        user, password = accounts.create_user(store, email, role, organisation_id, name)
    click.echo(f"created {user['role']} {user['email']} (id {user['id']})")
    click.echo(f"password (shown once): {password}")


@main.group()
def db() -> None:
    """The embedded database server."""


def _embedded(ctx: click.Context) -> EmbeddedServer:
    config: Config = ctx.obj
    directory = embedded_directory(config.resolved_graph_url)
    if directory is None:
        raise ConfigError(
            f"ASSETMAP_GRAPH_URL is {config.resolved_graph_url}: "
            "db commands manage the embedded server only"
        )
    return EmbeddedServer(directory, config.appendfsync)


@db.command("start")
@click.pass_context
def db_start(ctx: click.Context) -> None:
    """Start the embedded server (or find it running)."""
    pid = _embedded(ctx).ensure_running()
    click.echo(f"running, pid {pid}")


@db.command("stop")
@click.pass_context
def db_stop(ctx: click.Context) -> None:
    """Stop the embedded server cleanly."""
    stopped = _embedded(ctx).stop()
    click.echo("stopped" if stopped else "not running")


@db.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def db_status(ctx: click.Context, as_json: bool) -> None:
    """Socket, pid, memory and node/relationship counts."""
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


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=5000, show_default=True)
@click.option("--threads", type=click.IntRange(1, 64), default=8, show_default=True)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, threads: int) -> None:
    """Serve the web app with waitress (a production WSGI server)."""
    _serve(ctx.obj, host, port, threads)


def _serve(config: Config, host: str, port: int, threads: int) -> None:
    import waitress

    from assetmap.web import create_app

    app = create_app(config)
    click.echo(f"serving on http://{host}:{port} (Ctrl+C to stop)")
    waitress.serve(app, host=host, port=port, threads=threads, ident="assetmap")


@main.command()
@click.option("--people", type=click.IntRange(1, 200_000), default=2000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=5000, show_default=True)
@click.option("--no-serve", is_flag=True, help="Set up and print the logins, then exit.")
@click.pass_context
def demo(ctx: click.Context, people: int, host: str, port: int, no_serve: bool) -> None:
    """Init, seed a community, create one user per role (new passwords printed), serve."""
    config: Config = ctx.obj
    with _store(ctx) as store:
        if store.is_empty():
            store.init_schema()
            _seed(store, people, 7)
        else:
            click.echo("using the community already in the graph")
        logins = accounts.demo_users(store, organisations.repo.get(store, "org-cvc")["id"])
    click.echo("\nDemo logins (passwords are new each time the demo starts):")
    for email, role, password in logins:
        click.echo(f"  {role:<12} {email:<34} {password}")
    click.echo(
        "\nThe embedded database keeps running in the background after the web app stops;\n"
        "`assetmap db stop` stops it.\n"
    )
    if not no_serve:
        _serve(config, host, port, threads=8)


if __name__ == "__main__":  # pragma: no cover
    main()
