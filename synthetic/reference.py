"""Reference feed: England's authorities (the North East's twelve with their statistical neighbours, then the other
regions') and a 0-17 population for the generated authority.

`ENGLAND` holds the 153 local authorities with children's services in England by their DfE 3-digit LA code, with
their ONS GSS code, name and region (public codes and names); the 0-17 populations in `_OTHER_REGIONS` are rounded
and synthetic, of the order of each authority's size. Outside the North East, statistical neighbours are synthetic:
the next five authorities of the same region (in table order), and postcode districts are the region's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synthetic.context import Context

POPULATION_0_17 = 23_000  # Darlington-sized, at scale 1
FIRST_POPULATION_YEAR = 2018


@dataclass(frozen=True)
class LocalAuthority:
    la_code: str
    gss_code: str
    name: str
    neighbours: tuple[str, ...]  # synthetic statistical neighbours
    districts: tuple[str, ...]  # postcode districts used for placements near home
    region: str = "North East"


NORTH_EAST = (
    LocalAuthority("841", "E06000005", "Darlington", ("805", "807", "808", "840", "806"), ("DL1", "DL2", "DL3")),
    LocalAuthority("840", "E06000047", "County Durham", ("929", "841", "394", "808", "807"), ("DH1", "DL14", "DH7")),
    LocalAuthority("390", "E08000037", "Gateshead", ("393", "392", "394", "391", "840"), ("NE8", "NE9", "NE10")),
    LocalAuthority("805", "E06000001", "Hartlepool", ("806", "807", "393", "808", "394"), ("TS24", "TS25", "TS26")),
    LocalAuthority("806", "E06000002", "Middlesbrough", ("805", "807", "393", "394", "808"), ("TS1", "TS3", "TS5")),
    LocalAuthority("391", "E08000021", "Newcastle upon Tyne", ("390", "394", "393", "392", "806"), ("NE1", "NE4", "NE6")),
    LocalAuthority("392", "E08000022", "North Tyneside", ("390", "929", "841", "808", "393"), ("NE28", "NE29", "NE30")),
    LocalAuthority("929", "E06000057", "Northumberland", ("840", "392", "841", "808", "390"), ("NE46", "NE61", "NE63")),
    LocalAuthority("807", "E06000003", "Redcar and Cleveland", ("805", "806", "808", "393", "841"), ("TS6", "TS10", "TS11")),
    LocalAuthority("393", "E08000023", "South Tyneside", ("394", "390", "805", "806", "807"), ("NE32", "NE33", "NE34")),
    LocalAuthority("808", "E06000004", "Stockton-on-Tees", ("841", "807", "840", "805", "392"), ("TS18", "TS19", "TS20")),
    LocalAuthority("394", "E08000024", "Sunderland", ("393", "390", "806", "805", "840"), ("SR1", "SR4", "SR5")),
)
REGION = "North East"

# region: (its ONS code, postcode districts for placements near home)
REGIONS = {
    "North East": ("E12000001", ()),
    "North West": ("E12000002", ("M1", "L1", "PR1")),
    "Yorkshire and The Humber": ("E12000003", ("LS1", "S1", "HU1")),
    "East Midlands": ("E12000004", ("NG1", "LE1", "DE1")),
    "West Midlands": ("E12000005", ("B1", "CV1", "WV1")),
    "East of England": ("E12000006", ("CB1", "NR1", "CM1")),
    "London": ("E12000007", ("E1", "N1", "SE1")),
    "South East": ("E12000008", ("RG1", "ME1", "SO14")),
    "South West": ("E12000009", ("BS1", "EX1", "PL1")),
}

# DfE LA code | ONS GSS code | name | children aged 0-17 (rounded, synthetic), by region
_OTHER_REGIONS = {
    "North West": """
889|E06000008|Blackburn with Darwen|40000
890|E06000009|Blackpool|28000
350|E08000001|Bolton|68000
351|E08000002|Bury|43000
895|E06000049|Cheshire East|79000
896|E06000050|Cheshire West and Chester|66000
942|E06000063|Cumberland|50000
943|E06000064|Westmorland and Furness|38000
876|E06000006|Halton|28000
340|E08000011|Knowsley|36000
888|E10000017|Lancashire|255000
341|E08000012|Liverpool|100000
352|E08000003|Manchester|125000
353|E08000004|Oldham|61000
354|E08000005|Rochdale|53000
355|E08000006|Salford|60000
343|E08000014|Sefton|55000
342|E08000013|St Helens|38000
356|E08000007|Stockport|64000
357|E08000008|Tameside|49000
358|E08000009|Trafford|55000
877|E06000007|Warrington|44000
359|E08000010|Wigan|69000
344|E08000015|Wirral|66000""",
    "Yorkshire and The Humber": """
