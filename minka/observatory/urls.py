from django.urls import path

from . import views

urlpatterns = [
    path("observatorio/", views.home, name="observatory_home"),
    path("observatorio/<str:code>/", views.dashboard, name="observatory_dashboard"),
    path("observatorio/<str:code>/recalcular/", views.refresh, name="observatory_refresh"),
]
