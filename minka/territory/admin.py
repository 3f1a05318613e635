from django.contrib import admin

from simple_history.admin import SimpleHistoryAdmin

from .models import Infrastructure, InfrastructureCondition, InfrastructureWork, Territory, Watershed


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


class ConditionInline(admin.TabularInline):
    model = InfrastructureCondition
    extra = 0


class WorkInline(admin.TabularInline):
    model = InfrastructureWork
    extra = 0


@admin.register(Infrastructure)
class InfrastructureAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "code", "community", "watershed", "is_demo"]
    list_filter = ["kind", "is_demo"]
    search_fields = ["name", "code"]
    raw_id_fields = ["community"]
    inlines = [ConditionInline, WorkInline]
