"""Which parts of the territory a user may browse: the units inside their scope and the units
above them (to navigate from Peru down). Everything else answers 404."""

from django.db.models import Q
from django.http import Http404

from minka.accounts.permissions import VIEW_PEOPLE, scope_paths, scope_q

from .models import Infrastructure, Territory, Watershed


def visible_q(user, capability=VIEW_PEOPLE):
    query = Q(pk__in=[])
    for path in scope_paths(user, capability):
        query |= Q(path__startswith=path)
        codes = path.strip("/").split("/")
        query |= Q(code__in=codes[:-1])  # the ancestors
    return query


def get_territory_for_user(user, code):
    try:
        return Territory.objects.filter(visible_q(user)).select_related("parent").get(code=code)
    except Territory.DoesNotExist:
        raise Http404


def visible_children(user, territory):
    return territory.children.filter(visible_q(user)).order_by("name")


def in_scope(user, territory):
    return any(territory.path.startswith(p) for p in scope_paths(user))


def landing_territory(user):
    """Where a user starts: their one scope unit, or the unit that holds all of them."""
    paths = scope_paths(user)
    if not paths:
        return None
    common = paths[0].strip("/").split("/")
    for path in paths[1:]:
        codes = path.strip("/").split("/")
        i = 0
        while i < min(len(common), len(codes)) and common[i] == codes[i]:
            i += 1
        common = common[:i]
    return Territory.objects.filter(code=common[-1]).first() if common else None


def watersheds_for(user):
    """Watersheds that hold at least one community in the user's scope."""
    query = Q(pk__in=[])
    for path in scope_paths(user):
        query |= Q(communities__path__startswith=path)
    paths = Watershed.objects.filter(query).values_list("path", flat=True).distinct()
    codes = {code for path in paths for code in path.strip("/").split("/")}  # with their parent basins
    return Watershed.objects.filter(code__in=codes).order_by("path")


def infrastructure_for(user, capability=VIEW_PEOPLE):
    return Infrastructure.objects.filter(scope_q(user, "community__path", capability))


def get_infrastructure_for_user(user, pk, capability=VIEW_PEOPLE):
    try:
        return infrastructure_for(user, capability).select_related("community__parent", "watershed").get(pk=pk)
    except (Infrastructure.DoesNotExist, ValueError):
        raise Http404


def get_watershed_for_user(user, code):
    """A watershed whose figures the user may read: every community in it (and in its
    microwatersheds) is inside the user's scope, since its figures add up all of them."""
    watershed = Watershed.objects.filter(code=code).first()
    if watershed is None:
        raise Http404
    members = Territory.objects.filter(watersheds__path__startswith=watershed.path).distinct()
    if not members.exists() or members.exclude(scope_q(user, "path")).exists():
        raise Http404
    return watershed


def readable_watersheds(user, territory):
    """The watersheds with communities under this unit whose figures the user may read."""
    candidates = Watershed.objects.filter(communities__path__startswith=territory.path).distinct()
    paths = {w.path for w in candidates}
    codes = {code for path in paths for code in path.strip("/").split("/")}
    readable = []
    for watershed in Watershed.objects.filter(code__in=codes).order_by("path"):
        try:
            readable.append(get_watershed_for_user(user, watershed.code))
        except Http404:
            continue
    return readable


def district_names(paths):
    """{path: the name of its district} for places at or below a district (one query); places above a
    district are left out."""
    codes = {path: path.strip("/").split("/")[3] for path in paths if path.count("/") > 3}
    names = dict(Territory.objects.filter(code__in=set(codes.values())).values_list("code", "name"))
    return {path: names.get(code, code) for path, code in codes.items()}
