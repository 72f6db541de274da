"""``assetmap`` commands: Login accounts, organisations and API tokens."""

from __future__ import annotations

import click

from assetmap import accounts
from assetmap.cli import (
    _,
    _named,
    _store,
    main,
)
from assetmap.model import ORGANISATION_KINDS, STAFF_ROLES
from assetmap.names import ROLE_NAMES


@main.group(help=_(
    "Manage login accounts."))
def users() -> None:
    pass


@users.command("create", help=_(
    "Create a user; the generated password is printed once."))
@click.option("--email", required=True)
@click.option("--role", type=click.Choice(STAFF_ROLES), required=True)
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
@click.option("--area", default=None,
              help=_("The code of the area it works in, e.g. W06000023 for Powys."))
@click.option("--website", default=None)
@click.pass_context
def organisations_create(ctx: click.Context, organisation_id: str, name: str,
                         name_cy: str | None, kind: str, area: str | None,
                         website: str | None) -> None:
    from assetmap.services import organisations

    with _store(ctx) as store:
        created = organisations.create(store, {"id": organisation_id, "name": name,
                                               "name_cy": name_cy, "kind": kind,
                                               "area": area, "website": website})
    click.echo(_("created organisation %(id)s (%(name)s)", id=created["id"],
                 name=created["name"]))


@organisations_group.command("list", help=_("Every organisation, by name."))
@click.pass_context
def organisations_list(ctx: click.Context) -> None:
    from assetmap.services import organisations

    with _store(ctx) as store:
        for row in organisations.by_name(store):
            click.echo("  ".join(str(v) for v in (row["id"], row["name"], row.get("kind"),
                                                  row.get("area")) if v))


# the short name the council's staff type
main.add_command(organisations_group, name="orgs")


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
