"""Coordinators' area dashboard: hotspot maps, tables and CSV at each level, changes since
the last run, and whole-community analysis runs started from the web. Only stored,
suppressed area figures are read: no page here shows an individual."""

from __future__ import annotations

import csv
import io

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from assetmap import names
from assetmap.analysis.hotspots import not_assessed
from assetmap.i18n import N_
from assetmap.interop.exports import AREA_FIELDS
from assetmap.interop.spreadsheet import safe_dict
from assetmap.model import AREA_LEVELS
from assetmap.services import analysis
from assetmap.services import areas as area_service
from assetmap.web import jobs, maps
from assetmap.web.auth import role_required
from assetmap.web.db import get_store
from assetmap.web.filters import translated

bp = Blueprint("areas", __name__, url_prefix="/areas")

#: what the map can show: figure -> its name on the page
MEASURES = {
    "at_risk_rate": N_("People at risk of isolation (%)"),
    "fragile_rate": N_("Fragile circles (%)"),
    "carers_at_risk_rate": N_("Carers at risk of breakdown (%)"),
    "access_per_1000": N_("Activities within reach per 1,000 residents"),
    "asset_desert": N_("Asset deserts (high risk, low access)"),
    "at_risk": N_("People at risk (count)"),
}
#: the table's and CSV's columns
COLUMNS = AREA_FIELDS  # the one allow-list of the hotspot exports
CHANGES = ("at_risk_rate", "fragile_rate", "carers_at_risk_rate", "access_per_1000")


@bp.before_request
@role_required("coordinator")
def coordinators_only() -> None:
    """Area views are for coordinators."""


def _level() -> str:
    level = request.args.get("level", "ward")
    if level not in AREA_LEVELS:
        abort(400, gettext("level: must be one of %(choices)s", choices=", ".join(AREA_LEVELS)))
    return level


def _regions() -> list[dict]:
    """The areas a coordinator may look inside: health boards, then local authorities."""
    store = get_store()
    return [*area_service.at_level(store, "health_board"),
            *area_service.at_level(store, "local_authority")]


def _within(regions: list[dict]) -> str | None:
    within = request.args.get("within") or None
    if within and within not in {region["id"] for region in regions}:
        abort(400, gettext("within: no health board or local authority has the code %(code)s",
                           code=repr(within)))
    return within


@bp.get("/")
def dashboard() -> ResponseReturnValue:
    level = _level()
    measure = request.args.get("measure", "at_risk_rate")
    if measure not in MEASURES:
        abort(400, gettext("measure: must be one of %(choices)s", choices=", ".join(MEASURES)))
    regions = _regions()
    within = _within(regions)
    store = get_store()
    rows = analysis.hotspots(store, level, previous=True, within=within)
    for row in rows:
        before = row.pop("previous") or {}
        row["change"] = {key: _difference(row.get(key), before.get(key)) for key in CHANGES}
    return render_template(
        "areas/dashboard.html", rows=rows, level=level, measure=measure, within=within,
        regions=regions, LEVEL_NAMES=translated(names.AREA_LEVEL_NAMES),
        MEASURES=translated(MEASURES), CHANGES=CHANGES,
        run=analysis.latest_run(store),
        map=maps.choropleth(rows, url_for("areas.shapes", level=level), measure,
                            gettext(MEASURES[measure])) if rows else None,
        legend=maps.legend(rows, measure),
        withheld=sum(r.get(measure) is None and r.get("people") != 0
                     and not not_assessed(r, measure) for r in rows),
        nobody=sum(r.get("people") == 0 for r in rows),
        unassessed=sum(bool(not_assessed(r, measure)) for r in rows),
        not_assessed=not_assessed, NOT_ASSESSED=translated(names.NOT_ASSESSED_NAMES),
        region=next((r for r in regions if r["id"] == within), None),
    )


@bp.get("/listings")
def stale_listings() -> ResponseReturnValue:
    """Listings that may be out of date, or have left the finder, by area: for whoever
    keeps the directory to chase."""
    from assetmap.services import freshness, providers

    regions = _regions()
    within = _within(regions)
    config = current_app.config["ASSETMAP"]
    store = get_store()
    rows = freshness.stale_listings(store, freshness.Limits.of(config), within)
    named = area_service.names(store, sorted({r["local_authority"] for r in rows
                                              if r["local_authority"]}))
    return render_template("areas/listings.html", rows=rows, regions=regions, within=within,
                           named=named, SLUGS=providers.SLUGS, config=config,
                           region=next((r for r in regions if r["id"] == within), None))


#: how long a coordinator's browser may keep the areas' shapes (they change only when
#: boundaries are loaded again)
SHAPES_MAX_AGE_S = 3600


@bp.get("/shapes/<level>.json")
def shapes(level: str) -> ResponseReturnValue:
    """Every area's boundary at ``level`` as GeoJSON geometry, by area id: the dashboard's
    map fetches them once, its page carries only the figures."""
    if level not in AREA_LEVELS:
        abort(404)
    response = jsonify(area_service.geometries(get_store(), level))
    response.cache_control.private = True
    response.cache_control.max_age = SHAPES_MAX_AGE_S
    response.add_etag()
    return response.make_conditional(request)


def _difference(now: float | None, before: float | None) -> float | None:
    if now is None or before is None:
        return None
    return round(now - before, 1)


@bp.get("/hotspots.csv")
def download() -> ResponseReturnValue:
    level = _level()
    rows = analysis.hotspots(get_store(), level, within=_within(_regions()))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(safe_dict({key: _csv_cell(row, key) for key in COLUMNS}))
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=hotspots-{level}.csv"})


def _csv_cell(row: dict, key: str) -> object:
    value = row.get(key, "")
    if not_assessed(row, key):
        return "not assessed"
    if value is None:
        return "" if row.get("people") == 0 else "withheld"  # nobody recorded: no figure
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


@bp.post("/runs")
def start_run() -> ResponseReturnValue:
    job = jobs.analyse_in_background(get_store())
    flash(gettext("The analysis is running; this page follows it."), "info")
    return redirect(url_for("areas.run_status", job_id=job.id))


@bp.get("/runs/<job_id>")
def run_status(job_id: str) -> ResponseReturnValue:
    job = jobs.current().get(job_id)
    if job is None:
        abort(404, gettext("There is no such analysis run."))
    if request.accept_mimetypes.best == "application/json":
        return {"state": job.state, "stage": job.stage, "done": job.done, "total": job.total,
                "error": job.error and gettext(job.error),
                "run_id": (job.result or {}).get("run_id"),
                "started_at": job.started_at, "finished_at": job.finished_at}
    return render_template("areas/run.html", job=job, STAGES=translated(jobs.STAGE_NAMES))
