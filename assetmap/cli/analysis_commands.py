"""``assetmap`` commands: The community analysis, hotspots and suggestions."""

from __future__ import annotations

import json
from typing import Any

import click

from assetmap.analysis.hotspots import not_assessed
from assetmap.cli import (
    _,
    _audit,
    _named,
    _progress_bar,
    _reason,
    _store,
    main,
)
from assetmap.model import AREA_LEVELS
from assetmap.names import SUGGESTION_KINDS
from assetmap.services import analysis


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
               ("people", "not_assessed", "at_risk", "fragile", "carers", "carers_at_risk")}
    click.echo(_("analysed %(people)s people in %(seconds)s s: %(at_risk)s at risk of "
                 "isolation, %(not_assessed)s not assessed (too little recorded, or not of "
                 "an age the scale is for), %(fragile)s with a fragile circle, "
                 "%(carers_at_risk)s of %(carers)s carers at risk (run %(run)s; withheld: "
                 "fewer than 5, or would reveal such a figure)",
                 seconds=f"{summary['duration']:.1f}", run=summary["run_id"], **figures))



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
@click.option("--within", metavar="CODE",
              help=_("Only the areas inside this one, e.g. a health board's authorities."))
@click.option("--json", "as_json", is_flag=True, help=_("Print JSON."))
@click.pass_context
def hotspots(ctx: click.Context, level: str, within: str | None, as_json: bool) -> None:
    with _store(ctx) as store:
        rows = analysis.hotspots(store, level, within=within)
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
        cells = "".join(f"{_cell(row[key], row, key):>15}" for key, _title in columns)
        click.echo(f"{row['name'][:27]:<28}{cells}")
    click.echo(_("withheld: fewer than 5, or would let such a figure be worked out"))


def _cell(value: Any, row: dict | None = None, key: str = "") -> str:
    if row and not_assessed(row, key):
        return _("not assessed")
    if value is None:
        return "-" if row and row.get("people") == 0 else _("withheld")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return f"{value:,}" if isinstance(value, int) else str(value)


# ---------------------------------------------------------------------------
