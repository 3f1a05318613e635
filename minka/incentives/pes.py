"""Payment for ecosystem services (MERESE): every write of a scheme. Contributions come into the
scheme's fund (its own book); agreements name the areas (inside the watershed) and the actions
committed; a verifier grades each action per period; only what was verified becomes due, is approved
(owed to the recipient), then paid from the fund. Nothing is paid without a verification, nor beyond
what the fund holds."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from minka.accounts.permissions import RECORD_FIELD, RUN_CALLS, require
from minka.books import selectors as books
from minka.books import services as ledger
from minka.books.models import Book, Period
from minka.books.services import Posting, money, soles
from minka.territory import geojson
from minka.territory.models import Territory, Watershed
from minka.territory.selectors import district_names

from .models import Agreement, Commitment, Compliance, Contribution, Contributor, PesPayment, Scheme, Verification

CASH, INCOME, RETRIBUTIONS, PAYABLE = "1041", "7599", "6591", "4699"
ZERO = Decimal("0.00")


def _runs(actor, scheme):
    require(actor, RUN_CALLS, scheme.territory, _("No administra el mecanismo %(s)s.") % {"s": scheme})


def _year_open(actor, scheme, date):
    """The scheme's books are kept by calendar year, opened when first needed."""
    if not Period.objects.filter(book=scheme.book, start__lte=date, end__gte=date).exists():
        ledger.open_period(actor=actor, book=scheme.book, name=str(date.year),
                           start=datetime.date(date.year, 1, 1), end=datetime.date(date.year, 12, 31))


@transaction.atomic
def create_scheme(*, actor, code, name, service, watershed, territory, description=""):
    require(actor, RUN_CALLS, territory, _("No administra mecanismos en %(t)s.") % {"t": territory})
    if service not in Scheme.Service.values:
        raise ValidationError(_("Servicio ecosistémico desconocido."))
    book = Book.objects.create(code=f"pes-{code}"[:32], name=name, territory=territory, keepers=RUN_CALLS)
    scheme = Scheme(code=code, name=name, service=service, watershed=watershed, territory=territory, book=book,
                    description=description)
    scheme.full_clean()
    scheme.save()
    return scheme


@transaction.atomic
def add_contributor(*, actor, scheme, organisation, yearly_amount=None, tariff_share=None):
    _runs(actor, scheme)
    contributor = Contributor(scheme=scheme, organisation=organisation,
                              yearly_amount=money(yearly_amount) if yearly_amount not in (None, "") else None,
                              tariff_share=tariff_share)
    contributor.full_clean()
    contributor.save()
    return contributor


@transaction.atomic
def contribute(*, actor, scheme, contributor, date, amount):
    """Money in: a contributor pays into the scheme's fund."""
    _runs(actor, scheme)
    amount = money(amount)
    if amount <= 0:
        raise ValidationError(_("El aporte debe ser mayor que cero."))
    if contributor.scheme_id != scheme.pk:
        raise ValidationError(_("No es contribuyente de este mecanismo."))
    _year_open(actor, scheme, date)
    entry = ledger.post_entry(actor=actor, book=scheme.book, date=date, source="incentives.contribution",
                              memo=_("Aporte de %(c)s") % {"c": contributor}, lines=[
                                  Posting(CASH, debit=amount),
                                  Posting(INCOME, credit=amount, organisation=contributor.organisation)])
    return Contribution.objects.create(scheme=scheme, contributor=contributor, date=date, amount=amount, entry=entry)


def balance(scheme, date=None):
    """What the fund holds (on `date`)."""
    return books.balance(scheme.book, CASH, end=date)


def watershed_shapes(watershed):
    """The watershed's outline, or else the outlines of the districts of its communities."""
    if watershed.geometry:
        return [watershed.geometry]
    sheds = Watershed.objects.filter(path__startswith=watershed.path)
    communities = Territory.objects.filter(watersheds__in=sheds).distinct()
    districts = Territory.objects.filter(pk__in=communities.values("parent"), geometry__isnull=False)
    return [d.geometry for d in districts if d.geometry.get("type") in ("Polygon", "MultiPolygon")]


