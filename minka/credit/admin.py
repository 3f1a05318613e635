"""The fund's catalogue is data an administrator edits: loan products, innovations and the arrears
tables. Money rows (grants, loans, repayments) are written by the services only and read here."""

from django.contrib import admin

from .models import ArrearsBand, Fund, Innovation, LoanProduct


@admin.register(Fund)
class FundAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "book"]
    filter_horizontal = ["offset_enterprises"]


@admin.register(LoanProduct)
class LoanProductAdmin(admin.ModelAdmin):
    list_display = ["name", "fund", "tea", "min_amount", "max_amount", "min_term", "max_term", "frequency", "method",
                    "active"]
    list_filter = ["fund", "method", "frequency", "active"]


@admin.register(Innovation)
class InnovationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "chain"]


@admin.register(ArrearsBand)
class ArrearsBandAdmin(admin.ModelAdmin):
    list_display = ["table", "code", "name", "min_days", "max_days", "provision_percent"]
    list_filter = ["table"]
