"""The identification rule in force in Ukraine: two close relatives typed, or one typed with two methods.

Source: the Ministry of Internal Affairs of Ukraine, as reported by UNN on 26 February 2026 ("The
procedure for identifying unidentified bodies is now carried out exclusively using samples from two
close relatives or a sample from one relative – using two different DNA methods. The priority is
comparison with a lifetime sample taken from a missing person, if available."), and by inkorr.com
("at least two distinct methods or ... the DNA profiles of two relatives"). We found no official text
(order or instruction) that defines *close relative* or *method*; so the rule's parameters are explicit
(:class:`RuleParameters`) and the defaults are our reading:

* **close relatives** are the first-degree relatives: father, mother, children and full siblings
  (half siblings, grandparents, uncles, aunts and cousins are not);
* **two relatives**: two *different* close relatives each with a usable profile (any method);
* **one relative with two methods**: one close relative typed with two different methods (e.g.
  autosomal STR and Y-STR); we require that relative to be close as well (``one_must_be_close``);
  whether the second method is informative for the relation (Y-STR only through the paternal line) is
  left to the analyst and not checked here;
* a lifetime sample of the missing person (a direct reference) is outside this rule: it is compared
  first when there is one, and the rule speaks of relatives.

The function is pure: plain values in, a :class:`RuleResult` out (met or not, by which route, why).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

CLOSE_RELATIONS: frozenset[str] = frozenset({"father", "mother", "child", "full_sibling"})

__all__ = ["CLOSE_RELATIONS", "RuleParameters", "RuleResult", "TypedRelative", "check"]


@dataclass(frozen=True)
class TypedRelative:
    """A relative of the missing person with the DNA methods its usable profiles were typed with."""

    code: str
    relation: str
    methods: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def make(cls, code: str, relation: str, methods: Iterable[str]) -> TypedRelative:
        return cls(code, relation, frozenset(methods))


@dataclass(frozen=True)
class RuleParameters:
    """The rule's parameters (the defaults are our reading of the MIA rule; see the module text)."""

    close: frozenset[str] = CLOSE_RELATIONS
    relatives_needed: int = 2
    methods_needed: int = 2
    one_must_be_close: bool = True


@dataclass(frozen=True)
class RuleResult:
    """Whether the rule is met; ``route`` is ``"two_relatives"``, ``"two_methods"`` or ``""``."""

    met: bool
    route: str
    close_typed: tuple[str, ...]
    multi_method: tuple[str, ...]
    explanation: str
    params: dict[str, str] = field(default_factory=dict)
    """The numbers the explanation names (``close``, ``relatives_needed``, ``methods_needed``, ``codes``,
    ``who``: ``close`` or ``any``), so a reader can say it in another language (the sentence is chosen by
    ``met`` and ``route``)."""


def check(relatives: Sequence[TypedRelative], /, *, params: RuleParameters | None = None) -> RuleResult:
    """Check the rule for the typed relatives of one missing person (members without methods are untyped)."""
    p = params or RuleParameters()
    typed = [r for r in relatives if r.methods]
    close = tuple(sorted({r.code for r in typed if r.relation in p.close}))
    pool = [r for r in typed if r.relation in p.close] if p.one_must_be_close else typed
    multi = tuple(sorted({r.code for r in pool if len(r.methods) >= p.methods_needed}))
    said = {
        "close": str(len(close)),
        "relatives_needed": str(p.relatives_needed),
        "methods_needed": str(p.methods_needed),
        "who": "close" if p.one_must_be_close else "any",
    }
    if len(close) >= p.relatives_needed:
        return RuleResult(
            True,
            "two_relatives",
            close,
            multi,
            f"{len(close)} close relatives typed ({', '.join(close)}); {p.relatives_needed} needed",
            {**said, "codes": ", ".join(close)},
        )
    if multi:
        return RuleResult(
            True,
            "two_methods",
            close,
            multi,
            f"{multi[0]} typed with {p.methods_needed} or more methods",
            {**said, "codes": multi[0]},
        )
    who = "close relative" if p.one_must_be_close else "relative"
    return RuleResult(
        False,
        "",
        close,
        multi,
        f"{len(close)} close relative(s) typed, {p.relatives_needed} needed; no {who} typed with "
        f"{p.methods_needed} methods",
        said,
    )
