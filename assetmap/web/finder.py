"""The public asset finder: search, results as a list and a map, asset pages, print list."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, gettext, ngettext
from markupsafe import Markup

from assetmap import gazetteer, names
from assetmap.model import AssetSearch, InvalidRecord
from assetmap.services import NotFound, finder, freshness
from assetmap.services import mail as outbox
from assetmap.web import auditing, mailing, maps
from assetmap.web.auth import role_required
from assetmap.web.db import get_store
from assetmap.web.filters import day_part_name, number, say_problem, weekday
from assetmap.web.forms import field_errors
from assetmap.web.i18n import LANGUAGE_PARAMETER

bp = Blueprint("finder", __name__)


def _params() -> dict[str, str]:
    return {key: value for key, value in request.args.items() if key != LANGUAGE_PARAMETER}


def _search() -> tuple[finder.Found | None, dict[str, str]]:
    """The search the query string asks for; nothing until a search is made."""
    params = _params()
    if not params:
        return None, {}
    try:
        search = finder.parse(params)
        config = current_app.config["ASSETMAP"]
        return finder.find(get_store(), search, config.instance_path,
                           limits=freshness.Limits.of(config)), {}
    except InvalidRecord as exc:
        return None, field_errors(exc)


@bp.get("/find")
def find() -> ResponseReturnValue:
    found, errors = _search()
    status = 400 if errors else 200
    near = request.args.get("near", "").strip()
    return render_template(
        "finder/find.html", found=found, errors=errors, values=request.args,
        # a map only for results with a place: one without a venue has no pin
        map=maps.assets_map(found) if found and any(r["place"] for r in found.results)
        else None,
        place_names=gazetteer.suggestions(),
        did_you_mean=[(name, _with(near=name)) for name in gazetteer.did_you_mean(near)]
        if "near" in errors and near else [],
        offers=[_offer(r) for r in finder.relaxations(get_store(), found)] if found else [],
        counted=_counted(finder.choice_counts(get_store(), found) if found else None),
        asked=_asked(found.search) if found else [],
    ), status


def _counted(counts: dict[str, dict] | None):  # noqa: ANN202 - a template helper
    """``counted(facet, choices)``: after a search, each choice's label with how many
    results choosing it would give ("Tuesday (3)"); ``choices`` is {value: label}, or the
    label of a yes/no filter (a label is returned)."""
    def counted(facet: str, choices: dict | str) -> list[tuple[object, str]] | str:
        if isinstance(choices, str):
            return counted(facet, {True: choices})[0][1]  # type: ignore[index]
        if counts is None:
            return list(choices.items())
        return [(value, f"{label} ({number(counts[facet].get(value, 0))})")
                for value, label in choices.items()]
    return counted


def _with(**changes: object) -> str:
    """This search's address with ``changes`` (None: let go of that field)."""
    args = {**_params(), **{k: v for k, v in changes.items() if v is not None}}
    for name, value in changes.items():
        if value is None:
            args.pop(name, None)
    args.pop("page", None)
    return url_for("finder.find", **args) + "#results-heading"


def _offer(relaxation: finder.Relaxation) -> tuple[str, str]:
    """What letting go of one thing would find, in words, and the address that does it."""
    n, field = relaxation.count, relaxation.field
    if field == "radius_km":
        return ngettext("%(num)s activity within %(km)s km", "%(num)s activities within "
                        "%(km)s km", n, km=number(relaxation.radius_km)), _with(
                            radius_km=f"{relaxation.radius_km:g}")
    if field == "nearest":
        return gettext("The nearest is %(km)s km away", km=relaxation.nearest_km), _with(
            radius_km=f"{relaxation.radius_km:g}")
    words = {
        "day": ngettext("%(num)s activity on another day", "%(num)s activities on other days",
                        n),
        "time_of_day": ngettext("%(num)s activity at another time of day",
                                "%(num)s activities at other times of day", n),
        "welsh": ngettext("%(num)s activity if English will do too",
                          "%(num)s activities if English will do too", n),
        "category": ngettext("%(num)s activity of any kind", "%(num)s activities of any kind",
                             n),
        "free": ngettext("%(num)s activity if it need not be free",
                         "%(num)s activities if they need not be free", n),
        "text": ngettext("%(num)s activity without the word “%(text)s”",
                         "%(num)s activities without the word “%(text)s”", n,
                         text=request.args.get("text", "")),
    }
    text = words.get(field) or ngettext(
        "%(num)s activity if “%(need)s” is not a must",
        "%(num)s activities if “%(need)s” is not a must", n,
        need=gettext(names.ACCESS_NAMES[field]))
    return text, _with(**{field: None})


