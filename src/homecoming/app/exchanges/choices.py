"""Choices of the exchanges app, built from the pure rules in ``homecoming.domain.exchange_states``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from homecoming.domain.exchange_states import (
    AGREEMENT_LABELS,
    OPERATION_LABELS,
    AgreementState,
    OperationState,
)

# the labels are English in the pure rules; translated here (msgids listed in i18n_labels.py)
AGREEMENT_STATES = [(s.value, _(AGREEMENT_LABELS[s])) for s in AgreementState]
OPERATION_STATES = [(s.value, _(OPERATION_LABELS[s])) for s in OperationState]


class QuotaRule(models.TextChoices):
    n_for_n = "n_for_n", _("n for n (the same number each way)")
    all_for_all = "all_for_all", _("all for all in the category")
    unilateral = "unilateral", _("unilateral (one party hands over)")
    minimum = "minimum", _("at least a minimum count")


class Unit(models.TextChoices):
    bodies = "bodies", _("bodies")
    prisoners = "prisoners", _("prisoners")
    civilians = "civilians", _("civilians")


class OperationKind(models.TextChoices):
    prisoner_exchange = "prisoner_exchange", _("prisoner exchange")
    release = "release", _("release")
    remains_repatriation = "remains_repatriation", _("repatriation of remains")
    civilian_return = "civilian_return", _("return of civilians")


class DateQualifier(models.TextChoices):
    exact = "exact", _("exact")
    approximate = "approximate", _("approximate")
    assumed = "assumed", _("assumed (inferred)")
    unknown = "unknown", _("unknown")


class Characterisation(models.TextChoices):
    exchange = "exchange", _("an exchange")
    unilateral_repatriation = "unilateral_repatriation", _("a unilateral repatriation")
    other = "other", _("other")


class ManifestStage(models.TextChoices):
    proposed = "proposed", _("proposed")
    counter_proposal = "counter_proposal", _("counter-proposal")
    agreed = "agreed", _("agreed")
    executed = "executed", _("executed")


class Consent(models.TextChoices):
    not_required = "not_required", _("not required")
    given = "given", _("given")
    refused = "refused", _("refused")
    unknown = "unknown", _("unknown")


class Outcome(models.TextChoices):
    pending = "pending", _("pending")
    transferred = "transferred", _("transferred")
    withdrawn = "withdrawn", _("withdrawn")
    refused = "refused", _("refused")
    not_presented = "not_presented", _("not presented")
    substituted = "substituted", _("substituted")
    unexpected_arrival = "unexpected_arrival", _("unexpected arrival")


DELIVERED_OUTCOMES = ("transferred", "substituted", "unexpected_arrival")


class Qualifier(models.TextChoices):
    exact = "exact", _("exact")
    approximate = "approximate", _("approximate")
    lower_bound = "lower_bound", _('lower bound ("over", "at least")')
    silent = "silent", _("no figure given (source silent)")


class FigureRole(models.TextChoices):
    declared_by_sender = "declared_by_sender", _("declared by the sender")
    counted_by_receiver = "counted_by_receiver", _("counted by the receiver")
    reported_by_source = "reported_by_source", _("reported by a source")


class SourceKind(models.TextChoices):
    party_body = "party_body", _("a party's body")
    official = "official", _("an official")
    intermediary = "intermediary", _("the intermediary")
    news_agency = "news_agency", _("a news agency")
    news_agency_unnamed = "news_agency_unnamed", _("a news agency citing an unnamed source")
    other = "other", _("other")


class Reliability(models.TextChoices):
    A = "A", _("A — completely reliable")
    B = "B", _("B — usually reliable")
    C = "C", _("C — fairly reliable")
    D = "D", _("D — not usually reliable")
    E = "E", _("E — unreliable")
    F = "F", _("F — reliability cannot be judged")


class IdentificationVerdict(models.TextChoices):
    confirms = "confirms", _("confirms the claim")
    contradicts = "contradicts", _("contradicts the claim")
    inconclusive = "inconclusive", _("inconclusive")


class Measure(models.TextChoices):
    delivered = "delivered", _("handed over")
    dead_from_wounded_list = (
        "dead_from_wounded_list",
        _("of them: died in captivity while on the list due for exchange"),
    )
    other = "other", _("other count")


class Evidence(models.TextChoices):
    """Which evidence a person decided an operation's delivered count in the ledger uses."""

    manifest = "manifest", _("the executed manifest")
    figure = "figure", _("the reported figure")


class DecisionVerdict(models.TextChoices):
    accepted = "accepted", _("accepted")
    rejected = "rejected", _("rejected")
