"""Printed records: one template read as a print view (HTML with print CSS) or as a PDF (WeasyPrint), in
the language the reader chose.

A :class:`Printed` names the template, the languages it is written in and what it is called in messages.
Its reader asks for a language with ``?lang=``; without it the record is in the language the reader's
pages are in (when it is one of the record's), else Ukrainian. A language the record is not written in
is a problem naming ``lang`` (a 400 on the pages, the one error shape of the API). The record's context
is built inside the chosen language, so the labels a view computes (``gettext``) are in it too.

Who may read a record and the audit of each reading stay with the view that serves it: :meth:`response`
calls the view's ``audited(form, lang)`` once the record is rendered.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils import translation

from homecoming.errors import Problem, ValidationError

__all__ = ["Printed", "write_pdf"]

Context = Callable[[], Mapping[str, Any]]


def write_pdf(request: HttpRequest, html: str) -> bytes:
    """``html`` (a page rendered for ``request``) as PDF by WeasyPrint, its links resolved on this site."""
    from weasyprint import HTML

    data: bytes = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    return data


@dataclass(frozen=True)
class Printed:
    """A printed record: its template, its languages (the first is the default), its name in messages."""

    template: str
    languages: tuple[str, ...]
    name: str  # "the handover record": "is not a language of the handover record"

    def language(self, request: HttpRequest) -> str:
        """``?lang=``, else the language of the reader's pages when the record has it, else the first."""
        raw = request.GET.get("lang", "").strip().lower()
        if not raw:
            current = (getattr(request, "LANGUAGE_CODE", "") or translation.get_language() or "")[:2]
            return current if current in self.languages else self.languages[0]
        if raw not in self.languages:
            choices = [f"lang={code}" for code in self.languages]
            hint = "use " + " or ".join([", ".join(choices[:-1]), choices[-1]] if choices[1:] else choices)
            raise ValidationError.from_problems(
                [Problem("lang", f"is not a language of the {self.name}", raw, hint)], f"the {self.name}"
            )
        return raw

    def html(self, request: HttpRequest, lang: str, context: Context, *, pdf: bool) -> str:
        """The record in ``lang``; ``context`` is called inside that language."""
        with translation.override(lang):
            return render_to_string(self.template, {**context(), "pdf": pdf, "lang": lang}, request=request)

    def pdf(self, request: HttpRequest, lang: str, context: Context) -> bytes:
        """The record in ``lang`` as PDF (WeasyPrint, the same template)."""
        return write_pdf(request, self.html(request, lang, context, pdf=True))

    def pdf_response(
        self, request: HttpRequest, lang: str, context: Context, *, reference: str, attachment: bool = False
    ) -> HttpResponse:
        """The PDF as a response named ``<reference>-<lang>.pdf`` (shown, or downloaded: ``attachment``)."""
        out = HttpResponse(self.pdf(request, lang, context), content_type="application/pdf")
        how = "attachment" if attachment else "inline"
        out["Content-Disposition"] = f'{how}; filename="{reference}-{lang}.pdf"'
        return out

    def response(
        self,
        request: HttpRequest,
        context: Context,
        *,
        reference: str,
        pdf: bool,
        audited: Callable[[str, str], None],
    ) -> HttpResponse:
        """The print view or the PDF for a page, then ``audited("print view" | "PDF", lang)``; a bad
        ``lang`` is a 400 naming it (nothing audited)."""
        try:
            lang = self.language(request)
        except ValidationError as exc:
            return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
        if pdf:
            out = self.pdf_response(request, lang, context, reference=reference)
        else:
            out = HttpResponse(self.html(request, lang, context, pdf=False))
        audited("PDF" if pdf else "print view", lang)
        return out
