from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from minka.api import api
from minka.people import views as people
from minka.territory import views as territory

urlpatterns = [
    path("", territory.home, name="home"),
    path("territorio/<str:code>/", territory.territory_detail, name="territory_detail"),
    path("territorio/<str:code>/mapa.geojson", territory.territory_geojson, name="territory_geojson"),
    path("familias/", people.household_list, name="household_list"),
    path("familias/nueva/", people.household_create, name="household_create"),
    path("familias/importar/", people.household_import, name="household_import"),
    re_path(r"^familias/exportar\.(?P<fmt>csv|xlsx)$", people.household_export, name="household_export"),
    path("familias/<int:pk>/", people.household_detail, name="household_detail"),
    path("familias/<int:pk>/editar/", people.household_edit, name="household_edit"),
    path("", include("minka.collect.urls")),
    path("", include("minka.observatory.urls")),
    path("", include("minka.chains.urls")),
    path("", include("minka.learning.urls")),
    path("", include("minka.territory.urls")),
    path("", include("minka.books.urls")),
    path("", include("minka.market.urls")),
    path("", include("minka.credit.urls")),
    path("", include("minka.incentives.urls")),
    path("", include("minka.governance.urls")),
    path("cuenta/ingresar/", auth_views.LoginView.as_view(template_name="core/login.html",
                                                          redirect_authenticated_user=True), name="login"),
    path("cuenta/salir/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
