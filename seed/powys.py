"""Facts about Powys the synthetic community is built on (sources in seed/README.md)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Settlement:
    name: str
    name_cy: str
    lat: float
    lon: float
    population: int  # approximate usual residents of the town or village
    district: str  # postcode district (outward code)
    welsh: float  # relative likelihood of Welsh speakers, 1.0 = county average


# Town-centre coordinates (WGS84), rounded; populations rounded. Welsh weights follow the
# published pattern: strongest in the north-west (Machynlleth, Llanbrynmair, the Tanat
# valley) and the Swansea valley edge, weakest along the English border in Radnorshire.
SETTLEMENTS: tuple[Settlement, ...] = (
    Settlement("Newtown", "Y Drenewydd", 52.5132, -3.3141, 11400, "SY16", 0.8),
    Settlement("Brecon", "Aberhonddu", 51.9466, -3.3914, 8300, "LD3", 0.8),
    Settlement("Ystradgynlais", "Ystradgynlais", 51.7810, -3.7520, 8100, "SA9", 1.7),
    Settlement("Welshpool", "Y Trallwng", 52.6596, -3.1469, 6700, "SY21", 0.6),
    Settlement("Llandrindod Wells", "Llandrindod", 52.2420, -3.3790, 5300, "LD1", 0.6),
    Settlement("Knighton", "Tref-y-Clawdd", 52.3434, -3.0490, 3000, "LD7", 0.35),
    Settlement("Llanidloes", "Llanidloes", 52.4490, -3.5400, 2900, "SY18", 1.2),
    Settlement("Presteigne", "Llanandras", 52.2733, -3.0060, 2700, "LD8", 0.3),
    Settlement("Builth Wells", "Llanfair-ym-Muallt", 52.1500, -3.4040, 2600, "LD2", 0.9),
    Settlement("Machynlleth", "Machynlleth", 52.5906, -3.8517, 2200, "SY20", 3.2),
    Settlement("Crickhowell", "Crucywel", 51.8600, -3.1370, 2100, "NP8", 0.5),
    Settlement("Rhayader", "Rhaeadr Gwy", 52.3020, -3.5100, 2100, "LD6", 1.0),
    Settlement("Kerry", "Ceri", 52.4960, -3.2600, 2000, "SY16", 0.6),
    Settlement("Talgarth", "Talgarth", 51.9960, -3.2330, 1700, "LD3", 0.6),
    Settlement("Hay-on-Wye", "Y Gelli Gandryll", 52.0740, -3.1250, 1600, "HR3", 0.3),
    Settlement("Llanfair Caereinion", "Llanfair Caereinion", 52.6480, -3.3270, 1600, "SY21", 2.0),
    Settlement("Llanfyllin", "Llanfyllin", 52.7660, -3.2740, 1500, "SY22", 1.5),
    Settlement("Caersws", "Caersws", 52.5160, -3.4320, 1500, "SY17", 1.1),
    Settlement("Montgomery", "Trefaldwyn", 52.5620, -3.1490, 1300, "SY15", 0.4),
    Settlement("Berriew", "Aberriw", 52.5970, -3.1990, 1300, "SY21", 0.9),
    Settlement("Llansantffraid-ym-Mechain", "Llansanffraid-ym-Mechain", 52.7730, -3.1560,
               1200, "SY22", 1.0),
    Settlement("Churchstoke", "Yr Ystog", 52.5370, -3.0680, 1100, "SY15", 0.3),
    Settlement("Abercrave", "Aber-craf", 51.8070, -3.7000, 1100, "SA9", 2.0),
    Settlement("Llanwrtyd Wells", "Llanwrtyd", 52.1070, -3.6370, 850, "LD5", 1.4),
    Settlement("Llanbrynmair", "Llanbrynmair", 52.6090, -3.6280, 900, "SY19", 3.5),
    Settlement("Sennybridge", "Pontsenni", 51.9450, -3.5700, 800, "LD3", 1.5),
    Settlement("Llanrhaeadr-ym-Mochnant", "Llanrhaeadr-ym-Mochnant", 52.8240, -3.3000, 900,
               "SY10", 2.6),
    Settlement("Meifod", "Meifod", 52.7050, -3.2490, 800, "SY22", 1.8),
    Settlement("Llangurig", "Llangurig", 52.4060, -3.6040, 600, "SY18", 1.6),
    Settlement("Carno", "Carno", 52.5560, -3.5370, 700, "SY17", 2.0),
    Settlement("Tregynon", "Tregynon", 52.5650, -3.3360, 700, "SY16", 1.2),
    Settlement("New Radnor", "Maesyfed", 52.2420, -3.1560, 400, "LD8", 0.3),
    Settlement("Llanelwedd", "Llanelwedd", 52.1550, -3.3950, 500, "LD2", 0.9),
    Settlement("Clyro", "Cleirwy", 52.0840, -3.1560, 600, "HR3", 0.3),
    Settlement("Llangors", "Llan-gors", 51.9300, -3.2640, 600, "LD3", 0.7),
    Settlement("Abermule", "Aber-miwl", 52.5460, -3.2350, 700, "SY15", 0.6),
    Settlement("Llangynidr", "Llangynidr", 51.8680, -3.2290, 1000, "NP8", 0.6),
)

# Census 2021 usual residents of Powys (rounded), and the size an LSOA is drawn to (the
# ONS designs them for 1,000 to 3,000 residents, about 1,500): the seed's area populations
# are these public figures, never a count of the people it generates (that would be the
# count of people recorded, which the figures withhold when small)
POPULATION = 133_200
LSOA_RESIDENTS = 1_500

# Powys local authority and health board (ONS / Welsh Government codes)
LOCAL_AUTHORITY = ("W06000023", "Powys", "Powys")
HEALTH_BOARD = ("W11000024", "Powys Teaching Health Board", "Bwrdd Iechyd Addysgu Powys")

# Census 2021, Powys (rounded; see seed/README.md)
AGE_BANDS: tuple[tuple[int, int, float], ...] = (
    (0, 15, 0.156),
    (16, 24, 0.085),
    (25, 44, 0.195),
    (45, 64, 0.285),
    (65, 74, 0.145),
    (75, 84, 0.095),
    (85, 100, 0.039),
)
WELSH_SPEAKERS = 0.164  # aged 3+, able to speak Welsh
HOUSEHOLD_SIZES: tuple[tuple[int, float], ...] = (
    (1, 0.31), (2, 0.38), (3, 0.14), (4, 0.12), (5, 0.05),
)
UNPAID_CARERS = 0.107  # share of residents aged 5+ giving unpaid care
# Census 2021 bands of unpaid care per week, as shares of carers
CARE_HOURS: tuple[tuple[float, float, float], ...] = (
    (4.0, 19.0, 0.45),
    (20.0, 49.0, 0.22),
    (50.0, 90.0, 0.33),
)
COUNTRYSIDE_SHARE = 0.3  # people living outside the settlements above

FIRST_NAMES = (
    "Aled", "Alun", "Angharad", "Anwen", "Arwel", "Beca", "Bethan", "Bryn", "Cadi", "Carys",
    "Catrin", "Ceri", "Dafydd", "Delyth", "Dewi", "Dylan", "Eirlys", "Eleri", "Elin", "Emyr",
    "Ffion", "Gareth", "Geraint", "Glenys", "Gwen", "Gwenllian", "Gwilym", "Gwyneth", "Hefin",
    "Huw", "Iestyn", "Ieuan", "Ifan", "Iolo", "Llinos", "Lowri", "Mabli", "Mair", "Mared",
    "Meinir", "Megan", "Morgan", "Nia", "Nerys", "Osian", "Owain", "Rhian", "Rhodri", "Rhys",
    "Sioned", "Siân", "Steffan", "Tomos", "Tegan", "Wyn", "Alice", "Amelia", "Ann", "Barbara",
    "Brian", "Charlotte", "Christine", "David", "Elizabeth", "Emily", "Freya", "George",
    "Harry", "Jack", "James", "Jean", "John", "Joyce", "Julie", "Karen", "Linda", "Margaret",
    "Mark", "Mary", "Michael", "Noah", "Oliver", "Olivia", "Patricia", "Paul", "Peter",
    "Richard", "Robert", "Ruby", "Sarah", "Susan", "Thomas", "William", "Zofia", "Tomasz",
)
SURNAMES = (
    "Jones", "Davies", "Williams", "Evans", "Thomas", "Roberts", "Hughes", "Lewis", "Morgan",
    "Griffiths", "Price", "Powell", "Pryce", "Bowen", "Owen", "Rees", "Lloyd", "Jenkins",
    "Parry", "Vaughan", "Watkins", "Morris", "Edwards", "Pugh", "Probert", "Meredith",
    "Bevan", "Gittins", "Breeze", "Humphreys", "Mills", "Smith", "Brown", "Taylor", "Wilson",
    "Hamer", "Corfield", "Bennett", "Preece", "Kinsey", "Nowak", "Ashton",
)

INTERESTS = (
    "singing", "walking", "gardening", "knitting", "reading", "local history", "cooking",
    "chapel", "rugby", "football", "birdwatching", "crafts", "computers", "painting",
    "dancing", "bowls", "fishing", "farming", "music", "films", "baking", "woodwork",
)
GIFTS = (
    "driving", "cooking", "listening", "gardening", "DIY", "computer help", "baking",
    "knitting", "music", "teaching Welsh", "shopping", "dog walking", "paperwork help",
)
NEEDS = (
    "transport", "shopping", "company", "digital help", "gardening help",
    "lifts to appointments", "someone to talk to", "help with paperwork",
)
PROFESSIONS = (
    "care worker", "care worker", "care worker", "district nurse", "GP",
    "social worker", "occupational therapist", "community connector",
)
