from django.conf import settings


def site(request):
    """What every page's frame needs: the languages offered and the user's roles."""
    roles = []
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        roles = sorted({a.get_role_display() for a in user.assignments.all()})
    return {"LANGUAGES_OFFERED": settings.LANGUAGES, "user_roles": roles, "MAP_TILES_URL": settings.MAP_TILES_URL,
            "MAP_TILES_ATTRIBUTION": settings.MAP_TILES_ATTRIBUTION}
