"""``assetmap`` commands: A person's record: show, export, erase, review, move, LSNS-6."""

from __future__ import annotations

import json
from pathlib import Path

import click

from assetmap import erasures
from assetmap.audit import AuditLog
from assetmap.cli import (
    AssetmapGroup,
    _,
    _acting,
    _audit,
    _language,
    _named,
    _private_write,
    _reason,
    _store,
    main,
)
from assetmap.i18n import N_, Problem, translate, translate_plural
from assetmap.interop import person_package
from assetmap.model import InvalidRecord
from assetmap.names import CIRCLE_NAMES, RISK_NAMES
from assetmap.services import analysis, subject_access


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
    if score is None:  # the first reason says why no score can be given
        click.echo("  " + _("LSNS-6: not assessed"))
    else:
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
        raise InvalidRecord([("answers", Problem(N_(
            "must be six whole numbers 0-5, comma separated")))])
    with _store(ctx) as store:
        report = analysis.record_questionnaire(store, {
            "person_id": person_id, "date": answered_on, "recorded_by": recorded_by,
            **dict(zip(ITEMS, (int(v) for v in values), strict=True)),
        }, _acting(ctx, store))
    if report["lsns6"] is None:  # recorded, but the scale does not score this person
        click.echo(_("recorded for %(name)s: %(why)s", name=report["name"],
                     why=_reason(report["reasons"][0])))
        return
    click.echo(_("recorded: LSNS-6 %(total)s/30 for %(name)s", total=report["lsns6"]["total"],
                 name=report["name"]))
