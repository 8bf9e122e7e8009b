"""Reference tables behind :mod:`epoc_wizard.checks.places`.

Kept apart so the checks read as logic, and so the sources of each table sit next to
it. Plain literals only: importing this module costs almost nothing.
"""

from __future__ import annotations

# CMS state codes: the first two characters of a CMS Certification Number (CCN).
#
# Source: CMS State Operations Manual (SOM, Pub. 100-07), Chapter 2, section 2779A1,
# "CCN for Medicare Providers", the list of State Codes (som107c02.pdf,
# https://www.cms.gov/Regulations-and-Guidance/Guidance/Manuals/Downloads/som107c02.pdf).
# CMS memo S&C 16-09-ALL (March 11, 2016) added State codes to 2779A1 effective
# 2016-04-04, and the section notes that after the numeric codes run out CMS uses
# "A0, A1, ... Z9". The PDF itself could not be fetched here; the table was read from
# two independent transcriptions of the SOM table, which agree code for code:
#   - github.com/andrewallenbruce/ccn, R/02-STATES.R (cites som107c02.pdf, 2779A)
#   - github.com/reallyasi9/CMSCertificationNumbers.jl, src/statecodes.jl
# The SOM also lists 56 (Canada), 59 (Mexico) and 99 (other foreign countries); they
# are left out on purpose, because a facility using this wizard is in a US state or
# territory and has a postal code below.
STATE_CODES: dict[str, tuple[str, ...]] = {
    "AL": ("01",),
    "AK": ("02",),
    "AZ": ("03", "00"),
    "AR": ("04", "89"),
    "CA": ("05", "55", "75", "92", "A0", "A1", "B2"),
    "CO": ("06", "91"),
    "CT": ("07", "81"),
    "DE": ("08",),
    "DC": ("09",),
    "FL": ("10", "68", "69", "A2"),
    "GA": ("11", "85"),
    "HI": ("12",),
    "ID": ("13", "54"),
    "IL": ("14", "78"),
    "IN": ("15",),
    "IA": ("16", "76"),
    "KS": ("17", "70"),
    "KY": ("18", "B0"),
    "LA": ("19", "71", "95", "A3"),
    "ME": ("20",),
    "MD": ("21", "80"),
    "MA": ("22", "82"),
    "MI": ("23", "A4"),
    "MN": ("24", "77"),
    "MS": ("25", "A5"),
    "MO": ("26", "79"),
    "MT": ("27",),
    "NE": ("28",),
    "NV": ("29",),
    "NH": ("30",),
    "NJ": ("31", "83"),
    "NM": ("32", "96"),
    "NY": ("33", "57"),
    "NC": ("34", "86"),
    "ND": ("35",),
    "OH": ("36", "72", "A6"),
    "OK": ("37", "90"),
    "OR": ("38", "93"),
    "PA": ("39", "73", "A7"),
    "PR": ("40", "84"),
    "RI": ("41",),
    "SC": ("42", "87"),
    "SD": ("43",),
    "TN": ("44", "88", "A8"),
    "TX": ("45", "67", "74", "97", "A9"),
    "UT": ("46",),
    "VT": ("47",),
    "VI": ("48",),
    "VA": ("49",),
    "WA": ("50", "94"),
    "WV": ("51", "58", "B1"),
    "WI": ("52",),
    "WY": ("53",),
    "AS": ("64",),
    "GU": ("65",),
    "MP": ("66",),
}

# Letters allowed in the third position of a 6-character CCN, from SOM Chapter 2,
# section 2779 (same two transcriptions): P for organ procurement organizations;
# A/B and E/F for Medicaid-only nursing facilities, G/H for Medicaid-only ICF/IID,
# J Medicaid-only hospital, K Medicaid home health agency, L psychiatric residential
# treatment facility; M, R, S, T for IPPS-excluded psychiatric and rehabilitation
# units and U, W, Z for swing-bed approvals (emergency hospitals also use E and F).
# "Y" (swing beds in a rehabilitation hospital) appears in only one transcription,
# so it is left out.
CCN_THIRD_LETTERS = frozenset("ABEFGHJKLMPRSTUWZ")

