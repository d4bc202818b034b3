"""The demo catalogue: the four source programmes with their parties, as data (and GEN's label
programme, its standing one beside the roadmap, whose file names the roadmap's parties).

Each programme is a TOML file of this package (chongqing.toml, ...), read by
demo/catalogue/reading.py when this package is first imported. A class per file stands where
the per-programme modules stood, hence the lower-case names: `from demo.catalogue import
chongqing` still gives its PARTIES, its PROGRAMME and the party codes Python code refers to
(the full-scale plans in demo/scale). Each code is checked against its file's parties, so a
renamed party cannot leave a code behind that names nothing.
"""

from __future__ import annotations

from demo.catalogue.entries import PartyEntry, ProgrammeEntry
from demo.catalogue.reading import check_codes, read_programme_file

__all__ = [
    "PARTIES",
    "PROGRAMMES",
    "binh_dinh",
    "chongqing",
    "grande_ecole",
    "grande_ecole_label",
    "jobintech",
]


class chongqing:
    """Chongqing: digital-technology engineers 2025-2030 (seed 000), in Chinese where natural."""

    PARTIES, PROGRAMME = read_programme_file("chongqing.toml")

    BUREAU = "CQ-HRSS"
    APPRAISAL = "CQ-SKILLS-APPRAISAL"
    CQUPT, CQCEE, CQIE = "CQ-CQUPT-CE", "CQ-CQCEE", "CQ-CQIE"


class binh_dinh:
    """Binh Dinh: digital skills of officials and civil servants, 2025 (seed 001), in Vietnamese."""

    PARTIES, PROGRAMME = read_programme_file("binh_dinh.toml")

    COMMITTEE = "BD-PPC"
    HOME_AFFAIRS, SCIENCE = "BD-DOHA", "BD-DOST"
    EDUCATION, HEALTH = "BD-DOET", "BD-DOH"
    QNU, QNCT = "BD-QNU", "BD-QNCT"
    PHU_CAT = "BD-PHU-CAT"


class jobintech:
    """Morocco: JobInTech (seed 002); ministries in Arabic, the other parties in French."""

    PARTIES, PROGRAMME = read_programme_file("jobintech.toml")

    HIGHER_ED, DIGITAL = "MA-MESRSI", "MA-MTNRA"
    CDG, MNC = "MA-CDG", "MA-MNC"
    UM5, UIR, ARKX = "MA-UM5", "MA-UIR", "MA-ARKX"
    EMI, ENSIAS, ENSAM, FSR = "MA-UM5-EMI", "MA-UM5-ENSIAS", "MA-UM5-ENSAM", "MA-UM5-FSR"
    ATTIJARIWAFA, CAPGEMINI = "MA-ATTIJARIWAFA", "MA-CAPGEMINI"
    DXC, WEBHELP = "MA-DXC", "MA-WEBHELP"


class grande_ecole:
    """France: the Grande École du Numérique's 2021-2022 roadmap (seeds 003, 004), in French."""

    PARTIES, PROGRAMME = read_programme_file("grande_ecole.toml")

    LABOUR, GEN, AGENCY = "FR-MTEI", "FR-GEN", "FR-FRANCE-TRAVAIL"
    POP_SCHOOL, SIMPLON = "FR-POP-SCHOOL", "FR-SIMPLON"
    QPV, ZRR = "FR-QPV-LILLE-SUD", "FR-ZRR-CREUSE"


class grande_ecole_label:
    """France: the Grande École du Numérique's label, its standing programme since 2015."""

    PARTIES, PROGRAMME = read_programme_file("grande_ecole_label.toml", grande_ecole.PARTIES)

    WEBFORCE3, ACCESS_CODE = "FR-WEBFORCE3", "FR-ACCESS-CODE"
    DESCODEUSES, KONEXIO = "FR-DESCODEUSES", "FR-KONEXIO"
    WILD_CODE, SOCIAL_BUILDER = "FR-WILD-CODE", "FR-SOCIAL-BUILDER"
    MARSEILLE, CLICHY = "FR-QPV-MARSEILLE-NORD", "FR-QPV-CLICHY-MONTFERMEIL"
    VAULX, CANTAL = "FR-QPV-VAULX-EN-VELIN", "FR-ZRR-CANTAL"
    UNIV_LILLE, CNAM = "FR-UNIV-LILLE", "FR-CNAM"


# Each country lists a parent before its children, so parties load in this order.
_FILES = (chongqing, binh_dinh, jobintech, grande_ecole, grande_ecole_label)

for _file in _FILES:
    check_codes(vars(_file), _file.PARTIES, f"demo.catalogue.{_file.__name__}")

PARTIES: tuple[PartyEntry, ...] = tuple(party for f in _FILES for party in f.PARTIES)
PROGRAMMES: tuple[ProgrammeEntry, ...] = tuple(f.PROGRAMME for f in _FILES)
