"""Calls are prepared here or on their page; plans, evaluations and awards are written by the services
only and read here."""

from django.contrib import admin

from .models import Call, Criterion, Evaluation, Plan


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["order", "group", "name", "name_quz", "weight", "guidance"]


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "territory", "budget", "opens_on", "closes_on", "status"]
    list_filter = ["status"]
    inlines = [CriterionInline]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["call", "number", "title", "applicant_kind", "eligible", "status", "score", "rank", "awarded"]
    list_filter = ["call", "status", "applicant_kind"]
    readonly_fields = [f.name for f in Plan._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ["plan", "evaluator", "no_conflict", "declared_on", "submitted_on", "total"]
    readonly_fields = [f.name for f in Evaluation._meta.fields]

    def has_add_permission(self, request):
        return False
