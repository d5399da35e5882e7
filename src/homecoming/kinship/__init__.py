"""Exact kinship likelihoods and likelihood ratios (pure NumPy; no Django, no database).

API summary::

    table = FrequencyTable.from_csv("freqs.csv")          # or FrequencyTable.builtin("norwegian")
    loci = [table.locus("TH01", mutation=SexMutation.same(MutationModel.make("equal", rate=0.002)))]
    ped = Pedigree.from_records([{"id": "FA", "sex": "male"}, {"id": "MO", "sex": "female"},
                                 {"id": "MP", "father": "FA", "mother": "MO", "sex": "male"}])
    mo = Profile.from_mapping("MO", {"TH01": "6/9.3"})
    poi = Profile.from_mapping("POI", {"TH01": ["6", "7"]})

    res = missing_person_lr(ped, "MP", poi, family=[mo], loci=loci)       # -> LRResult
    res.lrs, res.lr, res.log10_lr, res.logliks, res.model, res.provenance

    h1 = Hypothesis.make("H1", ped, placements={"MO": "MO", "MP": "POI"})
    h2 = Hypothesis.make("H2", ped.with_members([{"id": "POI", "sex": "male"}]),
                         placements={"MO": "MO", "POI": "POI"})
    kinship_lr([h1, h2], profiles=[mo, poi], loci=loci, theta=0.0)       # any set of hypotheses

    marker_logliks(ped, loci, {"MO": mo}) / loglik(...) / pedigree_likelihood(...)
    dist = genotype_distribution(ped, "MP", loci=loci, family=[mo])       # one pass per marker
    dist.lrs(poi); dist.markers[0].log_lr_table()
    donor_power(ped, "MP", loci=loci, family=[mo], threshold=1e4, rng=rng)  # which relative next
    run_kinship_case(read_case("case.json"))                              # the ``expected`` shape

Errors are ``homecoming.errors`` classes (PedigreeError, MarkerError, FrequencyError,
HypothesisError, CaseFileError, LimitError) naming the person, marker, allele and fix.
"""

from homecoming.kinship.cases import run_dvi_case, run_kinship_case
from homecoming.kinship.distributions import GenotypeDistribution, MarkerDistribution, genotype_distribution
from homecoming.kinship.donors import with_donor
from homecoming.kinship.dvi.conclusions import Conclusions, MissingConclusion, VictimConclusion, conclude
from homecoming.kinship.dvi.direct import DirectMatch, SampleGroup, direct_match, reassociate
from homecoming.kinship.dvi.identification import ComponentResult, Identification, identify
from homecoming.kinship.dvi.joint import (
    DviProblem,
    Family,
    FamilyTable,
    Pairwise,
    family_table,
    pairwise,
)
from homecoming.kinship.dvi.joint_table import JointTable, joint_table
from homecoming.kinship.engine import Job, MarkerResult, marker_results
from homecoming.kinship.formats.case import KinshipCase, jsonable, read_case, write_case
from homecoming.kinship.formats.dvi import DviCase, read_dvi_case
from homecoming.kinship.formats.familias import FamFile, read_fam, read_fam_case, write_fam
from homecoming.kinship.formats.frequencies import FrequencyTable
from homecoming.kinship.likelihood import (
    loglik,
    marker_joint,
    marker_loglik,
    marker_logliks,
    pedigree_likelihood,
)
from homecoming.kinship.lr import Hypothesis, LRResult, kinship_lr, missing_person_lr
from homecoming.kinship.model.evidence import Observation, evidence_matrix
from homecoming.kinship.model.markers import Genotype, Locus, Profile, canonical_allele, reconcile_loci
from homecoming.kinship.model.mutation import MutationModel, SexMutation, mutation_matrix
from homecoming.kinship.model.pedigree import Pedigree
from homecoming.kinship.populations import Population, simulate_population
from homecoming.kinship.power import DonorOption, donor_power
from homecoming.kinship.screen import (
    Candidate,
    ReferenceFamily,
    ScreenResult,
    ScreenTables,
    family_tables,
    screen,
    screen_dask,
)

__all__ = [
    "Candidate",
    "ComponentResult",
    "Conclusions",
    "DirectMatch",
    "DonorOption",
    "DviCase",
    "DviProblem",
    "FamFile",
    "Family",
    "FamilyTable",
    "FrequencyTable",
    "Genotype",
    "GenotypeDistribution",
    "Hypothesis",
    "Identification",
    "Job",
    "JointTable",
    "KinshipCase",
    "LRResult",
    "Locus",
    "MarkerDistribution",
    "MarkerResult",
    "MissingConclusion",
    "MutationModel",
    "Observation",
    "Pairwise",
    "Pedigree",
    "Population",
    "Profile",
    "ReferenceFamily",
    "SampleGroup",
    "ScreenResult",
    "ScreenTables",
    "SexMutation",
    "VictimConclusion",
    "canonical_allele",
    "conclude",
    "direct_match",
    "donor_power",
    "evidence_matrix",
    "family_table",
    "family_tables",
    "genotype_distribution",
    "identify",
    "joint_table",
    "jsonable",
    "kinship_lr",
    "loglik",
    "marker_joint",
    "marker_loglik",
    "marker_logliks",
    "marker_results",
    "missing_person_lr",
    "mutation_matrix",
    "pairwise",
    "pedigree_likelihood",
    "read_case",
    "read_dvi_case",
    "read_fam",
    "read_fam_case",
    "reassociate",
    "reconcile_loci",
    "run_dvi_case",
    "run_kinship_case",
    "screen",
    "screen_dask",
    "simulate_population",
    "with_donor",
    "write_case",
    "write_fam",
]
