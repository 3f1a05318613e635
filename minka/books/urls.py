from django.urls import path

from . import views

urlpatterns = [
    path("contabilidad/<slug:code>/", views.book_detail, name="book_detail"),
    path("contabilidad/<slug:code>/periodos/<int:pk>/cerrar/", views.period_close, name="period_close"),
]
