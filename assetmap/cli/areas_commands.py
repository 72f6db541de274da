"""``assetmap`` commands: Official areas, and place lookups."""

from __future__ import annotations

from typing import Any

import click

from assetmap import gazetteer
from assetmap.cli import (
    _,
    _language,
    _store,
    main,
)
from assetmap.i18n import translate_plural
from assetmap.model import AREA_LEVELS


@main.group("areas", help=_(
    "Official area boundaries: load them, and place every person and place in them."))
def areas_group() -> None:
    pass


@areas_group.command("import", help=_(
    "Load area boundaries from a GeoJSON FILE at --level (new areas are added, areas with "
    "the same code replaced), join each to its parent by containment, and place every "
    "person and place again. --wales loads the shipped ONS boundaries instead: Wales's 22 "
    "local authorities and 7 health boards, and Powys's LSOAs, MSOAs and wards."))
@click.argument("geojson_file", required=False, type=click.Path(dir_okay=False))
@click.option("--level", type=click.Choice(AREA_LEVELS), default=None)
@click.option("--wales", is_flag=True, help=_("The boundaries shipped with assetmap."))
@click.option("--code-field", default="code", show_default=True,
              help=_("The feature property holding the area's code (e.g. LSOA21CD)."))
@click.option("--name-field", default="name", show_default=True,
              help=_("The feature property holding its English name (e.g. LSOA21NM)."))
@click.option("--name-cy-field", default="name_cy", show_default=True,
              help=_("The feature property holding its Welsh name, if any (e.g. LSOA21NMW)."))
@click.pass_context
def areas_import(ctx: click.Context, geojson_file: str | None, level: str | None, wales: bool,
                 code_field: str, name_field: str, name_cy_field: str) -> None:
    from assetmap import boundaries
    from assetmap.services import areas

    if wales == bool(geojson_file):
        raise click.UsageError(_("give a GEOJSON_FILE with --level, or --wales"))
    if geojson_file and not level:
        raise click.UsageError(_("--level: say which level the file's areas are"))
    found = (boundaries.bundled() if wales else boundaries.read_geojson(
        geojson_file, level or "", code_field, name_field, name_cy_field))
    with _store(ctx) as store:
        counts = areas.import_areas(store, found)
    click.echo(_("%(areas)s areas loaded; %(placed)s", areas=f"{counts['areas']:,}",
                 placed=_placed(counts)))


@areas_group.command("place", help=_(
    "Place every person and place in the areas loaded, from their points (after an import "
    "from an older version, or to check)."))
@click.pass_context
def areas_place(ctx: click.Context) -> None:
    from assetmap.services import areas

    with _store(ctx) as store:
        counts = areas.place_everything(store)
    click.echo(_placed(counts))


def _placed(counts: dict[str, int]) -> str:
    """How many people and places were placed, and how many fell outside every area."""
    return _("%(people)s people and %(places)s places placed (outside the areas loaded: "
             "%(people_out)s people, %(places_out)s places)",
             people=f"{counts['Person']:,}", places=f"{counts['Place']:,}",
             people_out=f"{counts['Person_outside']:,}",
             places_out=f"{counts['Place_outside']:,}")


@main.group(help=_(
    "Place lookups for the finder and for people's homes."))
def geo() -> None:
    pass


@geo.command("import-onspd", help=_(
    "Load the ONS Postcode Directory CSV so full postcodes resolve to their own point. "
    "Replaces any earlier table whole; without it, postcode districts and place names work."))
@click.argument("csv_file", type=click.File("r", encoding="utf-8-sig"))
@click.pass_context
def geo_import_onspd(ctx: click.Context, csv_file: Any) -> None:
    count = gazetteer.import_onspd(ctx.obj.instance_path, csv_file)
    if count == 0:
        raise click.ClickException("csv_file: no live postcode with a location in the file")
    click.echo(translate_plural("loaded %(num)s postcode into %(path)s",
                                "loaded %(num)s postcodes into %(path)s", count, _language(),
                                path=gazetteer.onspd_path(ctx.obj.instance_path)))
