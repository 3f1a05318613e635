"""The catalogue of field records is data kept here by admins: units, what each chain measures,
practices, topics, income sources. A new chain or product needs rows, not code. Records themselves
are entered and corrected through Minka's pages, which check the territory scope."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import IncomeSource, Measure, Practice, Topic, TransitionRule, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "symbol", "name", "dimension", "factor"]
    list_filter = ["dimension"]
    search_fields = ["code", "name", "symbol"]


@admin.register(Measure)
class MeasureAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "chain", "purpose", "value_type", "unit", "min_value", "max_value", "pass_min",
                    "pass_max", "order", "active"]
    list_filter = ["purpose", "chain", "value_type", "active"]
    list_editable = ["order", "active"]
    search_fields = ["code", "name"]


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "quantity_unit", "is_fertiliser", "order", "active"]
    list_editable = ["order", "active"]


@admin.register(TransitionRule)
class TransitionRuleAdmin(SimpleHistoryAdmin):
    """Read-only here: the rules are changed on Minka's «Umbrales y reglas» page, which reclassifies
    every assessment with the new rule in the same transaction."""

    list_display = ["stage", "min_practices"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "order", "active"]
    list_editable = ["order", "active"]


@admin.register(IncomeSource)
class IncomeSourceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "chain", "order"]
