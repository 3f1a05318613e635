"""What consumers see: the public page of a branded lot (the QR code on its label points to it), in
Spanish, English or Quechua; and the printable label sheet of a lot."""

import base64

import segno
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from minka.observatory import svgmap

from . import lots, selectors
from .models import Lot

PUBLIC_LANGUAGES = ("es", "en", "quz")


def lot_page(request, code):
    lot = Lot.objects.filter(code=code, branded=True).select_related("product__unit", "enterprise__organisation").first()
    if lot is None:
        raise Http404
    language = request.GET.get("lang")
    if language not in PUBLIC_LANGUAGES:
        current = (translation.get_language() or "es").split("-")[0]
        language = current if current in PUBLIC_LANGUAGES else "es"
    with translation.override(language):
        trace = lots.traceability(lot)
        districts = {c.parent for c in trace["communities"] if c.parent and c.parent.geometry}
        shapes = [(d.name, d.geometry, None) for d in sorted(districts, key=lambda d: d.name)]  # the background
        shapes += [(c.name, c.geometry, 1) for c in trace["communities"] if c.geometry]
        drawn = svgmap.choropleth(shapes, width=420, height=260, legend=False).replace(f'fill="{svgmap.COLOURS[0]}"', 'fill="#2f5d34"')
        response = render(request, "market/lot_public.html", {
            "lot": lot, "trace": trace, "map": drawn, "language": language,
            "languages": [("es", "Español"), ("en", "English"), ("quz", "Runasimi")]})
    return response


def _qr(url):
    """The QR code of a URL as an SVG data URI (for the label's <img>, on screen and in the PDF)."""
    svg = segno.make(url, error="m").svg_inline(scale=4, border=1)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


@login_required
def lot_labels(request, pk, lot):
    """A sheet of labels (PDF) for a branded lot: brand, product, lot, dates and the QR code of its
    public page."""
    from weasyprint import HTML

    enterprise = selectors.get_enterprise_for_user(request.user, pk)
    lot = get_object_or_404(Lot, pk=lot, enterprise=enterprise, branded=True)
    url = request.build_absolute_uri(reverse("lot_public", args=[lot.code]))
    html = render_to_string("market/lot_labels.html", {"lot": lot, "enterprise": enterprise, "url": url,
                                                       "qr": _qr(url), "labels": range(12)})
    response = HttpResponse(HTML(string=html, base_url=None).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="etiquetas-{lot.code}.pdf"'
    return response


@login_required
def refund_statement(request, pk, period, household):
    """A producer's statement of a closed period (PDF, Spanish or Quechua): the surplus, the statute,
    their patronage in each product line and how their amount follows from it."""
    from decimal import Decimal

    from weasyprint import HTML

    from .models import Refund

    enterprise = selectors.get_enterprise_for_user(request.user, pk)
    refund = get_object_or_404(Refund.objects.select_related("closing__period", "household__community"),
                               closing__enterprise=enterprise, closing__period_id=period, household_id=household)
    language = request.GET.get("lang") if request.GET.get("lang") in ("es", "quz") else "es"
    pools = [{**pool, "share": Decimal(pool["patronage"]) / Decimal(pool["pool_patronage"]) * 100
              if Decimal(pool["pool_patronage"]) else Decimal(0)} for pool in refund.pools]
    with translation.override(language):
        html = render_to_string("market/refund_statement.html", {
            "refund": refund, "closing": refund.closing, "enterprise": enterprise, "pools": pools,
            "language": language, "to_producers": refund.closing.surplus - refund.closing.reserve - sum(
                (Decimal(v) for v in refund.closing.funds.values()), Decimal(0))})
    response = HttpResponse(HTML(string=html, base_url=None).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = (f'inline; filename="reparto-{refund.closing.period.name}-'
                                       f'{refund.household.code}-{language}.pdf"')
    return response
