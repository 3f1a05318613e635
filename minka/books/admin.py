"""The chart of accounts is data an administrator extends (subaccounts); entries are read-only: they
are posted by the operations and corrected by reversal."""

from django.contrib import admin

from .models import Account, Book, Entry, Line


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "postable"]
    list_filter = ["kind", "postable"]
    search_fields = ["code", "name"]


@admin.register(Book)
class BookAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "organisation", "territory"]
    raw_id_fields = ["territory", "organisation"]


class LineInline(admin.TabularInline):
    model = Line
    extra = 0
    can_delete = False
    readonly_fields = ["account", "debit", "credit", "household", "organisation"]


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["book", "number", "date", "memo", "source"]
    list_filter = ["book"]
    inlines = [LineInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