370|E08000016|Barnsley|51000
380|E08000032|Bradford|141000
381|E08000033|Calderdale|44000
371|E08000017|Doncaster|66000
811|E06000011|East Riding of Yorkshire|62000
810|E06000010|Kingston upon Hull, City of|59000
382|E08000034|Kirklees|94000
383|E08000035|Leeds|175000
812|E06000012|North East Lincolnshire|34000
813|E06000013|North Lincolnshire|35000
815|E06000065|North Yorkshire|115000
372|E08000018|Rotherham|57000
373|E08000019|Sheffield|117000
384|E08000036|Wakefield|72000
816|E06000014|York|33000""",
    "East Midlands": """
831|E06000015|Derby|57000
830|E10000007|Derbyshire|160000
856|E06000016|Leicester|85000
855|E10000018|Leicestershire|140000
925|E10000019|Lincolnshire|145000
940|E06000061|North Northamptonshire|78000
941|E06000062|West Northamptonshire|92000
892|E06000018|Nottingham|68000
891|E10000024|Nottinghamshire|165000
857|E06000017|Rutland|8000""",
    "West Midlands": """
330|E08000025|Birmingham|290000
331|E08000026|Coventry|80000
332|E08000027|Dudley|68000
884|E06000019|Herefordshire, County of|35000
333|E08000028|Sandwell|81000
893|E06000051|Shropshire|59000
334|E08000029|Solihull|48000
860|E10000028|Staffordshire|180000
861|E06000021|Stoke-on-Trent|60000
894|E06000020|Telford and Wrekin|42000
335|E08000030|Walsall|70000
937|E10000031|Warwickshire|125000
336|E08000031|Wolverhampton|65000
885|E10000034|Worcestershire|125000""",
    "East of England": """
822|E06000055|Bedford|43000
873|E10000003|Cambridgeshire|140000
823|E06000056|Central Bedfordshire|67000
881|E10000012|Essex|320000
919|E10000015|Hertfordshire|270000
821|E06000032|Luton|58000
926|E10000020|Norfolk|175000
874|E06000031|Peterborough|50000
882|E06000033|Southend-on-Sea|39000
935|E10000029|Suffolk|160000
883|E06000034|Thurrock|45000""",
    "London": """
301|E09000002|Barking and Dagenham|66000
302|E09000003|Barnet|90000
303|E09000004|Bexley|56000
304|E09000005|Brent|75000
305|E09000006|Bromley|72000
202|E09000007|Camden|40000
201|E09000001|City of London|1000
306|E09000008|Croydon|93000
307|E09000009|Ealing|80000
308|E09000010|Enfield|81000
203|E09000011|Greenwich|68000
204|E09000012|Hackney|60000
205|E09000013|Hammersmith and Fulham|34000
309|E09000014|Haringey|55000
310|E09000015|Harrow|60000
311|E09000016|Havering|60000
312|E09000017|Hillingdon|75000
313|E09000018|Hounslow|67000
206|E09000019|Islington|37000
207|E09000020|Kensington and Chelsea|27000
314|E09000021|Kingston upon Thames|40000
208|E09000022|Lambeth|55000
209|E09000023|Lewisham|66000
315|E09000024|Merton|49000
316|E09000025|Newham|85000
317|E09000026|Redbridge|77000
318|E09000027|Richmond upon Thames|45000
210|E09000028|Southwark|60000
319|E09000029|Sutton|50000
211|E09000030|Tower Hamlets|72000
320|E09000031|Waltham Forest|60000
212|E09000032|Wandsworth|65000
213|E09000033|Westminster|38000""",
    "South East": """
867|E06000036|Bracknell Forest|28000
846|E06000043|Brighton and Hove|50000
825|E06000060|Buckinghamshire|130000
845|E10000011|East Sussex|105000
850|E10000014|Hampshire|280000
921|E06000046|Isle of Wight|24000
886|E10000016|Kent|345000
887|E06000035|Medway|65000
826|E06000042|Milton Keynes|70000
931|E10000025|Oxfordshire|145000
851|E06000044|Portsmouth|43000
870|E06000038|Reading|38000
871|E06000039|Slough|43000
852|E06000045|Southampton|51000
936|E10000030|Surrey|270000
869|E06000037|West Berkshire|35000
938|E10000032|West Sussex|180000
868|E06000040|Windsor and Maidenhead|35000
872|E06000041|Wokingham|40000""",
    "South West": """
