"""Pages of duplicate persons: the review queue (pairs side by side), merge, unmerge, not the same."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from homecoming.app.permissions import page_requires
from homecoming.app.registry import duplicates, merging
from homecoming.app.registry.models import NameForm, Person
from homecoming.errors import HomecomingError

_LATER = "registry_duplicates_later"


def field_label(name: str) -> str:
    """The field's label as the person page shows it (the models' translated verbose names)."""
    model = NameForm if name in duplicates.NAME_PARTS else Person
    return str(model._meta.get_field(name).verbose_name)


@page_requires("registry.merge_person", "person")
def queue(request: HttpRequest) -> HttpResponse:
    """Pairs that may be one person, best first, each with the fields that agree and differ."""
    later = request.session.get(_LATER, [])
    pairs = duplicates.candidate_pairs(skip=later)
    rows = [
        (
            pair,
            [
                (field_label(a.field), a.theirs, a.ours, a.outcome)
                for a in pair.candidate.evidence
                if a.theirs or a.ours
            ],
        )
        for pair in pairs
    ]
    return render(request, "registry/duplicates.html", {"pairs": rows, "later": len(later)})


@page_requires("registry.merge_person", "person")
@require_POST
def decide(request: HttpRequest) -> HttpResponse:
    """One decision on a pair of the queue: merge (either way), not the same, or later."""
    left = get_object_or_404(Person, pk=request.POST.get("left") or 0)
    right = get_object_or_404(Person, pk=request.POST.get("right") or 0)
    decision, reason = request.POST.get("decision", ""), request.POST.get("reason", "")
    try:
        if decision == "later":
            request.session[_LATER] = [*request.session.get(_LATER, []), f"{left.pk}-{right.pk}"]
        elif decision == "merge_right":  # the right one is the duplicate: merged into the left
            merging.merge(actor=request.user, duplicate_id=right.pk, survivor_id=left.pk, reason=reason)
            messages.success(
                request, _("%(dup)s merged into %(into)s.") % {"dup": right.reference, "into": left.reference}
            )
        elif decision == "merge_left":
            merging.merge(actor=request.user, duplicate_id=left.pk, survivor_id=right.pk, reason=reason)
            messages.success(
                request, _("%(dup)s merged into %(into)s.") % {"dup": left.reference, "into": right.reference}
            )
        elif decision == "not_same":
            merging.not_same(actor=request.user, person_id=left.pk, other_id=right.pk, reason=reason)
            messages.success(
                request,
                _("%(a)s and %(b)s recorded as different persons.")
                % {"a": left.reference, "b": right.reference},
            )
        else:
            messages.error(request, _("Choose a decision."))
    except HomecomingError as exc:
        messages.error(request, str(exc))
    return redirect("registry:duplicates")


@page_requires("registry.merge_person", "person")
@require_POST
def unmerge(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=person_id)
    try:
        merging.unmerge(actor=request.user, duplicate_id=person.pk, reason=request.POST.get("reason", ""))
        messages.success(request, _("%(ref)s is a person of its own again.") % {"ref": person.reference})
    except HomecomingError as exc:
        messages.error(request, str(exc))
    return redirect("registry:person", person_id=person.pk)


@page_requires("registry.merge_person", "person")
@require_POST
def merge(request: HttpRequest, person_id: int) -> HttpResponse:
    """Merge this person into the one whose reference is given (from the person page)."""
    person = get_object_or_404(Person, pk=person_id)
    into = Person.objects.filter(reference=request.POST.get("into", "").strip().upper()).first()
    if into is None:
        messages.error(
            request, _("No person has the reference %(ref)s.") % {"ref": request.POST.get("into", "")}
        )
        return redirect("registry:person", person_id=person.pk)
    try:
        merging.merge(
            actor=request.user,
            duplicate_id=person.pk,
            survivor_id=into.pk,
            reason=request.POST.get("reason", ""),
        )
        messages.success(
            request, _("%(dup)s merged into %(into)s.") % {"dup": person.reference, "into": into.reference}
        )
    except HomecomingError as exc:
        messages.error(request, str(exc))
    return redirect("registry:person", person_id=person.pk)
