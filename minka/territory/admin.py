from django.contrib import admin

from .models import Territory, Watershed


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code", "alt_code", "is_demo"]
    list_filter = ["kind", "is_demo"]
    search_fields = ["name", "code"]
    readonly_fields = ["path", "depth"]
    raw_id_fields = ["parent"]

    def has_add_permission(self, request):
        return False  # units come from the official lists and the import command, which keep paths right


@admin.register(Watershed)
class WatershedAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code", "is_demo"]
    search_fields = ["name", "code"]
    readonly_fields = ["path"]
    filter_horizontal = ["communities"]

    def has_add_permission(self, request):
        return False