@transaction.atomic
def sign_agreement(*, actor, scheme, signed_on, starts_on, ends_on, area, hectares, commitments, household=None,
                   organisation=None, payment_kind=Agreement.Payment.CASH):
    """An agreement with those who act: its areas (GeoJSON) inside the watershed, the actions
    committed [(action, description, quantity, unit, payment per period)]."""
    _runs(actor, scheme)
    if (household is None) == (organisation is None):
        raise ValidationError(_("Un acuerdo es con una familia o con una organización."))
    if ends_on < starts_on:
        raise ValidationError(_("El acuerdo no puede terminar antes de empezar."))
    try:
        area = geojson.validate_geometry(area)
    except geojson.GeometryError as error:
        raise ValidationError(_("El área no es un GeoJSON válido: %(e)s") % {"e": error})
    shapes = watershed_shapes(scheme.watershed)
    outside = [p for p in geojson.positions(area) if not any(geojson.contains(s, p[0], p[1]) for s in shapes)]
    if not shapes or outside:
        raise ValidationError(_("El área del acuerdo sale de la cuenca %(w)s.") % {"w": scheme.watershed})
    if not commitments:
        raise ValidationError(_("Un acuerdo compromete al menos una acción."))
    territory = household.community if household is not None else organisation.territory
    number = (Agreement.objects.filter(scheme=scheme).aggregate(n=Max("number"))["n"] or 0) + 1
    agreement = Agreement(scheme=scheme, number=number, household=household, organisation=organisation,
                          territory=territory, signed_on=signed_on, starts_on=starts_on, ends_on=ends_on, area=area,
                          hectares=Decimal(hectares), payment_kind=payment_kind)
    agreement.full_clean()
    agreement.save()
    for action, description, quantity, unit, payment in commitments:
        commitment = Commitment(agreement=agreement, action=action, description=description,
                                quantity=Decimal(quantity), unit=unit, payment=money(payment))
        commitment.full_clean()
        commitment.save()
    return agreement


PHOTO_TYPES = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
PHOTO_MAX_BYTES = 10 * 1024 * 1024


def _photo(upload, commitment):
    """An uploaded photo checked to be one (JPEG, PNG or WebP, up to 10 MB), named for where it goes."""
    from PIL import Image, UnidentifiedImageError

    if upload.size > PHOTO_MAX_BYTES:
        raise ValidationError(_("La foto de «%(c)s» pasa de 10 MB.") % {"c": commitment.description})
    try:
        with Image.open(upload) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError):
        kind = None
    if kind not in PHOTO_TYPES:
        raise ValidationError(_("El archivo de «%(c)s» no es una foto (JPEG, PNG o WebP).") % {
            "c": commitment.description})
    upload.seek(0)
    upload.name = f"compromiso-{commitment.pk}.{PHOTO_TYPES[kind]}"
    return upload


@transaction.atomic
def verify(*, actor, agreement, period, date, grades, points=None, notes="", proofs=None):
    """A verifier grades every committed action of a period: full, partial with its percentage, or
    none, each with its evidence: a note, and in `proofs` {commitment: (GPS point as GeoJSON, photo)}
    where the action was seen. What is due follows: partial pays its share, none pays nothing. The
    verification's points are those given, or else the actions' points."""
    proofs = proofs or {}
    require(actor, RECORD_FIELD, agreement.territory, _("No verifica acuerdos en %(t)s.") % {"t": agreement.territory})
    if not agreement.starts_on.year <= int(period) <= agreement.ends_on.year:
        raise ValidationError(_("El acuerdo no cubre el año %(y)s.") % {"y": period})
    if date < agreement.starts_on:
        raise ValidationError(_("Una verificación es posterior al inicio del acuerdo."))
    if Verification.objects.filter(agreement=agreement, period=period).exists():
        raise ValidationError(_("El año %(y)s de este acuerdo ya fue verificado.") % {"y": period})
    if points is not None:
        try:
            points = geojson.validate_geometry(points)
        except geojson.GeometryError as error:
            raise ValidationError(_("Los puntos no son un GeoJSON válido: %(e)s") % {"e": error})
    commitments = list(agreement.commitments.all())
    seen = {}
    for commitment in commitments:
        point, photo = proofs.get(commitment.pk, (None, None))
        if point is not None:
            try:
                point = geojson.validate_geometry(point)
            except geojson.GeometryError as error:
                raise ValidationError(_("El punto de «%(c)s» no es válido: %(e)s") % {
                    "c": commitment.description, "e": error})
            if point["type"] != "Point":
                raise ValidationError(_("El punto de «%(c)s» debe ser un punto.") % {"c": commitment.description})
        seen[commitment.pk] = (point, _photo(photo, commitment) if photo else None)
    if points is None and any(point for point, _photo_ in seen.values()):
        points = {"type": "MultiPoint", "coordinates": [point["coordinates"] for point, _photo_ in seen.values()
                                                        if point]}
    missing = [c.description for c in commitments if c.pk not in grades]
    if missing:
        raise ValidationError(_("Falta calificar: %(c)s.") % {"c": ", ".join(missing)})
    rows = []
    for commitment in commitments:
        grade, percent, evidence = grades[commitment.pk]
        if grade == Compliance.Grade.FULL:
            percent = Decimal(100)
        elif grade == Compliance.Grade.NONE:
            percent = Decimal(0)
        elif grade == Compliance.Grade.PARTIAL:
            percent = Decimal(str(percent or 0))
            if not 0 < percent < 100:
                raise ValidationError(_("Un cumplimiento parcial va de más de 0 a menos de 100 %%: «%(c)s».") % {
                    "c": commitment.description})
        else:
            raise ValidationError(_("Cumplimiento desconocido."))
        rows.append((commitment, grade, percent, evidence, money(commitment.payment * percent / 100)))
    verification = Verification.objects.create(agreement=agreement, period=period, date=date, verifier=actor,
                                               points=points, notes=notes, due=sum((r[4] for r in rows), ZERO))
    for commitment, grade, percent, evidence, due in rows:
        point, photo = seen[commitment.pk]
        Compliance.objects.create(verification=verification, commitment=commitment, grade=grade, percent=percent,
                                  evidence=evidence or "", due=due, point=point, photo=photo)
    return verification


