"""Pages of duplicate persons: the review queue (pairs side by side), merge, unmerge, not the same."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from homecoming.app import refusals
from homecoming.app.permissions import page_requires
from homecoming.app.registry import duplicates, merging
from homecoming.app.registry import model_display as labels
from homecoming.app.registry.models import NameForm, Person, PossibleDuplicate
from homecoming.errors import HomecomingError

_LATER = "registry_duplicates_later"


def field_label(name: str) -> str:
    """The field's label as the person page shows it (the models' translated verbose names)."""
    model = NameForm if name in duplicates.NAME_PARTS else Person
    return str(model._meta.get_field(name).verbose_name)


#: stored pairs on a page of the queue
PAGE_ROWS = 20


def _value(person: Person, comparison: str) -> str:
    """What the person's record holds for one of the model's comparisons (its first name form's names)."""
    if comparison in ("surname", "given_name", "patronymic"):
        part = {"surname": "family_name"}.get(comparison, comparison)
        return " / ".join(
            dict.fromkeys(str(getattr(f, part) or "") for f in person.names.all() if getattr(f, part))
        )
    if comparison == "sex":
        return str(person.get_sex_display()) if person.sex else ""
    return str(getattr(person, comparison, "") or "")


def _stored_rows(pair: duplicates.StoredPair) -> list[tuple[labels.Evidence, str, str]]:
    return [
        (e, _value(pair.left, e.key), _value(pair.right, e.key))
        for e in labels.evidence(pair.found.evidence or [])
    ]


def _source(found: PossibleDuplicate) -> str:
    """Where the pair was found, in the page's language ("import of list.csv, row 7")."""
    text = found.source
    if text.startswith("import of ") and ", row " in text:
        name, _sep, row = text[len("import of ") :].rpartition(", row ")
        if row.isdigit():
            return _("import of %(file)s, row %(row)s") % {"file": name, "row": row}
    return text


@page_requires("registry.merge_person", "person")
def queue(request: HttpRequest) -> HttpResponse:
    """The pairs the linkage model stored (a page of them, most probable first, with the model's evidence),
    then, on the first page, the pairs a scan of the most recently registered persons finds."""
    later = request.session.get(_LATER, [])
    page = Paginator(duplicates.open_possible_duplicates(skip=later), PAGE_ROWS).get_page(
        request.GET.get("page")
    )
    stored = [
        (pair, labels.percent(pair.found.probability), _source(pair.found), _stored_rows(pair))
        for pair in duplicates.stored_pairs(page.object_list)
    ]
    rows = []
    if page.number == 1:
        pairs = duplicates.candidate_pairs(skip=later)
        found = {
            (min(a, b), max(a, b))
            for a, b in PossibleDuplicate.objects.filter(
                person_id__in=[i for p in pairs for i in (p.left.pk, p.right.pk)]
            ).values_list("person_id", "other_id")
        }
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
            if (min(pair.left.pk, pair.right.pk), max(pair.left.pk, pair.right.pk)) not in found
        ]
    return render(
        request,
        "registry/duplicates.html",
        {
            "stored": stored,
            "page": page,
            "pairs": rows,
            "later": len(later),
            "model_url": reverse("registry:linkage_model"),
        },
    )


@page_requires("registry.merge_person", "person")
@require_POST
def decide(request: HttpRequest) -> HttpResponse:
    """One decision on a pair of the queue: merge (either way), not the same, or later."""
    left = get_object_or_404(Person, pk=request.POST.get("left") or 0)
    right = get_object_or_404(Person, pk=request.POST.get("right") or 0)
    decision, reason = request.POST.get("decision", ""), request.POST.get("reason", "")
    try:
        if decision == "later":
            key = f"{min(left.pk, right.pk)}-{max(left.pk, right.pk)}"
            request.session[_LATER] = [*request.session.get(_LATER, []), key]
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
        messages.error(request, refusals.shown(exc))
    response = redirect("registry:duplicates")
    page = request.POST.get("page", "")
    if page.isdigit() and page != "1":
        response["Location"] += f"?page={page}"
    return response


@page_requires("registry.merge_person", "person")
@require_POST
def unmerge(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=person_id)
    try:
        merging.unmerge(actor=request.user, duplicate_id=person.pk, reason=request.POST.get("reason", ""))
        messages.success(request, _("%(ref)s is a person of its own again.") % {"ref": person.reference})
    except HomecomingError as exc:
        messages.error(request, refusals.shown(exc))
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
        messages.error(request, refusals.shown(exc))
    return redirect("registry:person", person_id=person.pk)
