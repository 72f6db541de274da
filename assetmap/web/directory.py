"""Staff pages for the asset directory: list, add, change and remove groups, places and
activities. One set of views serves the three kinds; each kind says which fields its form
has and how a browser sends them. The field rules are the model's."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext, lazy_gettext
from flask_login import current_user

from assetmap.boundaries import WALES
from assetmap.i18n import N_
from assetmap.model import InvalidRecord
from assetmap.names import (
    ACCESS_NAMES,
    CATEGORY_NAMES,
    DELIVERY_NAMES,
    FREQUENCY_NAMES,
    PLACE_KIND_NAMES,
    WEEKDAY_NAMES,
)
from assetmap.services import GraphStore, NotFound, areas, directory
from assetmap.web.auth import role_required
from assetmap.web.db import get_store, instance_path
from assetmap.web.filters import local
from assetmap.web.forms import as_form, field_errors, values

bp = Blueprint("directory", __name__, url_prefix="/directory")
TEMPLATE_TITLES = {"people": N_("People"), "ties": N_("Ties"), "groups": N_("Groups"),
                   "places": N_("Places"), "activities": N_("Activities")}
PER_PAGE = 50


Text = Any  # a lazy_gettext string: read in the page's language when shown


@dataclass(frozen=True)
class Field:
    name: str
    label: Text
    # text, textarea, number, time, select, ticks, tick, answer (yes, no or not known),
    # list, link
    widget: str = "text"
    options: tuple[tuple[str, Text], ...] = ()
    hint: Text | None = None
    required: bool = False


@dataclass(frozen=True)
class Kind:
    """One kind of asset: its repository, form fields and the links its form sets."""

    slug: str
    title: Text
    #: "Add a group": the button, and the form's heading
    add: Text
    #: "There is no such group." and "The group is removed."
    missing: Text
    removed: Text
    repo: directory.Repository
    fields: tuple[Field, ...]
    links: dict[str, str] = field(default_factory=dict)  # link field -> kind it points at
    located: bool = False

    def form_values(self) -> dict[str, Any]:
        by_widget: dict[str, list[str]] = {}
        for f in self.fields:
            by_widget.setdefault(f.widget, []).append(f.name)
        return values(
            request.form,
            text=by_widget.get("text", []) + by_widget.get("textarea", [])
            + by_widget.get("select", []) + by_widget.get("time", []),
            numbers=by_widget.get("number", []),
            lists=by_widget.get("list", []),
            choices=by_widget.get("ticks", []) + by_widget.get("areas", []),
            ticks=by_widget.get("tick", []),
            answers=by_widget.get("answer", []),
        )

    def link_values(self) -> dict[str, str | None]:
        return {name: request.form.get(name, "").strip() or None for name in self.links}


def _choices(names: dict[str, str]) -> tuple[tuple[str, Text], ...]:
    return tuple((code, lazy_gettext(name)) for code, name in names.items())


_ = lazy_gettext  # the labels below are read in the page's language when a form is shown
NAME_FIELDS = (
    Field("name", _("Name"), required=True),
    Field("name_cy", _("Name in Welsh")),
    Field("description", _("Description"), "textarea"),
)
KINDS: dict[str, Kind] = {kind.slug: kind for kind in (
    Kind("groups", _("Community groups"), _("Add a group"), _("There is no such group."),
         _("The group is removed."), directory.REPOSITORIES["groups"], (
        *NAME_FIELDS,
        Field("description_cy", _("Description in Welsh"), "textarea"),
        Field("categories", _("Kinds of activity"), "ticks", _choices(CATEGORY_NAMES)),
        Field("welsh_language", _("Runs in Welsh"), "tick"),
        Field("email", _("Contact e-mail"),
              hint=_("Its organisers' address: a link to claim the listing goes to it")),
        Field("paused_since", _("Paused since"),
              hint=_("A date like 2026-12-01 when it has stopped meeting for now; empty "
                     "when it meets")),
    )),
    Kind("places", _("Places"), _("Add a place"), _("There is no such place."),
         _("The place is removed."), directory.REPOSITORIES["places"], (
        *NAME_FIELDS,
        Field("description_cy", _("Description in Welsh"), "textarea"),
        Field("kind", _("Kind of place"), "select", _choices(PLACE_KIND_NAMES)),
        Field("address", _("Address")),
        Field("town", _("Town or village")),
        Field("postcode", _("Postcode"),
              hint=_("The map point comes from it unless you give one")),
        Field("lat", _("Latitude"), "number", hint=_("Optional, e.g. 52.4490")),
        Field("lon", _("Longitude"), "number", hint=_("Optional, e.g. -3.5400")),
        *(Field(need, lazy_gettext(name), "answer") for need, name in ACCESS_NAMES.items()),
        Field("opening_hours", _("Opening hours"), "list",
              hint=_("Separate with commas: mon 09:00-17:00, sat 10:00-12:00")),
        Field("email", _("Contact e-mail"),
              hint=_("Whoever looks after it: a link to claim the listing goes to it")),
    ), located=True),
    Kind("activities", _("Activities"), _("Add an activity"), _("There is no such activity."),
         _("The activity is removed."), directory.REPOSITORIES["activities"], (
        *NAME_FIELDS,
        Field("description_cy", _("Description in Welsh"), "textarea"),
        Field("weekday", _("Day"), "select", _choices(WEEKDAY_NAMES),
              hint=_("Leave it and the times empty when they are not known")),
        Field("start", _("Starts"), "time"),
        Field("end", _("Ends"), "time"),
        Field("frequency", _("How often"), "select", _choices(FREQUENCY_NAMES)),
        Field("cost_pence", _("Cost per session in pence"), "number",
              hint=_("0 means free; leave it empty when the cost is not known")),
        Field("welsh_language", _("In Welsh"), "answer"),
        Field("categories", _("Kinds of activity"), "ticks", _choices(CATEGORY_NAMES)),
        Field("age_min", _("Youngest age"), "number"),
        Field("age_max", _("Oldest age"), "number"),
        Field("place_id", _("Held at (place)"), "link",
              hint=_("Leave it empty for something by phone, online or at home")),
        Field("delivery", _("Without a venue, it reaches people"), "ticks",
              _choices({k: v for k, v in DELIVERY_NAMES.items() if k != "in_person"})),
        Field("service_areas", _("For people in"), "areas",
              hint=_("For something without a venue; none ticked: wherever they live")),
        Field("reach_km", _("Or: reaches people within (km)"), "number",
              hint=_("For home visits, say: how far it goes from its base")),
        Field("base_postcode", _("Its base, by postcode"),
              hint=_("Where that distance is measured from")),
        Field("group_id", _("Run by (group)"), "link"),
        Field("email", _("Contact e-mail")),
        Field("cancelled_dates", _("Not on these dates"), "list",
              hint=_("Separate with commas: 2026-12-24, 2026-12-31")),
        Field("ended_on", _("Ended on"), hint=_("A date like 2027-03-31 when it stops for good")),
    ), links={"place_id": "places", "group_id": "groups"}),
)}
del _


@bp.before_request
@role_required("connector", "coordinator")
def staff_only() -> None:
    """Connectors and coordinators look after the directory (DESIGN.md §6)."""


def _kind(slug: str) -> Kind:
    if slug not in KINDS:
        abort(404, gettext("There is no such part of the directory."))
    return KINDS[slug]


@bp.get("/")
def index() -> ResponseReturnValue:
    counts = get_store().counts()["nodes"]
    from assetmap.services import csv_import

    return render_template("directory/index.html", kinds=KINDS.values(), counts=counts,
                           templates={kind: gettext(TEMPLATE_TITLES[kind])
                                      for kind in csv_import.KINDS})


@bp.get("/templates/<template_kind>.csv")
def csv_template(template_kind: str) -> ResponseReturnValue:
    """A spreadsheet template for ``assetmap import csv`` (``?columns=cy``: Welsh columns)."""
    from assetmap.services import csv_import

    if template_kind not in csv_import.KINDS:
        abort(404, gettext("There is no such template."))
    lang = "cy" if request.args.get("columns") == "cy" else "en"
    suffix = ".cy" if lang == "cy" else ""
    return Response(csv_import.template(template_kind, lang), mimetype="text/csv",
                    headers={"Content-Disposition":
                             f'attachment; filename="{template_kind}{suffix}.csv"'})


@bp.get("/claims")
def claims() -> ResponseReturnValue:
    """Requests to look after a listing, for the staff of the organisation that recorded it
    (or any staff, for a listing no organisation recorded)."""
    from assetmap.services import providers

    waiting = providers.waiting(get_store(), current_user.organisation_id)
    return render_template("directory/claims.html", claims=waiting, SLUGS=providers.SLUGS)


@bp.post("/claims/<claim_id>")
def decide_claim(claim_id: str) -> ResponseReturnValue:
    from assetmap.services import providers
    from assetmap.web import auditing, mailing

    approve = request.form.get("decision") == "approve"
    try:
        message = providers.decide(get_store(), claim_id, approve, current_user.viewer,
                                   mailing.links(), auditing.acting())
    except NotFound:
        abort(404, gettext("There is no such request."))
    except InvalidRecord as exc:
        flash(gettext("Not decided: %(problem)s.", problem=exc.problem), "error")
        return redirect(url_for("directory.claims"))
    mailing.send(message)
    flash(gettext("Approved: a link is on its way to them.") if approve else
          gettext("Declined: they are told by e-mail."), "info")
    return redirect(url_for("directory.claims"))


@bp.get("/<slug>/")
def list_kind(slug: str) -> ResponseReturnValue:
    kind = _kind(slug)
    text = request.args.get("q", "").strip()
    page = max(1, request.args.get("page", 1, type=int))
    rows, total = kind.repo.search(get_store(), text, (page - 1) * PER_PAGE, PER_PAGE)
    return render_template("directory/list.html", kind=kind, rows=rows, total=total,
                           page=page, pages=max(1, -(-total // PER_PAGE)), q=text)


def _link_options(store: GraphStore, kind: Kind) -> dict[str, list[dict]]:
    return {name: KINDS[target].repo.names(store) for name, target in kind.links.items()}


def _submitted(kind: Kind) -> dict[str, Any]:
    return kind.form_values()



@bp.route("/<slug>/new", methods=["GET", "POST"])
def create(slug: str) -> ResponseReturnValue:
    kind = _kind(slug)
    errors: dict[str, str] = {}
    shown: dict[str, Any] = {}
    if request.method == "POST":
        shown = submitted_shown(kind)
        try:
            data = {k: v for k, v in _submitted(kind).items() if v is not None}
            created = directory.create(get_store(), kind.repo, data, instance_path(), "staff",
                                       recorded_by_id=current_user.organisation_id,
                                       **{k: v for k, v in kind.link_values().items() if v})
        except InvalidRecord as exc:
            errors = field_errors(exc)
        else:
            flash(gettext("%(name)s is added.", name=created["name"]), "info")
            return redirect(url_for("directory.list_kind", slug=slug))
    return form_page(kind, None, shown, errors)


@bp.route("/<slug>/<node_id>/edit", methods=["GET", "POST"])
def edit(slug: str, node_id: str) -> ResponseReturnValue:
    kind = _kind(slug)
    store = get_store()
    try:
        record = kind.repo.get(store, node_id)
    except NotFound:
        abort(404, str(kind.missing))
    errors: dict[str, str] = {}
    shown = shown_record(kind, record, node_id)
    if request.method == "POST":
        shown = submitted_shown(kind)
        try:
            directory.update(store, kind.repo, node_id, _submitted(kind), instance_path(),
                             "staff", **kind.link_values())
        except InvalidRecord as exc:
            errors = field_errors(exc)
        else:
            flash(gettext("Changes saved."), "info")
            return redirect(url_for("directory.list_kind", slug=slug))
    return form_page(kind, record, shown, errors)


def shown_record(kind: Kind, record: dict[str, Any], node_id: str) -> dict[str, Any]:
    """A stored listing as its form shows it."""
    return {**as_form(record, [f.name for f in kind.fields if f.widget == "list"],
                      [f.name for f in kind.fields if f.widget == "answer"]),
            **kind.repo.linked(get_store(), node_id)}


def submitted_shown(kind: Kind) -> dict[str, Any]:
    """What the user sent, to show again in the form."""
    ticks = {f.name for f in kind.fields if f.widget in ("ticks", "areas")}
    return {name: request.form.getlist(name) if name in ticks else request.form.get(name)
            for name in request.form}


def form_page(kind: Kind, record: dict | None, shown: dict[str, Any],
              errors: dict[str, str], **page: Any) -> ResponseReturnValue:
    """A listing's form (staff's, or a provider's with ``cancel_url`` and ``removable``)."""
    return render_template("directory/form.html", kind=kind, record=record, values=shown,
                           errors=errors, **form_options(kind), **page), 400 if errors else 200


