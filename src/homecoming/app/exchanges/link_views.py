"""The page "Link to the registry" of a manifest version: the preview, a choice for each uncertain line,
confirm (:mod:`homecoming.app.exchanges.linking`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homecoming.app import refusals
from homecoming.app.exchanges import linking
from homecoming.app.exchanges.models import ManifestVersion
from homecoming.app.permissions import page_requires
from homecoming.app.registry.linkage_labels import evidence_rows
from homecoming.errors import HomecomingError

KIND_WORDS = {
    "match": gettext_lazy("matches a registered person"),
    "uncertain": gettext_lazy("uncertain: choose"),
    "none": gettext_lazy("not in the registry"),
}


def _evidence(evidence: Any) -> list[dict[str, Any]]:
    """The candidate's evidence in words (the registry's labels), strongest first, missing values left out."""
    given = [e for e in evidence if e[1] != "missing"]
    return sorted(evidence_rows(given), key=lambda r: -abs(r["weight"]))


def _rows(found: linking.LinkPreview, chosen: dict[int, str]) -> list[dict[str, Any]]:
    rows = []
    for p in found.lines:
        if p.kind not in KIND_WORDS:
            continue
        n = p.line.line_no
        default = str(p.candidates[0].person.pk) if p.kind == "match" else linking.NONE
        rows.append(
            {
                "line": p.line,
                "kind": p.kind,
                "kind_words": KIND_WORDS[p.kind],
                "candidates": [
                    {
                        "person": c.person,
                        "percent": f"{100 * c.probability:.1f}",
                        "evidence": _evidence(c.evidence),
                    }
                    for c in p.candidates
                ],
                "choice": chosen.get(n, default),
            }
        )
    return rows


@page_requires("exchanges.add_linelink", "person")
def link_version(request: HttpRequest, version_id: int) -> HttpResponse:
    """GET: what linking would do, nothing written. POST: link, with the choices made on the page."""
    version = get_object_or_404(
        ManifestVersion.objects.select_related(
            "manifest__operation", "manifest__sending_party", "manifest__receiving_party"
        ),
        pk=version_id,
    )
    chosen = {
        int(k.removeprefix("line-")): v
        for k, v in request.POST.items()
        if k.startswith("line-") and k.removeprefix("line-").isdigit()
    }
    if request.method == "POST":
        try:
            result = linking.link_manifest(actor=request.user, version_id=version.pk, decisions=chosen)
        except HomecomingError as exc:
            messages.error(request, refusals.shown(exc))
        else:
            messages.success(
                request,
                _("%(n)d lines linked to the registry; %(left)d stay unlinked.")
                % {"n": len(result.links), "left": len(result.unlinked)},
            )
            return redirect("exchanges:operation", operation_id=version.manifest.operation_id)
    try:
        found = linking.preview(version)
    except HomecomingError as exc:
        messages.error(request, refusals.shown(exc))
        return redirect("exchanges:operation", operation_id=version.manifest.operation_id)
    counts = found.counts()
    return render(
        request,
        "exchanges/link.html",
        {
            "version": version,
            "rows": _rows(found, chosen),
            "counts": counts,
            "to_link": counts["match"] + counts["uncertain"],
            "model_source": found.model_source,
        },
    )
