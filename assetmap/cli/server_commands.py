"""``assetmap`` commands: The embedded database, the web server and the demo."""

from __future__ import annotations

import json
from typing import Any

import click

from assetmap import accounts
from assetmap.cli import (
    _,
    _seed,
    _store,
    main,
)
from assetmap.cli.analysis_commands import _print_analysis
from assetmap.config import Config, ConfigError
from assetmap.graph.embedded import EmbeddedServer
from assetmap.graph.store import embedded_directory
from assetmap.services import analysis, migrations

#: how `assetmap serve` runs by default, chosen by `./run bench load` on 2 cores
#: (benchmarks/RESULTS.md): workers share the cores, threads wait for the database
DEFAULT_WORKERS, DEFAULT_THREADS = 3, 4


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
    "Serve the web app: gunicorn worker processes, or waitress when --workers is 1."))
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=5000, show_default=True)
@click.option("--workers", type=click.IntRange(1, 64), default=DEFAULT_WORKERS,
              show_default=True, help=_("Worker processes (each with its own threads)."))
@click.option("--threads", type=click.IntRange(1, 64), default=DEFAULT_THREADS,
              show_default=True, help=_("Threads in each worker process."))
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, workers: int, threads: int) -> None:
    _run(_listening(ctx.obj, host, port, threads, workers), host, port)


def _listening(config: Config, host: str, port: int, threads: int,
               workers: int = 1) -> Any:
    """A server with its port already taken (so a port in use is said before anything
    else is done, never after "serving"): waitress for one process, gunicorn's threaded
    workers for more (sessions, rate limits and background runs are shared through the
    database and the instance folder, so any worker can answer any request)."""
    import socket

    try:
        listener = socket.create_server((host, port), backlog=2048)
    except OSError as exc:
        raise click.ClickException(_(
            "cannot serve on %(url)s (%(problem)s): choose another port with --port",
            url=f"http://{host}:{port}", problem=exc.strerror or exc)) from None
    if workers == 1:
        from waitress.server import create_server

        from assetmap.web import create_app

        return create_server(create_app(config), sockets=[listener], threads=threads,
                             ident="assetmap")
    return _Gunicorn(config, listener, workers, threads)


class _Gunicorn:
    """gunicorn's master process on a socket we opened, with ``workers`` processes of
    ``threads`` threads, each building its own app (nothing is shared across a fork)."""

    def __init__(self, config: Config, listener: Any, workers: int, threads: int) -> None:
        self.config, self.listener = config, listener
        listener.set_inheritable(True)
        self.options = {"bind": [f"fd://{listener.fileno()}"], "workers": workers,
                        "threads": threads, "worker_class": "gthread", "timeout": 120,
                        # idle connections stay open longer than a reader pauses between
                        # pages (a browser reuses them; closing first loses requests)
                        "keepalive": 75,
                        "graceful_timeout": 30, "proc_name": "assetmap",
                        "errorlog": "-", "loglevel": "warning", "accesslog": None}

    def run(self) -> None:
        from gunicorn.app.base import BaseApplication

        from assetmap.web import create_app

        config, options = self.config, self.options

        class Application(BaseApplication):
            def load_config(self) -> None:
                for key, value in options.items():
                    self.cfg.set(key, value)

            def load(self) -> Any:
                return create_app(config)

        Application().run()


def _demo_mail(config: Config, host: str, port: int) -> Config:
    """The demo's mail, when none is set: messages written to ``<instance>/mail`` (to read
    there), their links pointing at the demo."""
    from assetmap.config import MailSettings

    changes: dict[str, Any] = {}
    if not config.mail.backend:
        changes["mail"] = MailSettings(backend="file", folder=str(config.instance_path / "mail"),
                                       sender="assetmap-demo@localhost")
    if not config.base_url:
        changes["base_url"] = f"http://{host}:{port}"
    return config.with_changes(**changes) if changes else config


def _run(server: Any, host: str, port: int) -> None:
    click.echo(_("serving on %(url)s (Ctrl+C to stop)", url=f"http://{host}:{port}"))
    server.run()


# ---------------------------------------------------------------------------
# analysis



@main.command(help=_(
    "Init, seed a community, create one user per role (new passwords printed), serve."))
@click.option("--people", type=click.IntRange(1, 200_000), default=2000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=5000, show_default=True)
@click.option("--no-serve", is_flag=True, help=_("Set up and print the logins, then exit."))
@click.pass_context
def demo(ctx: click.Context, people: int, host: str, port: int, no_serve: bool) -> None:
    config = ctx.obj = _demo_mail(ctx.obj, host, port)
    config.private_instance()
    server = None if no_serve else _listening(config, host, port, DEFAULT_THREADS, DEFAULT_WORKERS)
    with _store(ctx) as store:
        if store.is_empty():
            store.init_schema()
            migrations.bring_up_to_date(store)  # a new graph: nothing old to change
            _seed(store, people, 7)
            _print_analysis(analysis.run_analysis(store))
        else:
            click.echo(_("using the community already in the graph"))
        logins = accounts.demo_users(store)
    click.echo("\n" + _("Demo logins (passwords are new each time the demo starts):"))
    for email, role, organisation_id, password in logins:
        click.echo(f"  {role:<12} {email:<34} {password}   ({organisation_id})")
    if config.mail.backend == "file":
        click.echo("\n" + _("No mail server is set: the e-mails assetmap sends (claim links, "
                          "reminders, lists) are written to %(folder)s instead.",
                          folder=config.mail.folder))
    click.echo("\n" + _("The embedded database keeps running in the background after the web "
                      "app stops; `.venv/bin/assetmap db stop`, run from this folder, stops "
                      "it.") + "\n")
    if server is not None:
        _run(server, host, port)
