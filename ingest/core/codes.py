"""DfE code lists (CIN census guide, SSDA903 guide) used by the contracts and the data quality checks.

A value outside its list does not fail a file (docs/specs/FEEDS.md): the row loads and a check reports it.
"""

SEX = ("M", "F", "U", "I")
ETHNICITY = (
    "WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN", "ABAN",
    "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT",
)
REFERRAL_SOURCE = (
    "1A", "1B", "1C", "1D", "2A", "2B", "3A", "3B", "3C", "3D", "3E", "3F", "4", "5A", "5B", "5C",
    "5D", "6", "7", "8", "9", "10",
)
PRIMARY_NEED = ("N1", "N2", "N3", "N4", "N5", "N6", "N7", "N8", "N9")
CP_CATEGORY = ("NEG", "PHY", "SAB", "EMO", "MUL")
PLACEMENT_TYPE = (
    "U1", "U2", "U3", "U4", "U5", "U6", "R1", "R2", "R3", "R5", "K1", "K2", "H5", "P1", "P2", "P3",
    "S1", "T0", "T1", "T2", "T3", "T4", "Z1",
)
LEGAL_STATUS = ("C1", "C2", "D1", "E1", "J1", "J2", "J3", "L1", "L2", "L3", "V2", "V3", "V4")
REASON_NEW_EPISODE = ("S", "P", "L", "T", "U", "B")
REASON_EPISODE_CEASED = (
    "E11", "E12", "E13", "E14", "E15", "E16", "E17", "E2", "E3", "E4A", "E4B", "E41", "E43", "E44",
    "E45", "E46", "E47", "E48", "E5", "E6", "E7", "E8", "E9", "X1",
)
MISSING_TYPE = ("M", "A")
REVIEW_PARTICIPATION = ("PN0", "PN1", "PN2", "PN3", "PN4", "PN5", "PN6", "PN7")
CARE_LEAVER_IN_TOUCH = ("YES", "NO", "DIED", "REFU", "NREQ", "RHOM")
# The other SSD objects: SSDA903 previous permanence option, SEN2 primary type of need.
PREVIOUS_PERMANENCE = ("P1", "P2", "P3", "Z1")
SEN_NEED_TYPE = ("SPLD", "MLD", "SLD", "PMLD", "SEMH", "SLCN", "HI", "VI", "MSI", "PD", "ASD", "OTH")
FLAG_VALUES = ("Y", "N", "1", "0", "TRUE", "FALSE", "T", "F", "YES", "NO")

# Health, virtual school, partner and benchmark feeds (docs/specs/FEEDS.md).
HEALTH_ASSESSMENT_TYPE = ("IHA", "RHA", "DENTAL", "OPTICIAN", "IMMUNISATION", "SDQ")
HEALTH_ASSESSMENT_OUTCOME = ("COMPLETED", "DECLINED", "DNA", "CANCELLED")
SCHOOL_PHASE = ("PRIMARY", "SECONDARY", "SPECIAL", "AP", "POST16")
PEP_QUALITY = ("GOOD", "REQUIRES_IMPROVEMENT", "INADEQUATE")
EXCLUSION_CATEGORY = ("SUSPENSION", "PERMANENT")
RISK_LEVEL = ("LOW", "MEDIUM", "HIGH")
FGC_OUTCOME = ("PLAN_AGREED", "NO_PLAN", "WITHDRAWN")
AREA_TYPE = ("LA", "REGION", "ENGLAND")
