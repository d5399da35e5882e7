"""Locus names as laboratories write them, their canonical names, what each is, and the kits that type them.

Every lab-file reader passes a written locus name through :func:`canonical_locus`: the match ignores case,
spaces and punctuation (``vWA``, ``VWA``, ``v-WA``; ``Penta D``, ``PentaD``, ``PENTA_D``), and a short list
of older or abbreviated spellings maps to the same name (``THO1`` → ``TH01``, ``FIBRA`` → ``FGA``,
``ACTBP2`` → ``SE33``, ``D8`` → ``D8S1179``). Canonical names are the CODIS / STRBase spellings.

* The quality-sensor pseudo-markers of some kits (``QS1``, ``QS2`` of QIAGEN's Investigator kits;
  ``IQCS``, ``IQCL`` of Thermo Fisher's IQC kits) are not loci: :func:`is_quality_sensor` tells the
  readers to drop them (and say so in the file's notes).
* Y-STR names not listed here are accepted by their pattern (``DYS`` and a number, optionally ``a``/``b``
  or ``I``/``II``), and so are X-STR ``DXS`` names: there are hundreds of them. Autosomal names are
  accepted only from the list, so that a typo (``D8S1197``) is a problem, not a new locus.
* :data:`KITS`: which canonical loci each kit types, from the manufacturers' kit definitions as
  transcribed in NCBI OSIRIS' ladder files (public domain; see ``docs/formats/genetics-read.md``).
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass

from homecoming.errors import Problem

#: what a locus is: autosomal STR, Y-STR, X-STR, or amelogenin (sex, never used for kinship)
LocusKind = str
AUTOSOMAL, Y, X, AMELOGENIN = "autosomal", "y", "x", "amelogenin"

#: the method (``lab.METHODS``) each kind of locus belongs to
KIND_METHOD = {AUTOSOMAL: "autosomal_str", Y: "y_str", X: "x_str", AMELOGENIN: "autosomal_str"}

_AUTOSOMAL = [
    "CSF1PO",
    "D1S1656",
    "D2S441",
    "D2S1338",
    "D3S1358",
    "D5S818",
    "D6S1043",
    "D7S820",
    "D8S1179",
    "D10S1248",
    "D12S391",
    "D13S317",
    "D16S539",
    "D18S51",
    "D19S433",
    "D21S11",
    "D22S1045",
    "FGA",
    "SE33",
    "TH01",
    "TPOX",
    "vWA",
    "Penta D",
    "Penta E",
]
_Y = [
    "DYS19",
    "DYS385",
    "DYS385a",
    "DYS385b",
    "DYS389I",
    "DYS389II",
    "DYS390",
    "DYS391",
    "DYS392",
    "DYS393",
    "DYS437",
    "DYS438",
    "DYS439",
    "DYS448",
    "DYS449",
    "DYS456",
    "DYS458",
    "DYS460",
    "DYS481",
    "DYS518",
    "DYS533",
    "DYS549",
    "DYS570",
    "DYS576",
    "DYS627",
    "DYS635",
    "DYS643",
    "DYF387S1",
    "YGATAH4",
    "Y-indel",
]
_X = [
    "DXS7132",
    "DXS7423",
    "DXS8378",
    "DXS10074",
    "DXS10079",
    "DXS10101",
    "DXS10103",
    "DXS10134",
    "DXS10135",
    "DXS10146",
    "DXS10148",
    "HPRTB",
]

#: canonical locus name → kind
LOCI: dict[str, LocusKind] = {
    **dict.fromkeys(_AUTOSOMAL, AUTOSOMAL),
    **dict.fromkeys(_Y, Y),
    **dict.fromkeys(_X, X),
    "AMEL": AMELOGENIN,
}

#: other spellings (compared by :func:`_key`) → canonical name
ALIASES: dict[str, str] = {
    "amelogenin": "AMEL",
    "am": "AMEL",
    "amel": "AMEL",
    "tho1": "TH01",
    "th1": "TH01",
    "tpx": "TPOX",
    "tp0x": "TPOX",  # a zero for the letter O (listed in the CMF 3.2 schema)
    "csf": "CSF1PO",
    "fibra": "FGA",
    "fga": "FGA",
    "actbp2": "SE33",
    "pentad": "Penta D",
    "pentae": "Penta E",
    "d8": "D8S1179",
    "d21": "D21S11",
    "d18": "D18S51",
    "d3": "D3S1358",
    "d5": "D5S818",
    "d7": "D7S820",
    "d13": "D13S317",
    "d16": "D16S539",
    "yindel": "Y-indel",
    "ygatah4": "YGATAH4",
    "gatah4": "YGATAH4",
    "dys3891": "DYS389I",
    "dys389i": "DYS389I",
    "dys3892": "DYS389II",
    "dys389ii": "DYS389II",
    "dys385ab": "DYS385",
    "dyf387s1ab": "DYF387S1",
}

#: quality-sensor pseudo-markers (by :func:`_key`): not loci; readers drop them with a note
QUALITY_SENSORS = frozenset(
    {"qs1", "qs2", "iqcs", "iqcl", "qualitysensor", "qualitysensor1", "qualitysensor2"}
)

#: loci with two copies on the Y chromosome: two different alleles are normal there
Y_MULTICOPY = frozenset({"DYS385", "DYF387S1"})

_Y_PATTERN = re.compile(r"^dys\d{2,4}(a|b|i|ii)?$")
_X_PATTERN = re.compile(r"^dxs\d{3,5}$")


def _key(name: str) -> str:
    """A name for matching: lower case, letters and digits only (``"Penta D"`` → ``"pentad"``)."""
    return "".join(ch for ch in name.lower() if ch.isalnum())


_BY_KEY: dict[str, str] = {_key(name): name for name in LOCI} | ALIASES


@functools.lru_cache(maxsize=4096)
def canonical_locus(name: str) -> str | None:
    """The canonical name of a written locus name, or None if it is not a locus we know.

    Quality sensors are not loci (None); check :func:`is_quality_sensor` first to tell them apart.
    """
    key = _key(name)
    if not key or key in QUALITY_SENSORS:
        return None
    found = _BY_KEY.get(key)
    if found:
        return found
    if _Y_PATTERN.match(key):
        head = re.match(r"^dys(\d+)(.*)$", key)
        assert head is not None
        suffix = {"i": "I", "ii": "II"}.get(head.group(2), head.group(2))
        return f"DYS{head.group(1)}{suffix}"
    if _X_PATTERN.match(key):
        return key.upper()
    return None


def is_quality_sensor(name: str) -> bool:
    return _key(name) in QUALITY_SENSORS


def locus_kind(canonical: str) -> LocusKind:
    """What a canonical locus is (``autosomal``, ``y``, ``x``, ``amelogenin``)."""
    kind = LOCI.get(canonical)
    if kind:
        return kind
    return Y if canonical.startswith("DYS") else X if canonical.startswith("DXS") else AUTOSOMAL


def near_spellings(name: str, limit: int = 4) -> list[str]:
    """Canonical names close to ``name`` (for the hint of an unknown locus)."""
    key = _key(name)
    keys = difflib.get_close_matches(key, list(_BY_KEY), n=limit * 2, cutoff=0.6)
    found: list[str] = []
    for k in keys:
        if _BY_KEY[k] not in found:
            found.append(_BY_KEY[k])
    return found[:limit]


def unknown_locus(name: str, *, field: str, row: int | None = None) -> Problem:
    """The problem of a locus name that is not known: names the field, shows the value, lists near names."""
    near = near_spellings(name)
    hint = f"did you mean {', '.join(near)}?" if near else "use the kit's locus names (e.g. D8S1179, vWA)."
    hint += " Unknown loci cannot be matched to frequencies; correct the name or remove the locus"
    return Problem(field, "is not a known locus name", name, hint, row)


# ---------------------------------------------------------------- kits


@dataclass(frozen=True)
class Kit:
    """A commercial typing kit: its canonical loci (quality sensors left out) and method."""

    name: str
    manufacturer: str
    method: str
    loci: tuple[str, ...]
    source: str

    @functools.cached_property
    def required(self) -> tuple[str, ...]:
        """The loci of the kit's own method (a profile without one of them is partial)."""
        return tuple(
            lc
            for lc in self.loci
            if locus_kind(lc) != AMELOGENIN and KIND_METHOD[locus_kind(lc)] == self.method
        )


