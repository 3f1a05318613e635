from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from django.utils.translation import gettext as _

from minka.accounts.permissions import KEEP_BOOKS, can
from minka.core.pages import paginate

from . import selectors, services
from .models import Entry, Period


def _book(request, code):
    book = selectors.books_for(request.user).filter(code=code).first()
    if book is None:
        raise Http404
    return book


@login_required
@require_http_methods(["GET"])
def book_detail(request, code):
    """The trial balance (always balanced: every entry is), the periods and the journal."""
    book = _book(request, code)
    rows = selectors.trial_balance(book)
    debit, credit = selectors.totals(rows)
    page, query = paginate(request, Entry.objects.filter(book=book).select_related("period", "reverses")
                           .prefetch_related("lines__account", "lines__household", "lines__organisation")
                           .order_by("-number"), size=25)
    return render(request, "books/book_detail.html", {
        "book": book, "rows": rows, "debit": debit, "credit": credit, "page": page, "query": query,
        "periods": book.periods.select_related("closed_by"), "keeps": can(request.user, book.keepers or KEEP_BOOKS, book.territory)})


@login_required
@require_POST
def period_close(request, code, pk):
    book = _book(request, code)
    period = get_object_or_404(Period, pk=pk, book=book)
    try:
        services.close_period(actor=request.user, period=period)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("Periodo %(p)s cerrado.") % {"p": period})
    return redirect("book_detail", code=code)
