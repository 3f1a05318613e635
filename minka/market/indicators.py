"""The enterprise's figures for the observatory: revenue, branded revenue, the surplus
redistributed, and what the enterprise brought each member family (purchases and refunds), by
value chain and place. The observatory's engine reads field records; until it reads the
enterprise's, these selectors are what its indicators and reports can use."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Sum

from .models import Delivery, Refund, SaleLine

ZERO = Decimal("0.00")


def revenue(enterprise, start, end):
    """Sales between two dates: all, and under the brand."""
    lines = SaleLine.objects.filter(sale__enterprise=enterprise, sale__date__gte=start, sale__date__lte=end)
    total = lines.aggregate(a=Sum("amount"))["a"] or ZERO
    branded = lines.filter(lot__branded=True).aggregate(a=Sum("amount"))["a"] or ZERO
    return {"revenue": total, "branded_revenue": branded}


def redistributed(enterprise, start, end):
    """The surplus shared with producers by the periods closed between two dates."""
    refunds = Refund.objects.filter(closing__enterprise=enterprise, closing__period__end__gte=start,
                                    closing__period__end__lte=end)
    return refunds.aggregate(a=Sum("amount"))["a"] or ZERO


def income_per_family(enterprise, start, end):
    """{household: {chain code: amount}}: what each family earned from the enterprise between two
    dates (its deliveries, net of corrections, and its refunds), per value chain of what it
    delivered; refunds are split over the chains of the pools they came from."""
    income = defaultdict(lambda: defaultdict(lambda: ZERO))
    for household, chain, amount in Delivery.objects.filter(enterprise=enterprise, date__gte=start, date__lte=end) \
            .values_list("household", "product__chain__code").annotate(a=Sum("amount")):
        income[household][chain] += amount
    chains = {}
    for refund in Refund.objects.filter(closing__enterprise=enterprise, closing__period__end__gte=start,
                                        closing__period__end__lte=end):
        for pool in refund.pools:
            product = pool["product"]
            if product not in chains:
                from .models import Product

                match = Product.objects.filter(name=product).select_related("chain").first()
                chains[product] = match.chain.code if match else ""
            income[refund.household_id][chains[product]] += Decimal(pool["amount"])
    return {household: dict(by_chain) for household, by_chain in income.items()}


def income_by_place(enterprise, start, end, level="district"):
    """Families and their income from the enterprise per unit of the territory (a community's
    families are counted in it and every unit above): {territory: (families, amount)}."""
    from minka.people.models import Household

    per_family = income_per_family(enterprise, start, end)
    totals = defaultdict(lambda: [0, ZERO])
    for household in Household.objects.filter(pk__in=per_family).select_related("community"):
        for unit in [*household.community.ancestors(), household.community]:
            if unit.kind == level:
                totals[unit][0] += 1
                totals[unit][1] += sum(per_family[household.pk].values(), ZERO)
    return {unit: tuple(values) for unit, values in totals.items()}


def new_outlets(enterprise, start, end):
    """The market outlets (customers) whose first sale falls between two dates: a program indicator."""
    from django.db.models import Min

    from .models import Customer

    return list(Customer.objects.filter(enterprise=enterprise).annotate(first=Min("sales__date")).filter(
        first__gte=start, first__lte=end).order_by("first", "name"))