800|E06000022|Bath and North East Somerset|37000
839|E06000058|Bournemouth, Christchurch and Poole|70000
801|E06000023|Bristol, City of|95000
908|E06000052|Cornwall|105000
878|E10000008|Devon|140000
838|E06000059|Dorset|65000
916|E10000013|Gloucestershire|135000
420|E06000053|Isles of Scilly|400
802|E06000024|North Somerset|45000
879|E06000026|Plymouth|53000
933|E06000066|Somerset|110000
803|E06000025|South Gloucestershire|62000
866|E06000030|Swindon|52000
880|E06000027|Torbay|25000
865|E06000054|Wiltshire|109000""",
}
NEIGHBOURS = 5  # statistical neighbours of an authority outside the North East: the next five of its region


def _region(region: str, table: str) -> tuple[tuple[LocalAuthority, int], ...]:
    rows = [line.split("|") for line in table.strip().splitlines()]
    codes = [code for code, *_ in rows]
    return tuple(
        (LocalAuthority(code, gss, name, tuple(codes[(i + k) % len(codes)] for k in range(1, NEIGHBOURS + 1)),
                        REGIONS[region][1], region), int(population))
        for i, (code, gss, name, population) in enumerate(rows)
    )


_OTHERS = tuple(entry for region, table in _OTHER_REGIONS.items() for entry in _region(region, table))
ENGLAND = NORTH_EAST + tuple(a for a, _ in _OTHERS)  # the North East first, Darlington first: `make bench LAS=N`
OTHER_POPULATIONS = {a.la_code: population for a, population in _OTHERS}  # 0-17, outside the North East (benchmarks)
FAR_DISTRICTS = ("NE1", "TS1", "DH1", "YO1", "LS1", "BD1", "CA1", "HG1", "DN1", "M1", "S1", "HU1", "WF1")


def authority(la_code: str) -> LocalAuthority | None:
    return next((a for a in ENGLAND if a.la_code == la_code), None)


def region_of(la_code: str) -> tuple[LocalAuthority, ...]:
    """The authorities of `la_code`'s region (the North East for a code the reference data does not know)."""
    found = authority(la_code)
    region = found.region if found else REGION
    return tuple(a for a in ENGLAND if a.region == region)


def home_districts(la_code: str) -> tuple[str, ...]:
    found = authority(la_code)
    return found.districts if found else ("ZZ1", "ZZ2", "ZZ3")


def local_authorities(la_code: str) -> dict[str, list[str]]:
    """The reference list an authority sends: the authorities of its region (an unknown code: the North East's and
    itself)."""
    rows = [(a.la_code, a.gss_code, a.name, a.region, ";".join(a.neighbours)) for a in region_of(la_code)]
    if authority(la_code) is None:
        rows.append((la_code, "", f"Local authority {la_code}", "Unknown", ""))
    names = ("la_code", "la_gss_code", "la_name", "region", "stat_neighbours")
    return {name: [r[i] for r in rows] for i, name in enumerate(names)}


def population(ctx: Context) -> dict[str, list]:
    """Mid-year estimates by single year of age 0-17, the first mid-year before the window to its end."""
    rng = ctx.rng("population")
    first = min(FIRST_POPULATION_YEAR, ctx.request.start.year - 1)
    years = np.arange(first, ctx.request.end.year + 1)
    shape = np.array([0.92, 0.95, 0.97, 0.98, 0.99, 1.0, 1.0, 1.01, 1.02, 1.03, 1.03, 1.03, 1.03, 1.02,
                      1.01, 1.0, 0.99, 0.98])
    base = POPULATION_0_17 * ctx.scale * shape / shape.sum()
    trend = 1 + 0.003 * (years - first)
    noise = 1 + 0.01 * rng.standard_normal((len(years), 18))
    counts = np.maximum(np.round(base[None, :] * trend[:, None] * noise), 0).astype(int)
    return {
        "la_code": [ctx.request.la_code] * counts.size,
        "year": np.repeat(years, 18).tolist(),
        "age": np.tile(np.arange(18), len(years)).astype(str).tolist(),
        "population": counts.ravel().tolist(),
    }
