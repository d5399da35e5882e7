"""The stored evidence's explanations in the reader's language.

A stored non-DNA factor (:class:`homecoming.domain.evidence.Factor` as JSON) carries its English sentence
(``explanation``, kept for the API and for rows written before codes existed) and, since, the sentence's
``code`` and ``params``; the family rule likewise carries ``params`` (its sentence chosen by ``met`` and
``route``). :func:`factor_explanation` and :func:`rule_explanation` say the sentence again through gettext
in the active language — in English the same words as the stored sentence — and fall back to the stored
sentence when there is no code (an old row). The pages and the PDF use them through the template filters
of ``templatetags/evidence_text.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

FACTOR_LABELS = {
    "sex": gettext_lazy("sex"),
    "age": gettext_lazy("age"),
    "place_date": gettext_lazy("place and date"),
}


def _sex(word: str) -> str:
    return {"male": _("male"), "female": _("female")}.get(word, word)


def _join(items: list[str]) -> str:
    return (" " + _("and") + " ").join(items)


def _sex_text(code: str, p: Mapping[str, str]) -> str | None:
    if code == "sex.not_assessed.body":
        return _("Not assessed: the examination's sex is unknown, so sex counts as 1.")
    if code == "sex.not_assessed.person":
        return _("Not assessed: the person's sex is unknown, so sex counts as 1.")
    if code == "sex.not_assessed.both":
        return _("Not assessed: both sexes are unknown, so sex counts as 1.")
    words = {**p, "body": _sex(p.get("body", "")), "person": _sex(p.get("person", ""))}
    if code == "sex.match":
        return (
            _(
                "The body was examined as %(body)s and the person is %(person)s: a match, "
                "LR = (1 - %(error)s) / %(share)s = %(lr)s."
            )
            % words
        )
    if code == "sex.mismatch":
        return (
            _(
                "The body was examined as %(body)s but the person is %(person)s: a mismatch, "
                "LR = %(error)s / %(share)s = %(lr)s."
            )
            % words
        )
    return None


def _age_text(code: str, p: Mapping[str, str]) -> str | None:
    if code == "age.not_assessed":
        names = {
            "range": _("the examination's age range"),
            "birth": _("the person's birth date"),
            "date": _("the date of death or recovery"),
        }
        missing = [str(names.get(c, c)) for c in p.get("missing", "").split(",") if c]
        if len(missing) == 1:
            return _("Not assessed: %(missing)s is unknown, so age counts as 1.") % {"missing": missing[0]}
        return _("Not assessed: %(missing)s are unknown, so age counts as 1.") % {"missing": _join(missing)}
    if code not in ("age.inside", "age.outside", "age.partly"):
        return None
    if p["youngest"] == p["oldest"]:
        ages = _("aged %(age)s") % {"age": p["youngest"]}
    else:
        ages = _("aged between %(youngest)s and %(oldest)s") % p
    if p.get("widened"):
        window = _("%(low)s-%(high)s years (widened to the estimate's uncertainty)") % p
    else:
        window = _("%(low)s-%(high)s years") % p
    values = {**p, "window": window}
    if code == "age.inside":
        verdict = _("inside the window %(window)s: LR = (1 - %(error)s) / %(share)s = %(lr)s.") % values
    elif code == "age.outside":
        verdict = _("outside the window %(window)s: LR = %(error)s / (1 - %(share)s) = %(lr)s.") % values
    else:
        values["dates"] = _("birth and death dates") if p.get("dates") == "birth_death" else _("birth dates")
        verdict = (
            _(
                "inside the window %(window)s on %(percent)s%% of the possible %(dates)s: "
                "LR = %(f)s × %(lr_in)s + %(rest)s × %(lr_out)s = %(lr)s."
            )
            % values
        )
    return _("The person was %(ages)s years on %(on)s, %(verdict)s") % {
        "ages": ages,
        "on": p["on"],
        "verdict": verdict,
    }


def _place_text(code: str, p: Mapping[str, str]) -> str | None:
    if code == "place_date.not_assessed":
        return _("Not assessed: the places and the dates are incomplete, so place and date count as 1.")
    if code != "place_date":
        return None
    if p.get("place") == "within":
        place = _(
            "found %(km)s km from where the person was last seen, within %(radius)s km (LR %(place_lr)s)"
        )
    elif p.get("place") == "beyond":
        place = _(
            "found %(km)s km from where the person was last seen, beyond %(radius)s km (LR %(place_lr)s)"
        )
    else:
        place = _("place not compared (a place is missing)")
    if p.get("date") == "after":
        date = _("found on or after the day the person was last seen (LR %(date_lr)s)")
    elif p.get("date") == "before":
        date = _("found before the day the person was last seen (LR %(date_lr)s)")
    else:
        date = _("date not compared (a date is missing)")
    return _("Place and date: %(place)s; %(date)s; together LR = %(lr)s.") % {
        "place": place % p if "%(" in place else place,
        "date": date % p if "%(" in date else date,
        "lr": p["lr"],
    }


_BY_NAME: dict[str, Callable[[str, Mapping[str, str]], str | None]] = {
    "sex": _sex_text,
    "age": _age_text,
    "place_date": _place_text,
}


def factor_explanation(factor: Mapping[str, Any]) -> str:
    """The factor's explanation in the active language (its stored English sentence when it has no code
    or its parameters do not fit the sentence)."""
    if not isinstance(factor, Mapping):
        return ""
    stored = str(factor.get("explanation", ""))
    code, params = factor.get("code") or "", factor.get("params") or {}
    say = _BY_NAME.get(str(factor.get("name", "")))
    if not code or say is None or not isinstance(params, Mapping):
        return stored
    try:
        return say(str(code), {str(k): str(v) for k, v in params.items()}) or stored
    except (KeyError, TypeError, ValueError):
        return stored


def factor_label(factor: Mapping[str, Any]) -> str:
    name = str(factor.get("name", "")) if isinstance(factor, Mapping) else ""
    return str(FACTOR_LABELS.get(name, name))


def rule_explanation(rule: Mapping[str, Any]) -> str:
    """The family rule's explanation in the active language (the stored sentence for an old row)."""
    if not isinstance(rule, Mapping):
        return ""
    stored = str(rule.get("explanation", ""))
    p = rule.get("params")
    if not isinstance(p, Mapping) or not p:
        return stored
    try:
        if rule.get("met") and rule.get("route") == "two_relatives":
            return _("%(close)s close relatives typed (%(codes)s); %(relatives_needed)s needed") % p
        if rule.get("met") and rule.get("route") == "two_methods":
            return _("%(codes)s typed with %(methods_needed)s or more methods") % p
        if p.get("who") == "close":
            return (
                _(
                    "%(close)s close relative(s) typed, %(relatives_needed)s needed; "
                    "no close relative typed with %(methods_needed)s methods"
                )
                % p
            )
        return (
            _(
                "%(close)s close relative(s) typed, %(relatives_needed)s needed; "
                "no relative typed with %(methods_needed)s methods"
            )
            % p
        )
    except (KeyError, TypeError, ValueError):
        return stored
