"""The dashboard: each role's own work, as sections decided by the user's permissions.

A section is shown to whoever holds the permissions of the work it lists (a user with several roles sees
the sections of each); nothing is read for a section the user does not get. Each list is bounded
(:data:`worklists.DASHBOARD_ROWS` rows), says how many there are in all and links to the whole list
("see all") — a page the same user may open (``navigation.may_open``).

===========================  ==========================================  ==========================
section                      shown to who holds                          role of DESIGN.md §1
===========================  ==========================================  ==========================
``overdue_cards``            captivity.add_capturecard (+ cards, person)  registrar
``overdue_health``           captivity.add_healthreport (+ health)        registrar
``my_claims``                registry.add_statusassertion                 registrar, liaison
``claims_to_review``         registry.review_statusassertion              reviewer
``tracing``                  tracing.change_tracingrequest                liaison
``waiting_examination``      remains.add_examination                      forensic examiner
``waiting_sampling``         remains.add_sample                           forensic examiner
``operations``               exchanges.change_operation                   exchange coordinator
``disagreements``            exchanges.add_ledgerdecision                 exchange coordinator
===========================  ==========================================  ==========================

The identification queues (reports to sign, drafts, families to notify) and the batches waiting to be
screened come from their apps as before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from homecoming.app import worklists
from homecoming.app.navigation import may_open
from homecoming.app.permissions import opens


@dataclass
class Section:
    """One work list on the dashboard: its first rows, how many in all, and where to see them all."""

    id: str
    title: str
    rows: Sequence[Any]
    count: int
    see_all: str
    template: str
    empty: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.rows))


@dataclass(frozen=True)
class Spec:
    id: str
    needs: tuple[str, ...]
    build: Callable[[Any], Section]


def _bounded(rows: Any) -> tuple[list[Any], int]:
    """The first rows of a list or query set, and how many it holds."""
    if isinstance(rows, list):
        return rows[: worklists.DASHBOARD_ROWS], len(rows)
    return list(rows[: worklists.DASHBOARD_ROWS]), rows.count()


def _overdue_cards(user: Any) -> Section:
    rows, count = _bounded(worklists.overdue_cards())
    return Section(
        "overdue-cards",
        _("Overdue capture cards (Art. 70: within one week)"),
        rows,
        count,
        reverse("captivity:overdue_cards"),
        "dashboard/_due_rows.html",
        _("None overdue."),
    )


def _overdue_health(user: Any) -> Section:
    from homecoming.app.captivity import services

    rows, count = _bounded([d for d in services.health_deadlines() if d.overdue])
    return Section(
        "overdue-health",
        _("Overdue health reports (seriously ill or wounded, weekly)"),
        rows,
        count,
        reverse("captivity:wounded"),
        "dashboard/_due_rows.html",
        _("None overdue."),
    )


def _my_claims(user: Any) -> Section:
    rows, count = _bounded(worklists.claims("submitted", submitted_by=user))
    return Section(
        "my-claims",
        _("Your status claims waiting for review"),
        rows,
        count,
        reverse("registry:claims") + "?state=submitted&mine=1",
        "dashboard/_claim_rows.html",
        _("None of your claims is waiting for review."),
    )


def _claims_to_review(user: Any) -> Section:
    rows, count = _bounded(worklists.claims("submitted", exclude_by=user))
    return Section(
        "claims-to-review",
        _("Status claims to review"),
        rows,
        count,
        reverse("registry:claims") + "?state=submitted&others=1",
        "dashboard/_claim_rows.html",
        _("No claim waits for review."),
    )


def _tracing(user: Any) -> Section:
    from django.db.models import Count

    from homecoming.app.charts import bar_chart
    from homecoming.app.tracing.models import STATE_CHOICES, TracingRequest
    from homecoming.app.tracing.views import due

    waiting = TracingRequest.objects.filter(state__in=("received", "matched", "under_search")).order_by(
        "received_at", "id"
    )
    rows, count = _bounded(waiting.select_related("assigned_to"))
    counts = dict(TracingRequest.objects.values_list("state").annotate(n=Count("id")))
    queue = reverse("tracing:queue")
    from django.utils import timezone

    now = timezone.now()
    return Section(
        "tracing",
        _("Tracing requests waiting for an answer"),
        [{"r": r, "due": due(r), "overdue": due(r) < now} for r in rows],
        count,
        queue,
        "dashboard/_tracing_rows.html",
        _("No request waits for an answer."),
        extra={
            "states": [
                (code, label, counts.get(code, 0), f"{queue}?state={code}") for code, label in STATE_CHOICES
            ],
            "chart": bar_chart(
                [(str(label), counts.get(code, 0)) for code, label in STATE_CHOICES],
                title=_("Tracing requests by state"),
            ),
            "mine": waiting.filter(assigned_to=user).count(),
            "mine_url": f"{queue}?mine=1",
        },
    )


def _units(states: tuple[str, ...], id: str, title: str, empty: str) -> Callable[[Any], Section]:
    def build(user: Any) -> Section:
        from django.utils.http import urlencode

        rows, count = _bounded(worklists.units(states))
        url = reverse("remains:units") + "?" + urlencode([("state", s) for s in states])
        return Section(id, title, rows, count, url, "dashboard/_unit_rows.html", empty)

    return build


def _operations(user: Any) -> Section:
    rows, count = _bounded(worklists.operations())
    return Section(
        "operations",
        _("Operations in progress"),
        rows,
        count,
        reverse("exchanges:operations"),
        "dashboard/_operation_rows.html",
        _("No operation is in progress."),
    )


def _disagreements(user: Any) -> Section:
    from homecoming.app.exchanges.models import Operation

    rows, count = _bounded(worklists.disagreements())
    ids = dict(
        Operation.objects.filter(reference__in={f.operation for f in rows}).values_list("reference", "pk")
    )
    return Section(
        "disagreements",
        _("Disagreements between counts"),
        [(f, ids.get(f.operation)) for f in rows],
        count,
        reverse("exchanges:disagreements"),
        "dashboard/_disagreement_rows.html",
        _("No disagreement between counts."),
    )


SECTIONS: tuple[Spec, ...] = (
    Spec("overdue-cards", ("captivity.add_capturecard", "capture_cards", "person"), _overdue_cards),
    Spec("overdue-health", ("captivity.add_healthreport", "health", "person"), _overdue_health),
    Spec(
        "my-claims", ("registry.add_statusassertion", "registry.view_statusassertion", "person"), _my_claims
    ),
    Spec(
        "claims-to-review",
        ("registry.review_statusassertion", "registry.view_statusassertion", "person"),
        _claims_to_review,
    ),
    Spec("tracing", ("tracing.change_tracingrequest",), _tracing),
    Spec(
        "waiting-examination",
        ("remains.add_examination", "remains.view_remainsunit"),
        lambda user: _units(
            worklists.WAITING_EXAMINATION,
            "waiting-examination",
            _("Remains waiting for examination"),
            _("No remains wait for examination."),
        )(user),
    ),
    Spec(
        "waiting-sampling",
        ("remains.add_sample", "remains.view_remainsunit"),
        lambda user: _units(
            worklists.WAITING_SAMPLING,
            "waiting-sampling",
            _("Remains waiting for sampling"),
            _("No remains wait for sampling."),
        )(user),
    ),
    Spec("operations", ("exchanges.change_operation", "exchanges.view_operation"), _operations),
    Spec(
        "disagreements",
        ("exchanges.add_ledgerdecision", "exchanges.view_operation", "exchanges.view_reportedfigure"),
        _disagreements,
    ),
)


def sections(user: Any) -> list[Section]:
    """The dashboard's work lists for ``user``, in the order of :data:`SECTIONS`."""
    out = []
    for spec in SECTIONS:
        if opens(user, spec.needs):
            section = spec.build(user)
            if not may_open(user, _url_name(section.see_all)):
                section.see_all = ""  # never a link the user cannot open
            out.append(section)
    return out


def _url_name(url: str) -> str:
    from django.urls import resolve

    match = resolve(url.split("?", 1)[0])
    return f"{match.namespace}:{match.url_name}" if match.namespace else str(match.url_name)
