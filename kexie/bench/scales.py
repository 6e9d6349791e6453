"""The sizes of the generated data sets (``kexie bench generate --scale``).

``national`` follows the association system's real orders of magnitude (``DOMAIN.md``): about
3,200 associations (1 national, 31 provincial, ~340 city, ~2,900 county), 4,000+ societies,
tens of thousands of townships, grassroots associations and society branches, one or two
accounts per organisation, ~100,000 tracked tasks and over a million progress reports.
``province`` is one province of that network under the national association; ``small`` is a
toy network for CI that keeps every kind of row.
"""

import datetime as dt
from dataclasses import dataclass

# Every plan runs over these two years, reported monthly; the generated world stands on TODAY,
# when 13 cycles have closed (2025-01 .. 2026-01) and the 14th is open.
PERIOD_START = dt.date(2025, 1, 1)
PERIOD_END = dt.date(2026, 12, 31)
TODAY = dt.date(2026, 2, 10)
BENCH_PASSWORD = "Kexie@bench2026"


@dataclass(frozen=True)
class Scale:
    name: str
    provinces: int
    cities: tuple[int, int]  # per province, inclusive range
    counties: tuple[int, int]  # per city
    townships: int  # per county
    grassroots_county: int  # rural / enterprise / park associations per county
    grassroots_city: int
    grassroots_province: int
    national_societies: int
    branches_national: int  # per national society
    provincial_societies: int  # per province
    branches_provincial: int
    city_societies: int  # per city
    tasks: dict  # own plan size per level: national / province / city / county / society
    handed_down: dict  # tasks each level hands to every organisation one level down


SCALES = {
    "small": Scale(
        name="small", provinces=2, cities=(2, 2), counties=(2, 2), townships=1, grassroots_county=1,
        grassroots_city=1, grassroots_province=1, national_societies=3, branches_national=2,
        provincial_societies=2, branches_provincial=1, city_societies=1,
        tasks={"national": 12, "province": 8, "city": 6, "county": 4, "national_society": 3,
               "provincial_society": 2},
        handed_down={"national": 4, "province": 3, "city": 2},
    ),
    "province": Scale(
        name="province", provinces=1, cities=(10, 12), counties=(6, 11), townships=4, grassroots_county=3,
        grassroots_city=4, grassroots_province=6, national_societies=20, branches_national=10,
        provincial_societies=40, branches_provincial=2, city_societies=8,
        tasks={"national": 120, "province": 60, "city": 30, "county": 14, "national_society": 10,
               "provincial_society": 5},
        handed_down={"national": 40, "province": 20, "city": 10},
    ),
    "national": Scale(
        name="national", provinces=31, cities=(10, 12), counties=(6, 11), townships=4, grassroots_county=3,
        grassroots_city=4, grassroots_province=6, national_societies=210, branches_national=10,
        provincial_societies=40, branches_provincial=2, city_societies=8,
        tasks={"national": 120, "province": 60, "city": 30, "county": 14, "national_society": 10,
               "provincial_society": 5},
        handed_down={"national": 40, "province": 20, "city": 10},
    ),
}
