"""Published figures for Wales that a community's records can be set beside.

Each figure says what it is a share of, where it was published, and how near a synthetic
community should come (``tolerance``, in percentage points). ``assetmap analyse`` puts
the community's own shares beside them (``compared_with_published`` in its summary): for
the seeded community a check that it looks like Wales, for real records a sense of how
much of the picture has been recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FIGURES", "Published"]


@dataclass(frozen=True)
class Published:
    measure: str
    share: float  # percent
    of: str
    source: str
    tolerance: float  # percentage points a seeded community should come within


FIGURES: tuple[Published, ...] = (
    Published("living_alone", 13.8, "usual residents",
              "Census 2021: 429,559 one-person households (31.9% of households; Welsh "
              "Government, Demography and migration in Wales) over 3,107,494 residents "
              "(TS009); derived, not itself published", 3.0),
    Published("unpaid_carers", 10.5, "usual residents aged 5 and over",
              "ONS, Unpaid care, England and Wales: Census 2021 (TS039), age-standardised",
              3.0),
    Published("carers_50_hours_plus", 3.6, "usual residents aged 5 and over",
              "ONS, Unpaid care, England and Wales: Census 2021 (TS039), age-standardised",
              2.0),
    Published("welsh_speakers", 17.8, "usual residents aged 3 and over",
              "ONS, Welsh language, Wales: Census 2021 (TS033); Powys 16.4%", 4.0),
    Published("at_risk_of_isolation", 13.0, "people assessed",
              "Public Health Wales (18 February 2026): 13% of people aged 16+ socially "
              "isolated (Time to Talk Public Health panel); the National Survey for Wales "
              "finds 13% lonely (10-11% of those aged 65+)", 5.0),
)
