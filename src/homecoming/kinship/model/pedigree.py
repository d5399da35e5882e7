"""Frozen pedigrees: labels outside, integer indices inside.

``Pedigree.from_records`` is the friendly constructor (checks everything and lists every problem at
once); ``Pedigree(ids=..., father=..., mother=..., sex=...)`` is the trusted low-level one (indices,
``-1`` = no parent; sex 0 unknown, 1 male, 2 female). ``validate()`` raises a ``PedigreeError`` listing
every problem; ``problems()`` returns them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from homecoming.errors import PedigreeError, Problem

UNKNOWN, MALE, FEMALE = 0, 1, 2
_SEX_WORDS = {
    "male": MALE,
    "m": MALE,
    "1": MALE,
    "female": FEMALE,
    "f": FEMALE,
    "2": FEMALE,
    "unknown": UNKNOWN,
    "u": UNKNOWN,
    "0": UNKNOWN,
    "none": UNKNOWN,
    "": UNKNOWN,
}
SEX_NAMES = {UNKNOWN: "unknown", MALE: "male", FEMALE: "female"}


@dataclass(frozen=True)
class Pedigree:
    """Members ``ids[i]`` with parent indices ``father[i]``, ``mother[i]`` (-1 for founders)."""

    ids: tuple[str, ...]
    father: tuple[int, ...]
    mother: tuple[int, ...]
    sex: tuple[int, ...]

    # ----------------------------------------------------------------- construction
    @classmethod
    def from_records(cls, records: Iterable[Mapping[str, object] | Sequence[object]]) -> Pedigree:
        """From ``{"id", "father", "mother", "sex"}`` mappings or ``(id, father, mother, sex)`` tuples."""
        rows: list[tuple[str, str | None, str | None, object]] = []
        for rec in records:
            if isinstance(rec, Mapping):
                rows.append(
                    (
                        str(rec.get("id")),
                        _opt(rec.get("father")),
                        _opt(rec.get("mother")),
                        rec.get("sex", "unknown"),
                    )
                )
            else:
                rid, fa, mo, *rest = list(rec)
                rows.append((str(rid), _opt(fa), _opt(mo), rest[0] if rest else "unknown"))
        problems: list[Problem] = []
        index: dict[str, int] = {}
        for i, (rid, *_r) in enumerate(rows):
            if rid in index:
                problems.append(
                    Problem(f"person {rid}", "duplicate id", rid, "give every person one row", row=i + 1)
                )
            index.setdefault(rid, i)
        sexes = []
        for rid, _fa, _mo, sx in rows:
            code = _SEX_WORDS.get(str(sx).strip().lower()) if sx is not None else UNKNOWN
            if code is None:
                problems.append(
                    Problem(f"person {rid}: sex", "unknown sex", sx, "use 'male', 'female' or 'unknown'")
                )
                code = UNKNOWN
            sexes.append(code)
        fathers: list[int] = []
        mothers: list[int] = []
        for rid, fa, mo, _sx in rows:
            for role, parent, out in (("father", fa, fathers), ("mother", mo, mothers)):
                if parent is not None and parent not in index:
                    problems.append(
                        Problem(
                            f"person {rid}: {role}",
                            f"unknown {role} id",
                            parent,
                            f"add {parent} as a member or fix the id",
                        )
                    )
                out.append(index.get(parent, -1) if parent is not None else -1)
            if (fa is None) != (mo is None):
                problems.append(
                    Problem(
                        f"person {rid}",
                        "has one parent but not the other",
                        fa or mo,
                        "give both parents (add an untyped partner) or neither",
                    )
                )
        ped = cls(
            ids=tuple(r[0] for r in rows), father=tuple(fathers), mother=tuple(mothers), sex=tuple(sexes)
        )
        problems += [
            p for p in ped.problems() if "parent missing" not in p.message and p.message != "duplicate id"
        ]
        if problems:
            raise _error(problems)
        return ped

    @classmethod
    def singleton(cls, ident: str, /, *, sex: str = "unknown") -> Pedigree:
        return cls.from_records([{"id": ident, "sex": sex}])

    # ----------------------------------------------------------------- checks
    def problems(self) -> list[Problem]:
        """Every structural problem (empty list when the pedigree is valid)."""
        out: list[Problem] = []
        n = len(self.ids)
        if not (len(self.father) == len(self.mother) == len(self.sex) == n):
            return [Problem("pedigree", "ids, father, mother and sex differ in length", n)]
        seen: set[str] = set()
        for i, ident in enumerate(self.ids):
            if ident in seen:
                out.append(Problem(f"person {ident}", "duplicate id", ident, "give every person one row"))
            seen.add(ident)
            fa, mo = self.father[i], self.mother[i]
            if (fa < 0) != (mo < 0):
                out.append(
                    Problem(
                        f"person {ident}",
                        "has one parent but not the other (parent missing)",
                        None,
                        "give both parents or neither",
                    )
                )
            for role, p, want in (("father", fa, MALE), ("mother", mo, FEMALE)):
                if p >= n:
                    out.append(Problem(f"person {ident}: {role}", "parent index out of range", p))
                elif p == i:
                    out.append(Problem(f"person {ident}: {role}", "is their own parent", ident))
                elif p >= 0 and self.sex[p] != want:
                    out.append(
                        Problem(
                            f"person {ident}: {role}",
                            f"{role} {self.ids[p]} has sex {SEX_NAMES.get(self.sex[p], '?')}",
                            self.ids[p],
                            f"a {role} must be {SEX_NAMES[want]}",
                        )
                    )
        if not out:
            out += [
                Problem(
                    f"person {self.ids[i]}",
                    "is their own ancestor",
                    self.ids[i],
                    "break the cycle in the parent links",
                )
                for i in self._cycle_members()
            ]
        return out

    def validate(self) -> Pedigree:
        """Raise ``PedigreeError`` listing every problem; return ``self`` when valid."""
        problems = self.problems()
        if problems:
            raise _error(problems)
        return self

    def _cycle_members(self) -> list[int]:
        state = [0] * len(self.ids)  # 0 new, 1 on stack, 2 done
        bad: set[int] = set()
        for start in range(len(self.ids)):
            stack = [(start, 0)]
            while stack:
                node, k = stack.pop()
                if k == 0:
                    if state[node] == 2:
                        continue
                    if state[node] == 1:
                        bad.add(node)
                        continue
                    state[node] = 1
                    stack.append((node, 1))
                    for p in (self.father[node], self.mother[node]):
                        if p >= 0 and state[p] != 2:
                            if state[p] == 1:
                                bad.add(p)
                            else:
                                stack.append((p, 0))
                else:
                    state[node] = 2
        return sorted(bad)

    # ----------------------------------------------------------------- queries
    def __len__(self) -> int:
        return len(self.ids)

    @cached_property
    def _index(self) -> dict[str, int]:
        return {ident: i for i, ident in enumerate(self.ids)}

    def index(self, ident: str) -> int:
        try:
            return self._index[ident]
        except KeyError:
            raise PedigreeError(
                f"no person {ident!r} in the pedigree",
                field="id",
                value=ident,
                hint=f"members are {', '.join(self.ids)}",
            ) from None

    def __contains__(self, ident: object) -> bool:
        return ident in self._index

    def is_founder(self, i: int) -> bool:
        return self.father[i] < 0

    @cached_property
    def founders(self) -> tuple[int, ...]:
        return tuple(i for i in range(len(self.ids)) if self.father[i] < 0)

    @cached_property
    def components(self) -> tuple[tuple[int, ...], ...]:
        """Connected components (by parent links), each a sorted tuple of indices."""
        parent = list(range(len(self.ids)))

        def find(x: int) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for i in range(len(self.ids)):
            for p in (self.father[i], self.mother[i]):
                if p >= 0:
                    parent[find(i)] = find(p)
        groups: dict[int, list[int]] = {}
        for i in range(len(self.ids)):
            groups.setdefault(find(i), []).append(i)
        return tuple(tuple(g) for g in sorted(groups.values()))

    def records(self) -> list[dict[str, str | None]]:
        return [
            {
                "id": ident,
                "father": self.ids[f] if f >= 0 else None,
                "mother": self.ids[m] if m >= 0 else None,
                "sex": SEX_NAMES[s],
            }
            for ident, f, m, s in zip(self.ids, self.father, self.mother, self.sex, strict=True)
        ]

    def with_members(self, records: Iterable[Mapping[str, object]]) -> Pedigree:
        """A new pedigree with extra members appended (checked)."""
        return Pedigree.from_records([*self.records(), *records])

    def without(self, ident: str) -> Pedigree:
        """The pedigree without one member who has no children (e.g. to build an unrelated hypothesis)."""
        i = self.index(ident)
        if i in self.father or i in self.mother:
            raise PedigreeError(f"cannot remove {ident}: they have children", field="id", value=ident)
        return Pedigree.from_records([r for r in self.records() if r["id"] != ident])


def _opt(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return None if text in ("", "0", "NA", "None") else text


def _error(problems: list[Problem]) -> PedigreeError:
    return PedigreeError.from_problems(problems, "the pedigree", listed=None)
