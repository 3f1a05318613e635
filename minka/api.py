"""Minka's read-only JSON API (django-ninja): OpenAPI schema at /api/openapi.json, documentation at
/api/docs. Signed-in users (session) and scripts (HTTP Basic, over HTTPS) read what their pages
show, within their territory scope; the public subset needs no account."""

from django.contrib.auth import authenticate
from ninja import NinjaAPI
from ninja.security import HttpBasicAuth, django_auth


class BasicAuth(HttpBasicAuth):
    def authenticate(self, request, username, password):
        user = authenticate(request, username=username, password=password)
        if user is not None and user.is_active:
            request.user = user
            return user
        return None


SIGNED_IN = [django_auth, BasicAuth()]

api = NinjaAPI(title="Minka API", version="1", urls_namespace="api",
               description="Indicadores y valores del observatorio de Minka. Las rutas `public` no piden cuenta y "
                           "aplican las mismas reglas de confidencialidad que el portal público; las demás "
                           "devuelven lo que el usuario ve en sus páginas, dentro de su ámbito.")
api.add_router("/observatory/", "minka.observatory.api.router")
