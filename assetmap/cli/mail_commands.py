"""``assetmap mail``: the outbox, and sending what waits in it."""

from __future__ import annotations

import getpass
from typing import Any

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

    with _store(ctx) as store:
        done = mailer.deliver(store, ctx.obj.mail)
    _report(ctx, done)


def _report(ctx: click.Context, done: Any) -> None:
    """What a run of the sender did, in one line; a non-zero exit when something is left
    waiting or was given up (a timer's failure shows in its log)."""
    settings = ctx.obj.mail
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


@main.group(help=_("The day's reminders, by e-mail."))
def reminders() -> None:
    pass


@reminders.command("send", help=_(
    "Ask the providers of listings that may be out of date to confirm them (once a month "
    "until someone does), tell connectors how many referral follow-ups are due today, and "
    "send it all. Run it once a day from a timer; a second run the same day sends nothing "
    "new."))
@click.pass_context
def reminders_send(ctx: click.Context) -> None:
    from assetmap import mailer
    from assetmap.services import freshness
    from assetmap.services import reminders as daily
    from assetmap.services.mail import Links

    config = ctx.obj
    with _store(ctx) as store:
        queued = daily.queue_due(store, freshness.Limits.of(config),
                                 Links(config.base_url, config.load_secret_key()))
        done = mailer.deliver(store, config.mail)
    click.echo(_("queued %(checks)s listing checks and %(followups)s follow-up reminders",
                 checks=queued.freshness_checks, followups=queued.referral_followups))
    _report(ctx, done)