def warning(verification):
    """What the page says when a verification makes nothing due."""
    if verification.due == 0:
        return _("Ninguna acción se cumplió: no corresponde retribución este año.")
    return ""


@transaction.atomic
def approve(*, actor, verification, date):
    """What a verification made due becomes owed to the recipient (never without a verification,
    never for nothing verified)."""
    agreement = verification.agreement
    scheme = agreement.scheme
    _runs(actor, scheme)
    if verification.due <= 0:
        raise ValidationError(_("Sin cumplimiento verificado no hay pago."))
    if PesPayment.objects.filter(verification=verification).exists():
        raise ValidationError(_("Este pago ya fue aprobado."))
    if date < verification.date:
        raise ValidationError(_("Se aprueba después de la verificación."))
    _year_open(actor, scheme, date)
    recipient = {"household": agreement.household, "organisation": agreement.organisation}
    entry = ledger.post_entry(actor=actor, book=scheme.book, date=date, source=f"incentives.agreement:{agreement.pk}",
                              memo=_("Retribución %(y)s del acuerdo %(n)s (%(r)s)") % {
                                  "y": verification.period, "n": agreement.number, "r": agreement.recipient},
                              lines=[Posting(RETRIBUTIONS, debit=verification.due, **recipient),
                                     Posting(PAYABLE, credit=verification.due, **recipient)])
    return PesPayment.objects.create(verification=verification, amount=verification.due, approved_on=date,
                                     approved_by=actor, approval_entry=entry)


@transaction.atomic
def pay(*, actor, payment, date):
    """Pay an approved retribution from the fund, if it holds enough."""
    payment = PesPayment.objects.select_for_update(of=("self",)).select_related(
        "verification__agreement__scheme__book").get(pk=payment.pk)
    agreement = payment.verification.agreement
    scheme = agreement.scheme
    _runs(actor, scheme)
    if payment.status == PesPayment.Status.PAID:
        raise ValidationError(_("Este pago ya se hizo."))
    if date < payment.approved_on:
        raise ValidationError(_("Se paga después de aprobar."))
    held = balance(scheme, date)
    if payment.amount > held:
        raise ValidationError(_("El fondo tiene %(h)s: no alcanza para pagar %(a)s.") % {
            "h": soles(held), "a": soles(payment.amount)})
    _year_open(actor, scheme, date)
    recipient = {"household": agreement.household, "organisation": agreement.organisation}
    payment.payment_entry = ledger.post_entry(
        actor=actor, book=scheme.book, date=date, source=f"incentives.agreement:{agreement.pk}",
        memo=_("Pago de la retribución %(y)s del acuerdo %(n)s") % {"y": payment.verification.period,
                                                                   "n": agreement.number},
        lines=[Posting(PAYABLE, debit=payment.amount, **recipient), Posting(CASH, credit=payment.amount)])
    payment.status, payment.paid_on = PesPayment.Status.PAID, date
    payment.save(update_fields=["payment_entry", "status", "paid_on"])
    return payment


def owed(scheme, as_of):
    """Retributions approved and not yet paid, with how many days they have waited."""
    rows = PesPayment.objects.filter(verification__agreement__scheme=scheme, status=PesPayment.Status.APPROVED,
                                     approved_on__lte=as_of).select_related(
        "verification__agreement__household", "verification__agreement__organisation")
    return [(payment, (as_of - payment.approved_on).days) for payment in rows.order_by("approved_on")]


