from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User

from .models import Assignment


class AssignmentInline(admin.TabularInline):
    model = Assignment
    raw_id_fields = ["territory"]
    extra = 1


admin.site.unregister(User)


@admin.register(User)
class MinkaUserAdmin(UserAdmin):
    inlines = [AssignmentInline]
