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
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue

from assetmap import gazetteer
from assetmap.graph import activities, groups, places
from assetmap.graph.nodes import NodeRepository, NotFound
from assetmap.graph.store import GraphStore
from assetmap.model import (
    ACCESS_NEEDS,
    WEEKDAYS,
    Category,
    InvalidRecord,
    PlaceKind,
)
from assetmap.web.auth import role_required
from assetmap.web.db import get_store
from assetmap.web.forms import as_form, field_errors, values

bp = Blueprint("directory", __name__, url_prefix="/directory")
PER_PAGE = 50
CATEGORIES: tuple[str, ...] = Category.__args__  # type: ignore[attr-defined]
PLACE_KINDS: tuple[str, ...] = PlaceKind.__args__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    widget: str = "text"  # text, textarea, number, time, select, ticks, tick, list, link
    options: tuple[tuple[str, str], ...] = ()
    hint: str | None = None
    required: bool = False


@dataclass(frozen=True)
class Kind:
    """One kind of asset: its repository, form fields and the links its form sets."""

    slug: str
    title: str
    one: str
    repo: NodeRepository
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
            choices=by_widget.get("ticks", []),
            ticks=by_widget.get("tick", []),
        )

    def link_values(self) -> dict[str, str | None]:
        return {name: request.form.get(name, "").strip() or None for name in self.links}