# The shape of Peru's registry of MERESE agreements: one row per agreement.
REGISTRY = ["mecanismo", "servicio_ecosistemico", "cuenca", "contribuyentes", "acuerdo", "retribuyente_a",
            "tipo", "distrito", "firmado", "desde", "hasta", "hectareas", "acciones", "retribucion_anual_comprometida",
            "aportes_recibidos", "retribuciones_pagadas"]


def registry_rows(scheme):
    """The scheme's agreements as the registry asks for them: parties, service, area, actions, amounts."""
    from django.db.models import Sum

    contributors = "; ".join(str(c) for c in scheme.contributors.select_related("organisation"))
    received = money(scheme.contributions.aggregate(s=Sum("amount"))["s"] or ZERO)
    rows = []
    agreements = scheme.agreements.select_related("household", "organisation", "territory").prefetch_related(
        "commitments", "verifications__payment")
    agreements = list(agreements)
    districts = district_names(a.territory.path for a in agreements)
    for agreement in agreements:
        commitments = list(agreement.commitments.all())
        paid = sum((v.payment.amount for v in agreement.verifications.all()
                    if getattr(v, "payment", None) and v.payment.status == PesPayment.Status.PAID), ZERO)
        district = districts.get(agreement.territory.path, "")
        rows.append([scheme.code, scheme.get_service_display(), str(scheme.watershed), contributors,
                     agreement.number, str(agreement.recipient),
                     agreement.organisation.get_kind_display() if agreement.organisation else _("Familia"),
                     district, agreement.signed_on, agreement.starts_on, agreement.ends_on, agreement.hectares,
                     "; ".join(f"{c.description}: {c.quantity.normalize():f} {c.unit}" for c in commitments),
                     sum((c.payment for c in commitments), ZERO), received, paid])
    return rows


def on_time(payment):
    """Whether a retribution was paid within the scheme's delay after the verification that made it due."""
    verification = payment.verification
    deadline = verification.date + datetime.timedelta(days=verification.agreement.scheme.pay_within)
    return payment.paid_on is not None and payment.paid_on <= deadline


def yearly_report(scheme, year, today):
    """A scheme's year for its contributors, recipients and the registry: the fund from the first to
    the last day (contributions in, retributions out), the agreements in force, each verification of
    the year with its grades and what it made due, the payments and whether on time, what is owed."""
    from django.db.models import Sum

    start, end = datetime.date(year, 1, 1), min(datetime.date(year, 12, 31), today)
    opening, closing = balance(scheme, start - datetime.timedelta(days=1)), balance(scheme, end)
    contributions = list(scheme.contributions.filter(date__range=(start, end)).select_related(
        "contributor__organisation").order_by("date"))
    contributed = sum((c.amount for c in contributions), ZERO)
    paid = list(PesPayment.objects.filter(verification__agreement__scheme=scheme, paid_on__range=(start, end))
                .select_related("verification__agreement__scheme"))
    paid_total = sum((p.amount for p in paid), ZERO)
    agreements = list(scheme.agreements.filter(starts_on__lte=end, ends_on__gte=start).select_related(
        "household", "organisation", "territory").prefetch_related("commitments").order_by("number"))
    verifications = list(Verification.objects.filter(agreement__scheme=scheme, period=year).select_related(
        "agreement__household", "agreement__organisation", "agreement__scheme", "verifier", "payment")
        .prefetch_related("grades__commitment").order_by("agreement__number"))
    settled = [v.payment for v in verifications if getattr(v, "payment", None) and v.payment.paid_on]
    for verification in verifications:
        verification.late = getattr(verification, "payment", None) in settled and not on_time(verification.payment)
    return {
        "scheme": scheme, "year": year, "start": start, "end": end, "opening": opening, "closing": closing,
        "contributions": contributions, "contributed": contributed, "paid": paid, "paid_total": paid_total,
        "other": closing - opening - contributed + paid_total, "agreements": agreements,
        "hectares": sum((a.hectares for a in agreements), Decimal(0)),
        "verifications": verifications, "due": sum((v.due for v in verifications), ZERO),
        "verified_hectares": sum((v.agreement.hectares for v in verifications
                                  if any(g.percent > 0 for g in v.grades.all())), Decimal(0)),
        "on_time": sum(1 for p in settled if on_time(p)), "settled": len(settled),
        "owed": owed(scheme, end),
        "received_total": scheme.contributions.filter(date__lte=end).aggregate(s=Sum("amount"))["s"] or ZERO,
    }
