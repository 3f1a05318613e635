from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from minka.people import selectors as people

from . import selectors
from .models import Territory


@login_required
def home(request):
    territory = selectors.landing_territory(request.user)
    if territory is None:
        return render(request, "territory/no_scope.html")
    return redirect("territory_detail", code=territory.code)


@login_required
def territory_detail(request, code):
    territory = selectors.get_territory_for_user(request.user, code)
    children = list(selectors.visible_children(request.user, territory))
    households = people.households_for(request.user).filter(community__path__startswith=territory.path)
    by_child = people.households_by_child(households, children)
    context = {
        "territory": territory,
        "ancestors": territory.ancestors(),
        "children": [(child, by_child[child.pk]) for child in children],
        "counts": people.headline_counts(households),
        "in_scope": selectors.in_scope(request.user, territory),
        "watersheds": territory.watersheds.all() if territory.is_personal_level else [],
        "tiles_url": settings.MAP_TILES_URL,
        "tiles_attribution": settings.MAP_TILES_ATTRIBUTION,
        "child_kind": {
            Territory.Kind.COUNTRY: Territory.Kind.REGION, Territory.Kind.REGION: Territory.Kind.PROVINCE,
            Territory.Kind.PROVINCE: Territory.Kind.DISTRICT, Territory.Kind.DISTRICT: Territory.Kind.COMMUNITY,
            Territory.Kind.COMMUNITY: Territory.Kind.SECTOR,
        }.get(territory.kind),
    }
    return render(request, "territory/territory_detail.html", context)


@login_required
def territory_geojson(request, code):
    """The unit and its visible children as a GeoJSON FeatureCollection, for the map."""
    territory = selectors.get_territory_for_user(request.user, code)
    children = list(selectors.visible_children(request.user, territory))
    households = people.households_for(request.user).filter(community__path__startswith=territory.path)
    by_child = people.households_by_child(households, children)
    features = []
    for unit, role in [(territory, "unit")] + [(child, "child") for child in children]:
        if not unit.geometry:
            continue
        features.append({
            "type": "Feature",
            "geometry": unit.geometry,
            "properties": {
                "code": unit.code, "name": unit.name, "kind": unit.get_kind_display(), "role": role,
                "households": by_child.get(unit.pk) if role == "child" else None,
                "url": reverse("territory_detail", args=[unit.code]),
            },
        })
    return JsonResponse({"type": "FeatureCollection", "features": features})
