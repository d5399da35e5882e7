"""A kinship case file for the demo (``homecoming kinship var/demo/kinship/full-siblings.json``).

A sister typed, a body (POI) tested as her missing full brother: the profiles are simulated (seeded) on the
demo kit's 21 STRs with the Norwegian frequencies of the demo's table in force, so the case's LR is large.
The format is the kinship case format (docs/methods/kinship.md). Everything is invented.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np

from homecoming.app.demo_dna import DEMO_LOCI
from homecoming.app.demo_genetics import norwegian_text
from homecoming.kinship.model.markers import Locus
from homecoming.kinship.model.pedigree import Pedigree
from homecoming.kinship.simulate import simulate_profiles

CASE_FILE = "full-siblings.json"
FAMILY = [
    {"id": "FA", "father": None, "mother": None, "sex": "male"},
    {"id": "MO", "father": None, "mother": None, "sex": "female"},
    {"id": "R1", "father": "FA", "mother": "MO", "sex": "female"},
    {"id": "MP", "father": "FA", "mother": "MO", "sex": "male"},
]


def _loci() -> list[Locus]:
    table: dict[str, list[tuple[str, float]]] = {}
    for row in csv.DictReader(io.StringIO(norwegian_text())):
        table.setdefault(row["marker"], []).append((row["allele"], float(row["frequency"])))
    loci = []
    for name in DEMO_LOCI:
        alleles, freqs = zip(*table[name], strict=True)
        total = sum(freqs)
        loci.append(Locus(name, alleles, tuple(f / total for f in freqs)))
    return loci


def write_kinship_case(folder: Path, *, seed: int) -> Path:
    """Write ``folder/full-siblings.json`` (the folder is made) and return its path."""
    loci = _loci()
    pedigree = Pedigree.from_records(FAMILY)
    profiles = simulate_profiles(pedigree, loci, np.random.default_rng(seed), typed=["R1", "MP"])
    samples = {
        sample: {
            locus.name: [call.a1, call.a2] for locus in loci if (call := profiles[who].genotypes[locus.name])
        }
        for sample, who in (("R1", "R1"), ("POI", "MP"))
    }
    unrelated = [*FAMILY[:3], {"id": "POI", "father": None, "mother": None, "sex": "male"}]
    document = {
        "id": "demo-full-siblings",
        "kind": "kinship",
        "title": "Demo: a sister (R1) and a body (POI) tested as her missing full brother (synthetic)",
        "description": "Profiles simulated on the demo kit's 21 STRs; Norwegian frequencies. Invented.",
        "theta": 0,
        "markers": [
            {
                "name": locus.name,
                "chromosome": "autosomal",
                "alleles": list(locus.alleles),
                "frequencies": list(locus.frequencies),
                "mutation": None,
            }
            for locus in loci
        ],
        "samples": samples,
        "hypotheses": [
            {
                "name": "H1",
                "description": "POI is the missing person (full brother of R1)",
                "members": [{**m, "id": "POI" if m["id"] == "MP" else m["id"]} for m in FAMILY],
                "placements": [{"node": "R1", "sample": "R1"}, {"node": "POI", "sample": "POI"}],
            },
            {
                "name": "H2",
                "description": "POI is unrelated to the family",
                "members": unrelated,
                "placements": [{"node": "R1", "sample": "R1"}, {"node": "POI", "sample": "POI"}],
            },
        ],
        "comparison": {"numerator": "H1", "denominator": "H2"},
    }
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / CASE_FILE
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path