def _pairs(names: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple((name, name.replace("_", " ").capitalize()) for name in names)


NAME_FIELDS = (
    Field("name", "Name", required=True),
    Field("name_cy", "Name in Welsh"),
    Field("description", "Description", "textarea"),
)
KINDS: dict[str, Kind] = {kind.slug: kind for kind in (
    Kind("groups", "Community groups", "group", groups.repo, (
        *NAME_FIELDS,
        Field("description_cy", "Description in Welsh", "textarea"),
        Field("categories", "Kinds of activity", "ticks", _pairs(CATEGORIES)),
        Field("welsh_language", "Runs in Welsh", "tick"),
        Field("email", "Contact e-mail"),
    )),
    Kind("places", "Places", "place", places.repo, (
        *NAME_FIELDS,
        Field("kind", "Kind of place", "select", _pairs(PLACE_KINDS)),
        Field("address", "Address"),
        Field("town", "Town or village"),
        Field("postcode", "Postcode", hint="The map point comes from it unless you give one"),
        Field("lat", "Latitude", "number", hint="Optional, e.g. 52.4490"),
        Field("lon", "Longitude", "number", hint="Optional, e.g. -3.5400"),
        *(Field(need, need.replace("_", " ").capitalize(), "tick") for need in ACCESS_NEEDS),
        Field("opening_hours", "Opening hours", "list",
              hint="Separate with commas: mon 09:00-17:00, sat 10:00-12:00"),
    ), located=True),
    Kind("activities", "Activities", "activity", activities.repo, (
        *NAME_FIELDS,
        Field("description_cy", "Description in Welsh", "textarea"),
        Field("weekday", "Day", "select", tuple((d, d.capitalize()) for d in WEEKDAYS)),
        Field("start", "Starts", "time", required=True),
        Field("end", "Ends", "time", required=True),
        Field("frequency", "How often", "select",
              _pairs(("weekly", "fortnightly", "monthly"))),
        Field("cost_pence", "Cost per session in pence", "number", hint="0 means free"),
        Field("welsh_language", "In Welsh", "tick"),
        Field("categories", "Kinds of activity", "ticks", _pairs(CATEGORIES)),
        Field("age_min", "Youngest age", "number"),
        Field("age_max", "Oldest age", "number"),
        Field("place_id", "Held at (place)", "link", required=True),
        Field("group_id", "Run by (group)", "link"),
    ), links={"place_id": "places", "group_id": "groups"}),
)}


@bp.before_request
@role_required("connector", "coordinator")
def staff_only() -> None:
    """Connectors and coordinators look after the directory (DESIGN.md §6)."""


def _kind(slug: str) -> Kind:
    if slug not in KINDS:
        abort(404, "There is no such part of the directory.")
    return KINDS[slug]


@bp.get("/")
def index() -> ResponseReturnValue:
    counts = get_store().counts()["nodes"]
    from assetmap.interop import csv_import

    return render_template("directory/index.html", kinds=KINDS.values(), counts=counts,
                           templates=csv_import.KINDS)


@bp.get("/templates/<template_kind>.csv")
def csv_template(template_kind: str) -> ResponseReturnValue:
    """A spreadsheet template for ``assetmap import csv`` (``?lang=cy``: Welsh columns)."""
    from assetmap.interop import csv_import

    if template_kind not in csv_import.KINDS:
        abort(404, "There is no such template.")
    lang = "cy" if request.args.get("lang") == "cy" else "en"
    suffix = ".cy" if lang == "cy" else ""
    return Response(csv_import.template(template_kind, lang), mimetype="text/csv",
                    headers={"Content-Disposition":
                             f'attachment; filename="{template_kind}{suffix}.csv"'})


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
    data = kind.form_values()
    if kind.located:
        data = gazetteer.with_point_from_postcode(data, kind.repo.model,
                                        current_app.config["ASSETMAP"].instance_path)
    return data


@bp.route("/<slug>/new", methods=["GET", "POST"])
def create(slug: str) -> ResponseReturnValue:
    kind = _kind(slug)
    errors: dict[str, str] = {}
    shown: dict[str, Any] = {}
    if request.method == "POST":
        shown = _shown(kind)
        try:
            data = {k: v for k, v in _submitted(kind).items() if v is not None}
            created = kind.repo.create(get_store(), data,
                                       **{k: v for k, v in kind.link_values().items() if v})
        except InvalidRecord as exc:
            errors = field_errors(exc)
        else:
            flash(f"{created['name']} is added.", "info")
            return redirect(url_for("directory.list_kind", slug=slug))
    return _form(kind, None, shown, errors)


@bp.route("/<slug>/<node_id>/edit", methods=["GET", "POST"])
def edit(slug: str, node_id: str) -> ResponseReturnValue:
    kind = _kind(slug)
    store = get_store()
    try:
        record = kind.repo.get(store, node_id)
    except NotFound:
        abort(404, f"There is no such {kind.one}.")
    errors: dict[str, str] = {}
    shown = {**as_form(record, [f.name for f in kind.fields if f.widget == "list"]),
             **kind.repo.linked(store, node_id)}
    if request.method == "POST":
        shown = _shown(kind)
        try:
            kind.repo.update(store, node_id, _submitted(kind), **kind.link_values())
        except InvalidRecord as exc:
            errors = field_errors(exc)
        else:
            flash("Changes saved.", "info")
            return redirect(url_for("directory.list_kind", slug=slug))
    return _form(kind, record, shown, errors)


def _shown(kind: Kind) -> dict[str, Any]:
    """What the user sent, to show again in the form."""
    ticks = {f.name for f in kind.fields if f.widget == "ticks"}
    return {name: request.form.getlist(name) if name in ticks else request.form.get(name)
            for name in request.form}


def _form(kind: Kind, record: dict | None, shown: dict[str, Any],
          errors: dict[str, str]) -> ResponseReturnValue:
    return render_template("directory/form.html", kind=kind, record=record, values=shown,
                           errors=errors, link_options=_link_options(get_store(), kind),
                           ), 400 if errors else 200


@bp.post("/<slug>/<node_id>/delete")
def delete(slug: str, node_id: str) -> ResponseReturnValue:
    kind = _kind(slug)
    store = get_store()
    try:
        kind.repo.delete(store, node_id)
    except NotFound:
        abort(404, f"There is no such {kind.one}.")
    except InvalidRecord as exc:
        flash(f"Not removed: {exc.problem}.", "error")
        return redirect(url_for("directory.edit", slug=slug, node_id=node_id))
    flash(f"The {kind.one} is removed.", "info")
    return redirect(url_for("directory.list_kind", slug=slug))