@bp.get("/find/print")
def print_list() -> ResponseReturnValue:
    found, errors = _search()
    if found is None:
        abort(400, "; ".join(f"{k}: {v}" for k, v in errors.items()) or gettext("Search first."))
    return render_template("finder/print.html", found=found, asked=_asked(found.search))


@bp.post("/find/print/send")
@role_required("connector", "coordinator")
def send_list() -> ResponseReturnValue:
    """"Send this list": the printable list e-mailed to the person in front of the
    connector, in the language they read. The address is used for this message alone: the
    outbox wipes it once the message has gone, and nothing else keeps it."""
    found, errors = _search()
    if found is None:
        abort(400, "; ".join(f"{k}: {v}" for k, v in errors.items()) or gettext("Search first."))
    to = request.form.get("email", "").strip()
    language = request.form.get("language") or "cy+en"
    if language not in ("cy", "en", "cy+en"):
        abort(400, gettext("language: must be cy, en or both"))
    links = mailing.links()
    lists = {}
    for each in language.split("+"):
        with force_locale(each):
            lists[each] = {
                "html": Markup(render_template("finder/_send.html", found=found,  # noqa: S704 - our template
                                               base=links.url(""))),
                "text": render_template("finder/_list.txt", found=found, base=links.url("")),
                "title": _list_title(found)}
    try:
        message = outbox.queue(get_store(), "shortlist", to, language, {"lists": lists})
    except InvalidRecord as exc:
        return render_template("finder/print.html", found=found, asked=_asked(found.search),
                               send_errors={"email": say_problem(exc.problem)},
                               sent_to=None), 400
    mailing.send(message)
    auditing.log("export", None, record_type=None,
                 detail="a printable list of activities e-mailed; the address is not kept")
    flash(gettext("Sent to %(email)s. The address is not kept.", email=to), "info")
    return redirect(url_for("finder.print_list", **request.args))


def _list_title(found: finder.Found) -> str:
    """The list's heading, in the language in force."""
    if found.location:
        return gettext("Activities within %(km)s km of %(place)s",
                       km=number(round(found.search.radius_km, 1)),
                       place=found.location.label)
    return gettext("Activities")


def _asked(search: AssetSearch) -> list[str]:
    """Everything the search asked for, in words, for the printed list's heading."""
    asked = [gettext("“%(text)s”", text=search.text)] if search.text else []
    asked += [gettext(names.CATEGORY_NAMES[search.category])] if search.category else []
    asked += [weekday(search.day)] if search.day else []
    asked += [day_part_name(search.time_of_day)] if search.time_of_day else []
    asked += [gettext("in Welsh")] if search.welsh else []
    asked += [gettext(names.DELIVERY_NAMES[search.delivery])] if search.delivery else []
    asked += [gettext("free")] if search.free else []
    asked += [gettext("for someone aged %(age)s", age=search.age)] if search.age is not None \
        else []
    return asked + [gettext(names.ACCESS_NAMES[need]) for need in search.access_needs()]


@bp.get("/assets/<asset_id>")
def asset(asset_id: str) -> ResponseReturnValue:
    try:
        detail = finder.asset(get_store(), asset_id)
    except NotFound:
        abort(404, gettext("There is no such place or activity."))
    first = detail["activities"][0]["activity"] if detail["activities"] else {}
    return render_template("finder/asset.html", **detail, first=first,
                           map=maps.place_map(detail["place"]) if detail["place"] else None)