def form_options(kind: Kind) -> dict[str, Any]:
    """What a listing's fields offer to choose from: the places and groups to link, the
    areas a service without a venue is offered in."""
    return {"link_options": _link_options(get_store(), kind),
            "area_options": _area_options(kind)}



def _area_options(kind: Kind) -> list[tuple[str, str]]:
    """The areas a service without a venue may be offered in: Wales, its health boards
    and local authorities, in the page's language."""
    if not any(f.widget == "areas" for f in kind.fields):
        return []
    store = get_store()
    found = [(level, area) for level in ("health_board", "local_authority")
             for area in areas.at_level(store, level)]
    return [(WALES["id"], local(WALES["name"], WALES["name_cy"])),
            *((area["id"], local(area["name"], area.get("name_cy"))) for _, area in found)]


@bp.post("/<slug>/<node_id>/delete")
def delete(slug: str, node_id: str) -> ResponseReturnValue:
    kind = _kind(slug)
    store = get_store()
    try:
        directory.delete(store, kind.repo, node_id)
    except NotFound:
        abort(404, str(kind.missing))
    except InvalidRecord as exc:
        flash(gettext("Not removed: %(problem)s.", problem=exc.problem), "error")
        return redirect(url_for("directory.edit", slug=slug, node_id=node_id))
    flash(str(kind.removed), "info")
    return redirect(url_for("directory.list_kind", slug=slug))
