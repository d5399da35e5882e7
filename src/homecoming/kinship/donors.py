"""Where an additional reference donor would stand in a family's pedigree (:func:`with_donor`).

A relation names a relative of the missing person (``RELATIONS``). :func:`with_donor` returns the
pedigree with that relative in it, adding the untyped members that connect them (the missing person's
parents for a full sibling, the other parent of a half sibling or child, ...), and the donor's id. An
existing untyped member in that place is reused (the father already in the pedigree is the father); a
typed one cannot be sampled again (:class:`~homecoming.errors.HypothesisError`).
"""

from __future__ import annotations

from collections.abc import Mapping

from homecoming.errors import HypothesisError
from homecoming.kinship.model.pedigree import Pedigree

RELATIONS: dict[str, str] = {
    "father": "the missing person's father",
    "mother": "the missing person's mother",
    "full_sibling": "a full brother of the missing person",
    "paternal_half_sibling": "a half brother on the father's side",
    "maternal_half_sibling": "a half brother on the mother's side",
    "child": "a son of the missing person (his or her partner untyped)",
    "spouse": "the other parent of the missing person's children",
    "paternal_grandfather": "the father's father",
    "paternal_grandmother": "the father's mother",
    "maternal_grandfather": "the mother's father",
    "maternal_grandmother": "the mother's mother",
    "paternal_uncle": "a full brother of the father (an aunt is the same on autosomes)",
    "maternal_uncle": "a full brother of the mother (an aunt is the same on autosomes)",
    "paternal_cousin": "a son of a full brother of the father (first cousin)",
    "maternal_cousin": "a son of a full brother of the mother (first cousin)",
}

Record = dict[str, str | None]


class _Builder:
    """Mutable records of a pedigree being extended, with fresh ids for added members."""

    def __init__(self, pedigree: Pedigree, typed: set[str]) -> None:
        self.records: list[Record] = pedigree.records()
        self.by_id = {r["id"]: r for r in self.records}
        self.typed = typed
        self.added: list[str] = []

    def fresh(self, stem: str) -> str:
        stem = stem.lstrip("+")
        name, k = f"+{stem}", 2
        while name in self.by_id:
            name, k = f"+{stem}{k}", k + 1
        return name

    def add(self, stem: str, sex: str, father: str | None = None, mother: str | None = None) -> str:
        ident = self.fresh(stem)
        rec: Record = {"id": ident, "father": father, "mother": mother, "sex": sex}
        self.records.append(rec)
        self.by_id[ident] = rec
        self.added.append(ident)
        return ident

    def parents(self, person: str) -> tuple[str, str]:
        """The person's father and mother, added as untyped founders when absent."""
        rec = self.by_id[person]
        if rec["father"] is None or rec["mother"] is None:
            rec["father"] = self.add(f"{person}-father", "male")
            rec["mother"] = self.add(f"{person}-mother", "female")
        return str(rec["father"]), str(rec["mother"])

    def partner(self, person: str) -> str:
        """The other parent of ``person``'s first child, or a new untyped partner."""
        sex = self.by_id[person]["sex"]
        if sex not in ("male", "female"):
            raise HypothesisError(
                f"{person} has unknown sex and cannot be a parent in the pedigree",
                field="missing",
                value=person,
                hint="give the missing person's sex",
            )
        role, other = ("father", "mother") if sex == "male" else ("mother", "father")
        for rec in self.records:
            if rec[role] == person and rec[other] is not None:
                return str(rec[other])
        return self.add(f"{person}-partner", "female" if sex == "male" else "male")

    def child(self, stem: str, father: str, mother: str) -> str:
        return self.add(stem, "male", father, mother)

    def untyped(self, ident: str, relation: str) -> str:
        if ident in self.typed:
            raise HypothesisError(
                f"the {relation.replace('_', ' ')} ({ident}) is already typed",
                field="relation",
                value=relation,
                hint="choose a relative who has not given a sample",
            )
        return ident


def with_donor(
    pedigree: Pedigree, missing: str, relation: str, /, *, typed: Mapping[str, object] | None = None
) -> tuple[Pedigree, str]:
    """``(extended pedigree, donor id)``: ``pedigree`` with the ``relation`` of ``missing`` in it.

    ``typed`` (ids of members with samples) makes a relation that points at a typed member an error.
    """
    pedigree.validate()
    if relation not in RELATIONS:
        raise HypothesisError(
            f"unknown relation {relation!r}",
            field="relation",
            value=relation,
            hint=f"use one of {', '.join(RELATIONS)}",
        )
    pedigree.index(missing)
    b = _Builder(pedigree, set(typed or ()))
    donor = _place(b, missing, relation)
    return Pedigree.from_records(b.records), donor


def _place(b: _Builder, mp: str, relation: str) -> str:
    if relation in ("father", "mother"):
        fa, mo = b.parents(mp)
        return b.untyped(fa if relation == "father" else mo, relation)
    if relation == "full_sibling":
        return b.child("sibling", *b.parents(mp))
    if relation in ("paternal_half_sibling", "maternal_half_sibling"):
        fa, mo = b.parents(mp)
        if relation.startswith("paternal"):
            return b.child("half-sibling", fa, b.add(f"{fa}-partner", "female"))
        return b.child("half-sibling", b.add(f"{mo}-partner", "male"), mo)
    if relation in ("child", "spouse"):
        partner = b.partner(mp)
        if relation == "spouse":
            if partner in b.added:
                raise HypothesisError(
                    f"{mp} has no children in the pedigree, so a spouse is unrelated",
                    field="relation",
                    value=relation,
                    hint="add the missing person's children first, or sample a child",
                )
            return b.untyped(partner, relation)
        male = b.by_id[mp]["sex"] == "male"
        return b.child("child", mp if male else partner, partner if male else mp)
    side, kind = relation.split("_", 1)
    fa, mo = b.parents(mp)
    parent = fa if side == "paternal" else mo
    gfa, gmo = b.parents(parent)
    if kind == "grandfather":
        return b.untyped(gfa, relation)
    if kind == "grandmother":
        return b.untyped(gmo, relation)
    uncle = b.child("uncle", gfa, gmo)
    if kind == "uncle":
        return uncle
    return b.child("cousin", uncle, b.add(f"{uncle}-partner", "female"))
