"""Reading families through the user's territory scope. Every page and export goes through here."""

from django.db.models import Count, Q
from django.http import Http404

from minka.accounts.permissions import VIEW_PEOPLE, scope_q
from minka.territory.models import Territory

from .models import Enrolment, Household, Person, ValueChain


def households_for(user, capability=VIEW_PEOPLE):
    return Household.objects.filter(scope_q(user, "community__path", capability))


def get_household_for_user(user, pk, capability=VIEW_PEOPLE):
    """The household if the user may see (or edit) it; 404 otherwise, as if it did not exist."""
    try:
        return households_for(user, capability).select_related("community__parent__parent").get(pk=pk)
    except (Household.DoesNotExist, ValueError):
        raise Http404


def communities_for(user, capability=VIEW_PEOPLE):
    return Territory.objects.filter(
        scope_q(user, "path", capability), kind__in=[Territory.Kind.COMMUNITY, Territory.Kind.SECTOR],
    ).select_related("parent").order_by("parent__name", "name")


def search_households(user, *, text="", community=None, watershed=None, chain=None, head_sex="", territory=None):
    households = households_for(user)
    if territory is not None:
        households = households.filter(community__path__startswith=territory.path)
    if community is not None:
        households = households.filter(community__path__startswith=community.path)
    if watershed is not None:
        households = households.filter(community__watersheds__path__startswith=watershed.path)
    if chain is not None:
        households = households.filter(enrolments__chain=chain, enrolments__until__isnull=True)
    if head_sex:
        households = households.filter(members__role=Person.Role.HEAD, members__sex=head_sex)
    for word in text.split()[:5]:
        households = households.filter(
            Q(name__icontains=word) | Q(code__iexact=word) | Q(members__given_names__icontains=word)
            | Q(members__surnames__icontains=word) | Q(members__dni=word)
        )
    if watershed is not None or text:
        households = households.filter(pk__in=households.values("pk")).distinct()
    return households


def headline_counts(households):
    """Families, persons by sex and families by value chain, for a set of households (3 queries)."""
    persons = dict(Person.objects.filter(household__in=households).values_list("sex").annotate(n=Count("pk")))
    by_chain = dict(
        Enrolment.objects.filter(household__in=households, until__isnull=True)
        .values_list("chain").annotate(n=Count("household", distinct=True))
    )
    chains = [(chain, by_chain.get(chain.pk, 0)) for chain in ValueChain.objects.filter(active=True)]
    return {
        "households": households.count(),
        "women": persons.get(Person.Sex.FEMALE, 0),
        "men": persons.get(Person.Sex.MALE, 0),
        "chains": chains,
    }


def households_by_child(households, children):
    """How many of the households live under each child unit (one grouped query)."""
    per_community = households.values_list("community__path").annotate(n=Count("pk"))
    totals = {child.pk: 0 for child in children}
    for path, n in per_community:
        for child in children:
            if path.startswith(child.path):
                totals[child.pk] += n
                break
    return totals
