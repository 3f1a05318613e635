from django.urls import path

from . import views

urlpatterns = [
    path("credito/", views.portfolio, name="credit_portfolio"),
    path("credito/prestamos/", views.loan_list, name="loan_list"),
    path("credito/prestamos/<int:pk>/", views.loan_detail, name="loan_detail"),
    path("credito/prestamos/<int:pk>/cronograma.pdf", views.loan_schedule_pdf, name="loan_schedule_pdf"),
    path("credito/prestamos/<int:pk>/recibos/<int:number>/", views.repayment_receipt, name="repayment_receipt"),
    path("credito/cuotas/", views.due_list, name="due_list"),
    path("credito/fondos/<int:pk>/", views.fund_detail, name="fund_detail"),
    path("credito/solicitudes/", views.application_list, name="application_list"),
    path("credito/solicitudes/nueva/", views.application_create, name="application_create"),
    path("credito/solicitudes/<int:pk>/", views.application_detail, name="application_detail"),
    path("credito/solicitudes/<int:pk>/cronograma.pdf", views.application_schedule_pdf,
         name="application_schedule_pdf"),
]