# The 50 states, DC, and the five inhabited territories, as the USPS spells them.
STATE_NAMES: dict[str, str] = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas",
    "CA": "California", "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware",
    "DC": "District of Columbia", "FL": "Florida", "GA": "Georgia", "HI": "Hawaii",
    "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas",
    "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland",
    "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi",
    "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma",
    "OR": "Oregon", "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina",
    "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont",
    "VA": "Virginia", "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin",
    "WY": "Wyoming", "PR": "Puerto Rico", "VI": "U.S. Virgin Islands", "GU": "Guam",
    "AS": "American Samoa", "MP": "Northern Mariana Islands",
}  # fmt: skip

# Other ways people write a few of the names above (compared after lower-casing and
# dropping dots), mapped to the postal code.
STATE_ALIASES: dict[str, str] = {
    "washington dc": "DC", "washington d c": "DC", "virgin islands": "VI",
    "us virgin islands": "VI", "united states virgin islands": "VI",
    "commonwealth of the northern mariana islands": "MP", "cnmi": "MP",
    "commonwealth of puerto rico": "PR", "washington state": "WA",
}  # fmt: skip

# Military mail "states", accepted only where a ZIP code is judged.
MILITARY_NAMES: dict[str, str] = {
    "AA": "military mail for the Americas (AA)",
    "AE": "military mail for Europe, Africa and the Middle East (AE)",
    "AP": "military mail for the Pacific (AP)",
}

# 3-digit ZIP code prefixes per state, as inclusive (first, last) ranges.
#
# Source: the USPS 3-digit ZIP Code prefix assignments (Domestic Mail Manual labeling
# list L002, "3-Digit ZIP Code Prefix Matrix", on USPS Postal Explorer, pe.usps.com),
# as listed by the Wikipedia article "List of ZIP Code prefixes" (mirror read in part
# at https://pinocchiopedia.com/wiki/ZIP_Code_prefixes), and cross-checked against two
# public tables: github.com/kpfoster/Lars10-Core Lars10.ZipMgmt/UsRanges.cs and the
# Census ZCTA ranges in github.com/GeoDaCenter/opioid-policy-scan meta/zipRange.js. It is
# coarse on purpose: a range may hold a few unused prefixes. A state's extra ranges
# cover towns served across a state line (Texarkana AR uses 755, Carter Lake
# IA uses 681, Fishers Island NY uses 063, and so on).
ZIP_PREFIXES: dict[str, tuple[tuple[int, int], ...]] = {
    "AL": ((350, 369),), "AK": ((995, 999),), "AZ": ((850, 865),),
    "AR": ((716, 729), (755, 755)), "CA": ((900, 961),), "CO": ((800, 816),),
    "CT": ((60, 69),), "DE": ((197, 199),), "DC": ((200, 200), (202, 205), (569, 569)),
    "FL": ((320, 339), (341, 349)), "GA": ((300, 319), (398, 399)), "HI": ((967, 968),),
    "ID": ((832, 838),), "IL": ((600, 629),), "IN": ((460, 479),),
    "IA": ((500, 528), (681, 681)), "KS": ((660, 679),), "KY": ((400, 427),),
    "LA": ((700, 714),), "ME": ((39, 49),), "MD": ((206, 219),),
    "MA": ((10, 27), (55, 55)), "MI": ((480, 499),), "MN": ((550, 567),),
    "MS": ((386, 397), (712, 712)), "MO": ((630, 658),), "MT": ((590, 599),),
    "NE": ((680, 693),), "NV": ((889, 898),), "NH": ((30, 38),), "NJ": ((70, 89),),
    "NM": ((870, 884),), "NY": ((5, 5), (100, 149), (63, 63)), "NC": ((270, 289),),
    "ND": ((580, 588),), "OH": ((430, 459),), "OK": ((730, 731), (734, 749)),
    "OR": ((970, 979),), "PA": ((150, 196),), "RI": ((28, 29),), "SC": ((290, 299),),
    "SD": ((570, 577),), "TN": ((370, 385),), "TX": ((750, 799), (733, 733), (885, 885)),
    "UT": ((840, 847),), "VT": ((50, 54), (56, 59)), "VA": ((201, 201), (220, 246)),
    "WA": ((980, 994),), "WV": ((247, 268),), "WI": ((530, 549),), "WY": ((820, 831),),
    "PR": ((6, 7), (9, 9)), "VI": ((8, 8),), "GU": ((969, 969),), "MP": ((969, 969),),
    "AS": ((967, 967),), "AA": ((340, 340),), "AE": ((90, 98),), "AP": ((962, 966),),
}  # fmt: skip
