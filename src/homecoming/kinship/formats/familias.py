"""Familias ``.fam`` files: read (database, persons, pedigrees, DVI section) and write (DVI).

Layout (as documented by pedFamilias ``readFam``/``writeFam``; one value per line, quotes ignored):

* preamble: two comment lines, the Familias version (``"3.2.8"``, ``"3.4.1 (DVI)"``), an optional empty
  line, the number of persons;
* per person: name, ``#FALSE#``, ``-1`` (``" (Consider dropouts)"`` appended if so), ``#FALSE#``, sex
  (``#TRUE#`` male, ``#FALSE#`` female), the number k of typed markers, then k triples
  (allele index 1, allele index 2, marker index; 0-based into the database);
* ``Known relations``, extra females, extra males, the number of relations, pairs (parent, child);
* the number of pedigrees; per pedigree: index, name, extra females, extra males, the number of
  relations and pairs (parent, child) of 0-based person indices;
* ``#FALSE# (#Databases: 1 ;Theta/Kinship/Fst: θ )``, the number of loci, ``#TRUE#`` and the database
  name; per locus: name, female rate, male rate, female model, male model (0 equal, 1 proportional,
  2 stepwise, 3 stationary stepwise, 4 extended stepwise), the number of alleles (with the silent one),
  female range, male range, female rate2, male rate2, has-silent, silent frequency,
  ``n\\t(DatabaseSize = ... )``, then n pairs (allele, frequency);
* optionally ``[DVI]``: bracketed sections, ``[[Unidentified persons]]`` (``[[[Person i ]]]`` with
  ``Name= ``, ``Gender= ``, ``[[[[DNA data]]]]``, ``nSystems= `` and ``SystemName= ``, ``Allele1= ``,
  ``Allele2= `` triples) and ``[[Reference Families]]`` (``[[[Family i ]]]`` with ``Name= ``,
  ``[[[[Persons]]]]`` and ``[[[[Pedigrees]]]]`` whose ``Parent= ``/``Child= `` pairs may name the
  ``Missing person`` and other untyped persons not listed under Persons).

A missing person read from family ``F`` gets the id ``"F:Missing person"``. As dvir reads DVI files, every
untyped person of a family whose name starts with ``Missing`` (``Missing person``, ``Missing male 2``, ...)
is a missing person, with the Gender its person entry gives. ``.fam`` has no chromosome attribute (all
markers are read as autosomal).

Familias writes a child with one parent (the other one unknown); as pedFamilias ``readFam`` does, the
reader adds the other parent as an untyped founder (one per child, named ``added_<k>``, sex opposite to
the known parent's) and says so in ``FamFile.notes`` (carried into the DVI problem's notes).
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from homecoming.errors import CaseFileError, HomecomingError
from homecoming.kinship.dvi.joint import DviProblem, Family
from homecoming.kinship.formats.dvi import DviCase
from homecoming.kinship.formats.familias_write import MISSING
from homecoming.kinship.formats.familias_write import write_fam as write_fam  # re-exported
from homecoming.kinship.model.markers import Locus, Profile
from homecoming.kinship.model.mutation import MutationModel, SexMutation
from homecoming.kinship.model.pedigree import Pedigree

_MODELS = {0: "equal", 1: "proportional", 2: "stepwise", 4: "stepwise"}


def missing_id(family: str) -> str:
    return f"{family}:{MISSING}"


@dataclass(frozen=True)
class FamFile:
    """What a .fam file holds: database, main-section persons and pedigrees, and the DVI section."""

    version: str
    theta: float
    loci: tuple[Locus, ...]
    persons: Mapping[str, tuple[str, Profile]]  # main section: name -> (sex, profile)
    pedigrees: Mapping[str, Pedigree]
    victims: tuple[tuple[Profile, str], ...]  # DVI: (profile, sex)
    families: tuple[Family, ...]
    has_dvi: bool
    notes: tuple[str, ...] = ()  # what the reader added (parents of single-parent children)


class _Lines:
    def __init__(self, path: str, raw: Sequence[str]) -> None:
        self.path = path
        self.x = [line.replace('"', "").rstrip("\r\n") for line in raw]

    def at(self, i: int, what: str) -> str:
        if i >= len(self.x):
            raise CaseFileError(
                f"{self.path}: file ends at line {len(self.x)}; expected {what} at line {i + 1}",
                field=f"line {i + 1}",
                value=None,
                hint="the file is truncated",
            )
        return self.x[i].strip()

    def integer(self, i: int, what: str) -> int:
        text = self.at(i, what)
        try:
            return int(text)
        except ValueError:
            raise CaseFileError(
                f"{self.path}, line {i + 1}: expected {what}, found {text!r}",
                field=f"line {i + 1}",
                value=text,
            ) from None

    def num(self, i: int, what: str) -> float:
        text = self.at(i, what)
        try:
            value = float(text)
        except ValueError:
            raise CaseFileError(
                f"{self.path}, line {i + 1}: expected {what}, found {text!r}",
                field=f"line {i + 1}",
                value=text,
                hint=f"give {what}",
            ) from None
        if math.isnan(value):
            raise CaseFileError(
                f"{self.path}, line {i + 1}: {what} is NaN",
                field=f"line {i + 1}",
                value=text,
                hint=f"give {what}",
            )
        return value


def _persons(
    lines: _Lines, start: int, n: int
) -> tuple[list[tuple[str, str, list[tuple[int, int, int]]]], int]:
    out = []
    i = start
    for _k in range(n):
        name = lines.at(i, "a person's name")
        sex = "male" if lines.at(i + 4, f"the sex of {name}") == "#TRUE#" else "female"
        k = lines.integer(i + 5, f"the number of genotypes of {name}")
        triples = [
            (
                lines.integer(i + 6 + 3 * t, "an allele index"),
                lines.integer(i + 7 + 3 * t, "an allele index"),
                lines.integer(i + 8 + 3 * t, "a marker index"),
            )
            for t in range(k)
        ]
        out.append((name, sex, triples))
        i += 6 + 3 * k
    return out, i


def _relations(lines: _Lines, i: int, n: int) -> tuple[list[tuple[int, int]], int]:
    pairs = [
        (lines.integer(i + 2 * r, "a parent index"), lines.integer(i + 2 * r + 1, "a child index"))
        for r in range(n)
    ]
    return pairs, i + 2 * n


def _model(code: int, rate: float, rng: float, rate2: float, where: str) -> MutationModel:
    if code == 3:
        raise CaseFileError(
            f"{where}: the stationary stepwise model (code 3) is not supported",
            field=where,
            value=code,
            hint="use model 2 (stepwise) or 4 (extended stepwise) in Familias",
        )
    if code not in _MODELS:
        raise CaseFileError(
            f"{where}: unknown mutation model code",
            field=where,
            value=code,
            hint="codes are 0 equal, 1 proportional, 2 stepwise, 4 extended stepwise",
        )
    name = _MODELS[code]
    if name == "stepwise":
        return MutationModel.make(name, rate=rate, rate2=rate2, range=rng)
    return MutationModel.make(name, rate=rate)


def _loci(lines: _Lines, i: int, n: int) -> tuple[list[Locus], int]:
    loci = []
    for _k in range(n):
        name = lines.at(i, "a marker name")
        where = f"marker {name}"
        rf, rm = lines.num(i + 1, f"{where}: female mutation rate"), lines.num(i + 2, f"{where}: male rate")
        cf, cm = (
            lines.integer(i + 3, f"{where}: female model code"),
            lines.integer(i + 4, f"{where}: male model code"),
        )
        gf, gm = lines.num(i + 6, f"{where}: female range"), lines.num(i + 7, f"{where}: male range")
        sf, sm = lines.num(i + 8, f"{where}: female rate2"), lines.num(i + 9, f"{where}: male rate2")
        if lines.at(i + 10, f"{where}: silent flag") == "#TRUE#":
            raise CaseFileError(
                f"{where}: silent allele frequencies are not supported in .fam input",
                field=where,
                value="#TRUE#",
                hint="remove the silent allele in Familias",
            )
        info = lines.at(i + 12, f"{where}: number of alleles")
        try:
            n_al = int(re.split(r"\s", info, maxsplit=1)[0])
        except ValueError:
            raise CaseFileError(
                f"{lines.path}, line {i + 13}: expected the number of alleles of {name}",
                field=f"line {i + 13}",
                value=info,
            ) from None
        alleles = [lines.at(i + 13 + 2 * a, f"{where}: allele {a + 1}") for a in range(n_al)]
        freqs = []
        for a, allele in enumerate(alleles):
            text = lines.x[i + 14 + 2 * a].strip() if i + 14 + 2 * a < len(lines.x) else ""
            try:
                freqs.append(float(text))
            except ValueError:
                raise CaseFileError(
                    f"{where}: allele {allele} has no frequency (line {i + 15 + 2 * a}: {text!r})",
                    field=f"{where}: allele {allele}",
                    value=text,
                    hint="give the allele's frequency in the database",
                ) from None
        mut = None
        if rf > 0 or rm > 0:
            mut = SexMutation(
                female=_model(cf, rf, gf, sf, f"{where}: female model"),
                male=_model(cm, rm, gm, sm, f"{where}: male model"),
            )
        try:
            loci.append(Locus(name, tuple(alleles), tuple(freqs), mutation=mut))
        except HomecomingError as exc:
            raise CaseFileError(
                f"{where}: {exc.message}", field=where, value=exc.value, hint=exc.hint
            ) from None
        i += 13 + 2 * n_al
    return loci, i


def _main_pedigrees(
    lines: _Lines, i: int, names: list[str], sexes: list[str], notes: list[str]
) -> tuple[dict[str, Pedigree], int]:
    if lines.at(i, "'Known relations'") != "Known relations":
        raise CaseFileError(
            f"{lines.path}, line {i + 1}: expected 'Known relations'",
            field=f"line {i + 1}",
            value=lines.at(i, "'Known relations'"),
        )
    n_fem, n_mal = lines.integer(i + 1, "extra females"), lines.integer(i + 2, "extra males")
    ids = names + [f"extra_{k + 1}" for k in range(n_fem + n_mal)]
    sex = sexes + ["female"] * n_fem + ["male"] * n_mal
    fixed, i = _relations(lines, i + 4, lines.integer(i + 3, "the number of relations"))
    peds: dict[str, Pedigree] = {}
    n_peds = lines.integer(i, "the number of pedigrees")
    i += 1
    for _p in range(n_peds):
        name = lines.at(i + 1, "a pedigree name")
        nf, nm = lines.integer(i + 2, "extra females"), lines.integer(i + 3, "extra males")
        ids_p = ids + [f"{name}_extra_{k + 1}" for k in range(nf + nm)]
        sex_p = sex + ["female"] * nf + ["male"] * nm
        rels, i = _relations(lines, i + 5, lines.integer(i + 4, "the number of relations"))
        peds[name] = _pedigree(
            ids_p, sex_p, [(ids_p[a], ids_p[b]) for a, b in fixed + rels], f"pedigree {name}", notes
        )
    return peds, i


def _pedigree(
    ids: list[str], sex: list[str], pairs: list[tuple[str, str]], where: str, notes: list[str]
) -> Pedigree:
    sexes = dict(zip(ids, sex, strict=True))
    for parent, child in pairs:
        for who in (parent, child):
            sexes.setdefault(who, "unknown")
    for parent in dict.fromkeys(p for p, _c in pairs if sexes[p] == "unknown"):
        spouses = {q for q, c in pairs if q != parent and c in {c2 for p2, c2 in pairs if p2 == parent}}
        known = {sexes[s] for s in spouses}
        if known == {"male"}:
            sexes[parent] = "female"
        elif known == {"female"}:
            sexes[parent] = "male"
        elif not spouses:
            # A single parent of unknown sex: the file cannot tell; read it as the father and ask.
            sexes[parent] = "male"
            notes.append(
                f"{where}: question: is {parent!r} the father or the mother? The file gives no sex and "
                f"no partner; read as the father (give a Gender in Familias to decide)"
            )
        else:
            why = "no partner of known sex"
            raise CaseFileError(
                f"{where}: cannot decide the sex of parent {parent!r} ({why}): "
                f"is {parent!r} the father or the mother?",
                field=f"{where}: {parent}",
                value="unknown",
                hint="give the person a Gender (Male/Female) in Familias",
            )
    father = {c: p for p, c in pairs if sexes[p] == "male"}
    mother = {c: p for p, c in pairs if sexes[p] == "female"}
    pairs = list(pairs)
    n_added = 0
    for child in dict.fromkeys(c for _p, c in pairs):
        if (child in father) == (child in mother):
            continue
        n_added += 1
        new = f"added_{n_added}"
        while new in sexes:
            new += "_"
        present, role, added_sex = (
            (father[child], "mother", "female") if child in father else (mother[child], "father", "male")
        )
        sexes[new] = added_sex
        (mother if role == "mother" else father)[child] = new
        pairs.append((new, child))
        notes.append(
            f"{where}: {child!r} has one parent in the file ({present!r}); added an untyped founder "
            f"{new!r} as the {role}"
        )
    in_rel = {x for pair in pairs for x in pair}
    members = [i for i in dict.fromkeys([*ids, *sexes]) if i in in_rel or i in ids]
    try:
        return Pedigree.from_records(
            [{"id": m, "father": father.get(m), "mother": mother.get(m), "sex": sexes[m]} for m in members]
        )
    except HomecomingError as exc:
        raise CaseFileError(f"{where}: {exc.message}", field=where, value=exc.value, hint=exc.hint) from None


# --------------------------------------------------------------------------- DVI section
@dataclass
class _Section:
    name: str
    items: list[tuple[str, str]]
    children: list[_Section]

    def child(self, name: str, where: str) -> _Section:
        for c in self.children:
            if c.name == name:
                return c
        raise CaseFileError(
            f"{where}: no [{name}] section",
            field=where,
            value=None,
            hint=f"add the [{name}] section (see the Familias DVI format)",
        )

    def value(self, key: str, default: str | None = None) -> str | None:
        for k, v in self.items:
            if k == key:
                return v
        return default


def _sections(raw: Sequence[str]) -> _Section:
    root = _Section("", [], [])
    stack = [root]
    for line in raw:
        text = line.strip()
        if not text:
            continue
        depth = len(text) - len(text.lstrip("["))
        if depth:
            sec = _Section(text.strip("[] "), [], [])
            stack = stack[:depth]
            stack[-1].children.append(sec)
            stack.append(sec)
        elif "=" in text:
            key, _sep, value = text.partition("=")
            stack[-1].items.append((key.strip(), value.strip()))
    return root


def _dvi_person(sec: _Section, where: str, loci: Mapping[str, Locus]) -> tuple[str, str, Profile]:
    name = sec.value("Name")
    if not name:
        raise CaseFileError(f"{where}: a person has no Name", field=where, value=None, hint="add 'Name= ...'")
    sex = {"male": "male", "female": "female"}.get((sec.value("Gender") or "").lower(), "unknown")
    genos: dict[str, list[str]] = {}
    for c in sec.children:
        if c.name != "DNA data":
            continue
        current: str | None = None
        for key, value in c.items:
            if key == "SystemName":
                current = value
                if value not in loci:
                    raise CaseFileError(
                        f"{where}, person {name}: marker {value} is not in the database",
                        field=f"{where}: {name}",
                        value=value,
                        hint="add the marker to the database",
                    )
                genos[value] = []
            elif key in ("Allele1", "Allele2") and current is not None:
                genos[current].append(value)
    return name, sex, Profile.from_mapping(name, {m: g for m, g in genos.items() if g})


def _dvi(
    raw: Sequence[str], path: str, loci: Sequence[Locus]
) -> tuple[list[tuple[Profile, str]], list[Family], list[str]]:
    root = _sections(raw)
    dvi = root.child("DVI", path)
    by_name = {lc.name: lc for lc in loci}
    victims: list[tuple[Profile, str]] = []
    notes: list[str] = []
    for sec in next((c.children for c in dvi.children if c.name == "Unidentified persons"), []):
        _name, sex, prof = _dvi_person(sec, f"{path}: Unidentified persons", by_name)
        victims.append((prof, sex))
    families = []
    for k, fam in enumerate(dvi.child("Reference Families", path).children):
        fname = fam.value("Name") or f"Family {k + 1}"
        where = f"{path}: family {fname}"
        people = [_dvi_person(p, where, by_name) for p in fam.child("Persons", where).children]
        peds = fam.child("Pedigrees", where).children
        chosen = [p for p in peds if any(_is_missing(v) for k, v in p.items if k in ("Parent", "Child"))]
        if not chosen:
            raise CaseFileError(
                f"{where}: no pedigree links the {MISSING!r} (or another untyped 'Missing ...' person)",
                field=where,
                value=None,
                hint="connect the missing person in the family's pedigree",
            )
        ped = chosen[-1]
        keys = [(key, value) for key, value in ped.items if key in ("Parent", "Child")]
        typed = {n for n, _s, p in people if p.markers}
        in_ped = [v for _k, v in keys]
        rename = {
            n: f"{fname}:{n}"
            for n in dict.fromkeys([*(n for n, _s, _p in people), *in_ped])
            if _is_missing(n) and n not in typed
        }
        pairs = [
            (rename.get(keys[r][1], keys[r][1]), rename.get(keys[r + 1][1], keys[r + 1][1]))
            for r in range(0, len(keys) - 1, 2)
        ]
        # untyped persons outside the chosen pedigree's relations are not part of the family
        people = [(n, s, p) for n, s, p in people if p.markers or n in in_ped]
        names = [rename.get(n, n) for n, _s, _p in people]
        pedigree = _pedigree(names, [s for _n, s, _p in people], pairs, where, notes)
        missing = tuple(m for m in rename.values() if m in pedigree)
        refs = {n: p for n, _s, p in people if p.markers}
        families.append(Family(fname, pedigree, refs, missing))
    return victims, families, notes


def _is_missing(name: str) -> bool:
    return name.startswith("Missing")


def read_fam(source: Path | str, /) -> FamFile:
    """Parse a .fam file (database, persons, pedigrees and, if present, the DVI section)."""
    path = Path(source)
    try:
        raw = path.read_text(encoding="utf-8-sig", errors="replace").splitlines()
    except OSError as exc:
        raise CaseFileError(
            f"cannot read {path}: {exc.strerror}", field="file", value=str(path), hint="check the path"
        ) from None
    lines = _Lines(str(path), raw)
    version = lines.at(2, "the Familias version")
    nid_line = 3 if lines.at(3, "the number of persons") != "" else 4
    people, i = _persons(lines, nid_line + 1, lines.integer(nid_line, "the number of persons"))
    notes: list[str] = []
    peds, i = _main_pedigrees(lines, i, [p[0] for p in people], [p[1] for p in people], notes)
    head = lines.at(i, "the database line")
    if head.startswith("#TRUE#"):
        raise CaseFileError(
            f"{path}, line {i + 1}: precomputed probabilities are not supported",
            field=f"line {i + 1}",
            value=head,
            hint="save the file without results in Familias",
        )
    found = re.search(r"Theta/Kinship/Fst:\s*([0-9.eE+-]+)", head)
    theta = float(found.group(1)) if found else 0.0
    n_loci = lines.integer(i + 1, "the number of loci")
    has_info = lines.at(i + 2, "the database flag") == "#TRUE#"
    loci, _end = _loci(lines, i + 2 + int(has_info) + 1, n_loci)
    persons = {}
    for name, sex, triples in people:
        genos: dict[str, object] = {}
        for a1, a2, m in triples:
            if not 0 <= m < len(loci):
                raise CaseFileError(
                    f"{path}: person {name} has a marker index {m} outside the database", field=name, value=m
                )
            lc = loci[m]
            genos[lc.name] = [lc.alleles[a] if 0 <= a < lc.n_alleles else None for a in (a1, a2)]
        persons[name] = (sex, Profile.from_mapping(name, genos))
    has_dvi = "[DVI]" in (line.strip() for line in raw)
    victims: list[tuple[Profile, str]] = []
    families: list[Family] = []
    if has_dvi:
        start = next(k for k, line in enumerate(raw) if line.strip() == "[DVI]")
        victims, families, dvi_notes = _dvi(raw[start:], str(path), loci)
        notes += dvi_notes
    return FamFile(
        version, theta, tuple(loci), persons, peds, tuple(victims), tuple(families), has_dvi, tuple(notes)
    )


def read_fam_case(source: Path | str, /) -> DviCase:
    """A DVI case from the DVI section of a .fam file (candidates: sex-compatible pairs)."""
    fam = read_fam(source)
    if not fam.has_dvi:
        raise CaseFileError(
            f"{source}: no [DVI] section",
            field="[DVI]",
            value=None,
            hint="export the DVI module's data from Familias, or use a JSON DVI case",
        )
    try:
        problem = DviProblem.make(
            [p for p, _s in fam.victims],
            fam.families,
            loci=fam.loci,
            victim_sex={p.sample: s for p, s in fam.victims},
            theta=fam.theta,
        )
        problem = dataclasses.replace(problem, notes=(*fam.notes, *problem.notes))
    except HomecomingError as exc:
        raise CaseFileError(
            f"{source}: {str(exc).splitlines()[0]}", field=exc.field, value=exc.value, hint=exc.hint
        ) from None
    doc: dict[str, Any] = {"source": str(source), "familias_version": fam.version}
    return DviCase(Path(source).stem, f"Familias file {Path(source).name}", problem, None, None, doc)
