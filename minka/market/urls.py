from django.urls import path

from . import public, views

urlpatterns = [
    path("empresa/", views.enterprise_list, name="enterprise_list"),
    path("empresa/<int:pk>/", views.enterprise_home, name="enterprise_home"),
    path("empresa/<int:pk>/entregas/<int:delivery>/corregir/", views.delivery_correct, name="delivery_correct"),
    path("empresa/<int:pk>/pagos/nuevo/", views.payment_create, name="payment_create"),
    path("empresa/<int:pk>/productores/<int:household>/", views.producer_statement, name="producer_statement"),
    path("empresa/<int:pk>/lotes/", views.lot_list, name="lot_list"),
    path("empresa/<int:pk>/lotes/<int:lot>/etiquetas.pdf", public.lot_labels, name="lot_labels"),
    path("lote/<str:code>/", public.lot_page, name="lot_public"),
    path("empresa/<int:pk>/ventas/", views.sale_list, name="sale_list"),
    path("empresa/<int:pk>/ventas/<int:sale>/cobrar/", views.sale_receive, name="sale_receive"),
    path("empresa/<int:pk>/ventas/<int:sale>/", views.sale_invoice, name="sale_invoice"),
    path("empresa/<int:pk>/costos/", views.cost_list, name="cost_list"),
    path("empresa/<int:pk>/cierre/<int:period>/", views.period_closing, name="period_closing"),
    path("empresa/<int:pk>/cierre/<int:period>/productor/<int:household>.pdf", public.refund_statement,
         name="refund_statement"),
]
