from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import OrganisationAttendance, Participant, Training


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    raw_id_fields = ["person"]


class OrganisationInline(admin.TabularInline):
    model = OrganisationAttendance
    extra = 0


@admin.register(Training)
class TrainingAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "start_date", "place", "is_demo"]
    list_filter = ["kind", "is_demo"]
    search_fields = ["title"]
    raw_id_fields = ["place"]
    inlines = [ParticipantInline, OrganisationInline]
