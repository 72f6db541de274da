"""``assetmap`` commands: The audit trail."""

from __future__ import annotations

import json

import click

from assetmap.audit import ACTIONS, AuditLog, address_hash
from assetmap.cli import (
    _,
    _language,
    _store,
    main,
)
from assetmap.i18n import say
from assetmap.services import audit as audit_service


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
