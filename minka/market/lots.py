"""Processing lots: what went into them, the mass balance, the brand charter, and the way back from a
lot to the producers and communities it came from."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from minka.chains.models import STAGE_ORDER, Stage

from .models import BrandRule, Delivery, SaleLine

STAGES = [str(stage) for stage in STAGE_ORDER]


def used_of_delivery(delivery):
    return delivery.uses.aggregate(q=Sum("quantity"))["q"] or Decimal(0)


def used_of_lot(lot):
    """What of a lot has gone into other lots or been sold."""
    into_lots = lot.uses.aggregate(q=Sum("quantity"))["q"] or Decimal(0)
    sold = SaleLine.objects.filter(lot=lot).aggregate(q=Sum("quantity"))["q"] or Decimal(0)
    return into_lots + sold


def available_of_delivery(delivery):
    if delivery.reverses_id or Delivery.objects.filter(reverses=delivery).exists():
        return Decimal(0)  # a corrected delivery is used through the right one
    return delivery.quantity - used_of_delivery(delivery)


def available_of_lot(lot):
    return lot.quantity - used_of_lot(lot)


def origins(lot, share=Decimal(1)):
    """{delivery: raw quantity} behind a lot (or `share` of it), through the lots it was made from."""
    found = defaultdict(Decimal)
    for part in lot.inputs.select_related("delivery__household__community", "source"):
        if part.delivery_id:
            found[part.delivery] += part.quantity * share
        else:
            for delivery, quantity in origins(part.source, share * part.quantity / part.source.quantity).items():
                found[delivery] += quantity
    return found


def charter_reasons(enterprise, deliveries, made_on):
    """Why lots from these deliveries may not carry the brand (empty: they may)."""
    reasons = []
    households = {delivery.household for delivery in deliveries}
    for rule in BrandRule.objects.filter(enterprise=enterprise):
        if rule.kind == BrandRule.Kind.STAGE:
            minimum = rule.parameter or "transition"
            below = []
            for household in households:
                latest = household.assessments.filter(date__lte=made_on).order_by("-date", "-pk").first()
                if latest is None or STAGES.index(latest.stage) < STAGES.index(minimum):
                    below.append(household.name)
            if below:
                reasons.append(_("Sin transición agroecológica suficiente (%(stage)s o más): %(who)s.") % {
                    "stage": Stage(minimum).label, "who": ", ".join(sorted(below))})
        elif rule.kind == BrandRule.Kind.QUALITY:  # products whose chain has quality tests must have passed one
            from minka.chains.models import Measure

            tested = set(Measure.objects.filter(purpose="quality").values_list("chain_id", flat=True))
            failed = sorted({d.household.name for d in deliveries if d.product.chain_id in tested
                             and (d.quality_test is None or not d.quality_test.passed)})
            if failed:
                reasons.append(_("Entregas sin prueba de calidad aprobada: %(who)s.") % {"who": ", ".join(failed)})
        elif rule.kind == BrandRule.Kind.DISTRICTS:
            codes = [code.strip() for code in rule.parameter.split(",") if code.strip()]
            outside = sorted({h.name for h in households
                              if not any(f"/{code}/" in f"/{h.community.path}" for code in codes)})
            if outside:
                reasons.append(_("Fuera de los distritos del programa: %(who)s.") % {"who": ", ".join(outside)})
    return reasons


def traceability(lot):
    """What a consumer may know of a lot: the communities and watersheds it comes from, how many
    producer families and the share of women among their heads, and the practices they apply. Built
    from fewer than 5 families, the counts, shares and practices are withheld (as everywhere in public);
    a family is named only if it consented to it."""
    from minka.chains.models import AdoptedPractice
    from minka.people.models import Consent, Person
    from minka.territory.models import Watershed

    minimum = 5  # as the observatory's public pages
    deliveries = origins(lot)
    households = {delivery.household for delivery in deliveries}
    enough = len(households) >= minimum
    heads = Person.objects.filter(household__in=households, role=Person.Role.HEAD)
    women = heads.filter(sex="F").count()
    practices = defaultdict(set)
    for household in households:
        latest = household.assessments.filter(date__lte=lot.made_on).order_by("-date", "-pk").first()
        if latest is not None:
            for adopted in AdoptedPractice.objects.filter(assessment=latest).select_related("practice"):
                practices[adopted.practice].add(household.pk)
    public = Consent.objects.filter(household__in=households, scope=Consent.Scope.PUBLIC, withdrawn_on__isnull=True)
    communities = sorted({household.community for household in households}, key=lambda t: t.name)
    return {
        "families": len(households) if enough else None, "few": 0 < len(households) < minimum,
        "women_share": round(100 * women / heads.count()) if enough and heads.count() else None,
        "communities": communities,
        "watersheds": list(Watershed.objects.filter(communities__in=communities).distinct().order_by("name")),
        "practices": sorted((p.label for p, who in practices.items() if len(who) >= minimum)) if enough else [],
        "named": sorted({consent.household.name for consent in public.select_related("household")}),
        "first_delivery": min((d.date for d in deliveries), default=None),
        "last_delivery": max((d.date for d in deliveries), default=None),
    }
