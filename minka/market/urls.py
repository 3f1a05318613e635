from django.urls import path

from . import views

urlpatterns = [
    path("empresa/", views.enterprise_list, name="enterprise_list"),
    path("empresa/<int:pk>/", views.enterprise_home, name="enterprise_home"),
    path("empresa/<int:pk>/entregas/<int:delivery>/corregir/", views.delivery_correct, name="delivery_correct"),
    path("empresa/<int:pk>/pagos/nuevo/", views.payment_create, name="payment_create"),
    path("empresa/<int:pk>/productores/<int:household>/", views.producer_statement, name="producer_statement"),
]
