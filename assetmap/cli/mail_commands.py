"""``assetmap mail``: the outbox, and sending what waits in it."""

from __future__ import annotations

import getpass

import click

from assetmap.cli import _, _language, _store, main
from assetmap.i18n import translate


@main.group(help=_("Outgoing e-mail: what waits in the outbox, and sending it."))
def mail() -> None:
    pass


@mail.command("send-pending", help=_(
    "Send every message waiting in the outbox (run it from a timer every few minutes: "
    "messages the mail server did not take are tried again)."))
@click.pass_context
def send_pending(ctx: click.Context) -> None:
    from assetmap import mailer

    settings = ctx.obj.mail
    with _store(ctx) as store:
        done = mailer.deliver(store, settings)
    if not settings.backend:
        raise ValueError(_("no mail server is set (ASSETMAP_SMTP_URL): %(count)s messages "
                           "wait in the outbox", count=done.waiting))
    click.echo(_("sent %(sent)s, waiting %(waiting)s, given up %(given_up)s (to %(where)s)",
                 sent=done.sent, waiting=done.waiting, given_up=done.given_up,
                 where=str(settings)))
    if done.error:
        click.echo(_("the mail server said: %(error)s", error=done.error), err=True)
    if done.waiting or done.given_up:
        ctx.exit(1)


@mail.command("status", help=_(
    "Messages waiting in the outbox, and those sent or given up in the last 30 days."))
@click.pass_context
def status(ctx: click.Context) -> None:
    from assetmap.services import mail as outbox

    with _store(ctx) as store:
        rows = outbox.status(store)
    click.echo(_("mail goes to: %(where)s", where=str(ctx.obj.mail)))
    if not rows:
        click.echo(_("the outbox is empty"))
    names = {"pending": _("waiting"), "sent": _("sent"), "failed": _("given up")}
    for row in rows:
        what = translate(outbox.KINDS.get(row["kind"], row["kind"]), _language())
        line = f"{names[row['status']]:<10} {row['count']:>6}  {what}"
        if row["status"] == "pending":
            line += "  " + _("oldest %(when)s, tried %(attempts)s times",
                             when=row["oldest"][:16], attempts=row["attempts"])
        if row["status"] != "sent" and row.get("last_error"):
            line += "  " + row["last_error"]
        click.echo(line)


@mail.command("test", help=_("Send a test message now, to check the mail settings."))
@click.option("--to", "to", required=True, help=_("The address to send it to."))
@click.pass_context
def send_test(ctx: click.Context, to: str) -> None:
    from assetmap import mailer
    from assetmap.model import InvalidRecord
    from assetmap.services import mail as outbox

    if not ctx.obj.mail.backend:
        raise ValueError(_("no mail server is set (ASSETMAP_SMTP_URL)"))
    with _store(ctx) as store:
        try:
            queued = outbox.queue(store, "test", to, _language(),
                                  {"who": f"cli:{getpass.getuser()}"})
        except InvalidRecord as exc:
            raise InvalidRecord([("--to", problem) for _field, problem in exc.errors]) from None
        done = mailer.deliver(store, ctx.obj.mail, only=queued["id"])
    if done.sent:
        click.echo(_("sent a test message to %(to)s through %(where)s", to=to,
                     where=str(ctx.obj.mail)))
        return
    raise ValueError(_("not sent (it waits in the outbox): %(error)s", error=done.error))
