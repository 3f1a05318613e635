from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Consent, Enrolment, Household, Organisation, OrganisationMember, Person, ValueChain


@admin.register(ValueChain)
class ValueChainAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order", "active"]
    list_editable = ["order", "active"]


class PersonInline(admin.TabularInline):
    model = Person
    extra = 0


@admin.register(Household)
class HouseholdAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "community", "is_demo"]
    search_fields = ["name", "code", "members__surnames", "members__dni"]
    list_filter = ["is_demo"]
    raw_id_fields = ["community"]
    inlines = [PersonInline]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["given_names", "surnames", "sex", "role", "household"]
    search_fields = ["given_names", "surnames", "dni"]
    raw_id_fields = ["household"]


admin.site.register(Enrolment, SimpleHistoryAdmin, raw_id_fields=["household", "producer"])
admin.site.register(Consent, SimpleHistoryAdmin, raw_id_fields=["household", "given_by"])


class OrganisationMemberInline(admin.TabularInline):
    model = OrganisationMember
    raw_id_fields = ["person"]
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "territory", "is_demo"]
    list_filter = ["kind"]
    raw_id_fields = ["territory"]
    inlines = [OrganisationMemberInline]