_OSIRIS = "NCBI OSIRIS LadderSpecifications/{}_LadderInfo.xml (github.com/ncbi/osiris)"


def _kit(name: str, maker: str, method: str, loci: str, source: str) -> Kit:
    names = tuple(canonical_locus(n) or n for n in loci.split(","))
    return Kit(name, maker, method, names, source)


KITS: dict[str, Kit] = {
    k.name: k
    for k in (
        _kit(
            "GlobalFiler",
            "Thermo Fisher Scientific",
            "autosomal_str",
            "D3S1358,vWA,D16S539,CSF1PO,TPOX,Yindel,AMEL,D8S1179,D21S11,D18S51,DYS391,D2S441,D19S433,"
            "TH01,FGA,D22S1045,D5S818,D13S317,D7S820,SE33,D10S1248,D1S1656,D12S391,D2S1338",
            _OSIRIS.format("GlobalFiler") + "; GlobalFiler User Guide, Pub. No. 4477604",
        ),
        _kit(
            "PowerPlex Fusion 6C",
            "Promega",
            "autosomal_str",
            "AMEL,D3S1358,D1S1656,D2S441,D10S1248,D13S317,Penta E,D16S539,D18S51,D2S1338,CSF1PO,Penta D,"
            "TH01,vWA,D21S11,D7S820,D5S818,TPOX,D8S1179,D12S391,D19S433,SE33,D22S1045,DYS391,FGA,DYS576,"
            "DYS570",
            _OSIRIS.format("PPFusion6C"),
        ),
        _kit(
            "Investigator 24plex QS",
            "QIAGEN",
            "autosomal_str",
            "AMEL,TH01,D3S1358,vWA,D21S11,TPOX,DYS391,D1S1656,D12S391,SE33,D10S1248,D22S1045,D19S433,"
            "D8S1179,D2S1338,D2S441,D18S51,FGA,D16S539,CSF1PO,D13S317,D5S818,D7S820",
            _OSIRIS.format("Q_Investigator24plex") + " (quality sensors QS1, QS2 left out)",
        ),
        _kit(
            "NGM Detect",
            "Thermo Fisher Scientific",
            "autosomal_str",
            "D10S1248,vWA,D16S539,D2S1338,AMEL,D8S1179,D21S11,D18S51,D22S1045,D19S433,TH01,FGA,D2S441,"
            "D3S1358,D1S1656,D12S391,SE33,DYS391,Yindel",
            "NGM Detect User Guide, Pub. No. 100044085 (IQCS, IQCL left out); Y markers to be checked "
            "against the guide's locus table",
        ),
        _kit(
            "VeriFiler Plus",
            "Thermo Fisher Scientific",
            "autosomal_str",
            "D3S1358,vWA,D16S539,CSF1PO,D6S1043,AMEL,D8S1179,D21S11,D18S51,DYS391,Yindel,D2S441,D19S433,"
            "TH01,FGA,D22S1045,D5S818,D13S317,D7S820,D10S1248,D1S1656,D12S391,D2S1338,Penta D,Penta E,TPOX",
            "VeriFiler Plus User Guide (23 autosomal STRs, DYS391, Y indel, Amelogenin; IQCS, IQCL left out)",
        ),
        _kit(
            "Yfiler Plus",
            "Thermo Fisher Scientific",
            "y_str",
            "DYS576,DYS389I,DYS635,DYS389II,DYS627,DYS460,DYS458,DYS19,Y-GATA-H4,DYS448,DYS391,DYS456,"
            "DYS390,DYS438,DYS392,DYS518,DYS570,DYS437,DYS385 a/b,DYS449,DYS393,DYS439,DYS481,DYF387S1,"
            "DYS533",
            _OSIRIS.format("YfilerPlus"),
        ),
        _kit(
            "PowerPlex Y23",
            "Promega",
            "y_str",
            "DYS576,DYS389I,DYS448,DYS389II,DYS19,DYS391,DYS481,DYS549,DYS533,DYS438,DYS437,DYS570,DYS635,"
            "DYS390,DYS439,DYS392,DYS643,DYS393,DYS458,DYS385 a/b,DYS456,Y-GATA-H4",
            _OSIRIS.format("PPlexY23"),
        ),
    )
}


@functools.lru_cache(maxsize=256)
def kit_named(name: str) -> Kit | None:
    """The kit a written kit name means (``"GlobalFiler Express"`` → GlobalFiler), or None.

    The match ignores case, spaces and punctuation; a written name that starts with a kit's name
    (``GlobalFiler_Panel_v1``, ``GlobalFiler Express``) means that kit; the longest such name wins.
    """
    key = _key(name)
    if not key:
        return None
    best: Kit | None = None
    for kit in KITS.values():
        k = _key(kit.name)
        if (key == k or key.startswith(k) or (k.endswith("qs") and key.startswith(k[:-2]))) and (
            best is None or len(kit.name) > len(best.name)
        ):
            best = kit
    return best
