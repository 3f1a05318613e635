"""The enterprise's statute and catalogue are data that an administrator edits here. Money
movements are not: they go through the pages, which post their entries (read-only here)."""

from django.contrib import admin

from .models import (BrandRule, CollectionCentre, Customer, Delivery, Enterprise, Lot, Member, Price, Product,
                     StatuteFund)


class StatuteFundInline(admin.TabularInline):
    model = StatuteFund
    extra = 0


class BrandRuleInline(admin.TabularInline):
    model = BrandRule
    extra = 0


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["organisation", "brand", "reserve_percent", "refund_basis", "retained_percent"]
    inlines = [StatuteFundInline, BrandRuleInline]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "unit", "chain", "made_from", "max_yield"]
    list_filter = ["kind", "chain"]


@admin.register(Price)
class PriceAdmin(admin.ModelAdmin):
    list_display = ["product", "grade", "price", "valid_from", "valid_to", "quality_factor"]
    list_filter = ["product", "grade"]


admin.site.register(CollectionCentre, list_display=["name", "territory", "enterprise"], raw_id_fields=["territory"])
admin.site.register(Customer, list_display=["name", "channel", "territory"], list_filter=["channel"],
                    raw_id_fields=["territory"])
admin.site.register(Member, list_display=["__str__", "joined_on", "left_on"], raw_id_fields=["household",
                                                                                            "organisation"])


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(Delivery, ReadOnly, list_display=["date", "household", "product", "quantity", "grade", "amount"])
admin.site.register(Lot, ReadOnly, list_display=["code", "product", "made_on", "quantity", "branded"])
