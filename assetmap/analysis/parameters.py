"""Every threshold and weight the analysis uses, in one frozen place.

The rules (:mod:`~assetmap.analysis.lsns6`, :mod:`~assetmap.analysis.circles`,
:mod:`~assetmap.analysis.isolation`, :mod:`~assetmap.analysis.hotspots`,
:mod:`~assetmap.analysis.suggestions`, :mod:`~assetmap.analysis.community`), the reasons
they give, the exports and the record stored on every ``AnalysisRun`` all read
:data:`PARAMETERS`, so the record of a run is what the run used.

>>> PARAMETERS.lsns6_at_risk_below, PARAMETERS.suppress_below
(12, 5)
>>> PARAMETERS.as_record()["carer_hours_bands"]
[20, 50]
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any

__all__ = ["PARAMETERS", "Parameters"]


def _frozen(mapping: dict) -> Any:
    return field(default_factory=lambda: MappingProxyType(dict(mapping)))


@dataclass(frozen=True)
class Parameters:
    # -- LSNS-6 (Lubben et al. 2006): six items scored 0-5, total 0-30
    #: a total below this is at risk of social isolation (the published cut-off)
    lsns6_at_risk_below: int = 12
    #: a family or friends subscale (0-15) below this is low
    lsns6_subscale_low_below: int = 6
    #: the export's bands: at risk below the cut-off, low below this, good from it
    lsns6_good_from: int = 18
    #: the scale was validated with community-dwelling people aged 65 and over (Lubben et
    #: al. 2006, The Gerontologist 46(4): 503-513; samples in Hamburg, Solothurn and
    #: London): nobody younger, or of unknown age, gets a score
    lsns6_min_age: int = 65
    #: without a questionnaire or a "what matters" conversation, the estimate from ties is
    #: made only when at least this many people are recorded in the circle (paid included)
    estimate_needs_people: int = 3
    #: the proxy counts a tie for "can talk to about private matters" in circle 1 or from
    #: this closeness (1-5), and for "can call on for help" up to this circle
    lsns6_private_strength_from: int = 4
    lsns6_help_circles_up_to: int = 2

    # -- circles of support (Forest, Pearpoint and Snow)
    #: natural support weight of a tie by circle, times its contact weight
    circle_weight: MappingProxyType = _frozen({1: 3.0, 2: 2.0, 3: 1.0})
    contact_weight: MappingProxyType = _frozen(
        {"daily": 1.0, "weekly": 1.0, "monthly": 0.75, "yearly": 0.25, "rarely": 0.1})
    #: a tie whose contact is not recorded weighs by its circle alone, and one in circles
    #: 1-2 counts as close: what was not recorded never makes a circle look fragile
    contact_weight_not_known: float = 1.0
    #: an unpaid carer weighs as circle 1 seen daily
    carer_weight: float = 3.0
    #: the circle of paid support (exchange)
    paid_circle: int = 4
    #: contact at least monthly: the LSNS-6's "see or hear from at least once a month", and
    #: with a circle up to ``close_circles_up_to`` a *close* tie (fragile-circle rule)
    monthly_contact: tuple[str, ...] = ("daily", "weekly", "monthly")
    close_circles_up_to: int = 2
    #: a circle is fragile when losing one person loses more than this share of support
    fragile_share: float = 2 / 3

    # -- carers: the Census 2021 bands of unpaid care (19 or less, 20-49, 50 or more)
    carer_substantial_hours: int = 20
    carer_heavy_hours: int = 50
    #: a carer's own natural circle (besides those they care for) is thin below this
    carer_thin_circle_below: int = 3

    # -- areas
    #: counts from 1 to this minus one are withheld, and any figure revealing one
    suppress_below: int = 5
    urban_reach_m: float = 1600.0
    rural_reach_m: float = 8000.0
    #: residents per km² from which a small area counts as urban
    urban_density_per_km2: float = 400.0
    #: how many reaches away a home's nearest suitable activity is looked for
    nearest_search_reaches: int = 4
    #: area access counts activities open to someone of this age
    access_age: int = 65

    # -- suggestions
    peer_near_m: float = 10_000.0
    exchange_near_m: float = 5_000.0
    #: dearer than this (pence) scores nothing for cost
    full_cost_pence: int = 1000
    #: activities looked at around a home when ranking the nearest
    nearest_candidates: int = 8

    # -- whole community
    bridging_threshold: float = 0.5
    bridging_min_degree: int = 4

    def as_record(self) -> dict[str, Any]:
        """The parameters as stored on an AnalysisRun: plain JSON values."""
        record = {f.name: getattr(self, f.name) for f in fields(self)}
        record["circle_weight"] = {str(k): v for k, v in self.circle_weight.items()}
        record["contact_weight"] = dict(self.contact_weight)
        record["monthly_contact"] = list(self.monthly_contact)
        record["fragile_share"] = round(self.fragile_share, 3)
        record["carer_hours_bands"] = [self.carer_substantial_hours, self.carer_heavy_hours]
        return record


PARAMETERS = Parameters()
