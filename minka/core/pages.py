"""What list, export and import pages of every app have in common (domain-free)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from .forms import ImportForm
from .tabular import XLSX_TYPE, ImportRejected, write_csv, write_xlsx

PAGE_SIZE = 25


def stored_file(field):
    """A stored file (a FileField's value) to download under its own name; none: 404."""
    from django.http import FileResponse

    if not field:
        raise Http404
    return FileResponse(field.open("rb"), filename=field.name.rsplit("/", 1)[-1])


def pdf_response(template, context, language, filename):
    """A printable page rendered in `language` as a PDF (WeasyPrint), shown inline."""
    from django.template.loader import render_to_string
    from django.utils import translation
    from weasyprint import HTML

    with translation.override(language):
        html = render_to_string(template, {**context, "language": language})
    response = HttpResponse(HTML(string=html, base_url=None).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def submitted(request, form, allowed, act):
    """On a POST: refused (404) without the right; with a valid form, the service `act(data)` is
    called and its result returned; a refusal of the service becomes the form's error (None)."""
    if request.method != "POST":
        return None
    if not allowed:
        raise Http404
    if not form.is_valid():
        return None
    try:
        return act(form.cleaned_data)
    except (ValidationError, PermissionDenied) as error:
        form.add_error(None, error)
        return None


def paginate(request, queryset, size=PAGE_SIZE):
    """The requested page and the query string of the filters (without the page number)."""
    page = Paginator(queryset, size).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


def list_or_results(request, template, results_template, context):
    """One view, full page or fragment: htmx asks only for the results."""
    return render(request, results_template if request.htmx else template, context)


def spreadsheet_response(fmt, basename, title, header, rows):
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "xlsx":
        response = HttpResponse(write_xlsx(title, header, rows), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(write_csv(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="minka-{basename}-{stamp}.{fmt}"'
    return response


def filtered_export(request, fmt, *, allowed, filtered, scoped, basename, title, header, rows):
    """The list's filtered items, cut to those the user may export (`scoped`), as CSV or XLSX;
    404 for a user without the right to export (`allowed` false)."""
    if not allowed:
        raise Http404
    _form, items = filtered(request)
    items = items.filter(pk__in=scoped.values("pk"))
    return spreadsheet_response(fmt, basename, title, header, rows(items))


def import_page(request, *, importer, title, columns, help_text, done_url, back_url, success=None):
    """Upload, check every row, import all or nothing; show the errors line by line. `success`
    turns the importer's result into the message shown (records and rows by default)."""
    form = ImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = importer(actor=request.user, data=upload.read(), filename=upload.name)
        except ImportRejected as rejected:
            errors = rejected.errors
        else:
            for notice in result.get("notices", []):
                messages.info(request, notice)
            messages.success(request, success(result) if success else
                             _("Importados %(records)s registros desde %(rows)s filas.") % result)
            return redirect(done_url)
    return render(request, "core/import.html", {"form": form, "errors": errors, "columns": columns, "title": title,
                                                "help_text": help_text, "back_url": back_url})
