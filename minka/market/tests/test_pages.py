"""The manager's pages: record a delivery, correct it, pay, read a statement and the books; nobody
outside the enterprise's scope sees any of it."""

import datetime

from django.urls import reverse

from minka.market import services
from minka.market.models import Delivery, Payment
from minka.market.tests.conftest import D


def test_the_manager_records_a_delivery_and_pays_through_the_pages(client_for, enterprise, producer):
    client = client_for(enterprise.manager)
    home = reverse("enterprise_home", args=[enterprise.pk])
    assert client.get(reverse("enterprise_list")).url == home  # one enterprise: straight to it
    form = {"date": "2024-03-01", "centre": enterprise.centre.pk, "household": producer.pk,
            "product": enterprise.milk.pk, "quantity": "20", "grade": "A"}
    page = client.post(home, {**form, "quantity": "-3"}, follow=True).content.decode()
    assert "mayor que cero" in page and not Delivery.objects.exists()
    page = client.post(home, {**form, "date": "2025-03-01"}, follow=True).content.decode()
    assert "No hay precio" in page and not Delivery.objects.exists()
    page = client.post(home, form, follow=True).content.decode()
    assert "Entrega registrada: S/ 27.00" in page and "Familia Condori" in page
    delivery = Delivery.objects.get()
    page = client.post(reverse("delivery_correct", args=[enterprise.pk, delivery.pk]),
                       {"date": "2024-03-02", "reason": "Eran 18 L", "quantity": "18", "grade": "A"},
                       follow=True).content.decode()
    assert "Entrega corregida" in page
    assert sorted(Delivery.objects.values_list("amount", flat=True)) == [D("-27.00"), D("24.30"), D("27.00")]
    page = client.post(reverse("payment_create", args=[enterprise.pk]),
                       {"date": "2024-03-05", "household": producer.pk, "amount": "30", "method": "cash"},
                       follow=True).content.decode()
    assert "no se paga más" in page and not Payment.objects.exists()
    page = client.post(reverse("payment_create", args=[enterprise.pk]),
                       {"date": "2024-03-05", "household": producer.pk, "amount": "20", "method": "cash"},
                       follow=True).content.decode()
    assert "Pago registrado" in page and "Estado de cuenta" in page
    statement = client.get(reverse("producer_statement", args=[enterprise.pk, producer.pk]),
                           {"start": "2024-01-01", "end": "2024-06-30"}).content.decode()
    assert "4.30" in statement[statement.index("<tfoot>"):]  # 24.30 delivered, 20.00 paid
    books = client.get(reverse("book_detail", args=[enterprise.book.code])).content.decode()
    assert "Balance de comprobación" in books and "cuadra" in books and "NO CUADRA" not in books
    assert "6021 Materias primas para productos manufacturados" in books


def test_nobody_outside_the_enterprise_sees_it(client_for, enterprise, producer, technician, officer):
    period = enterprise.book.periods.first()
    delivery = services.record_delivery(actor=enterprise.manager, enterprise=enterprise, date=datetime.date(2024, 3, 1),
                                        centre=enterprise.centre, household=producer, product=enterprise.milk,
                                        quantity="10", grade="A")
    urls = [reverse("enterprise_home", args=[enterprise.pk]), reverse("payment_create", args=[enterprise.pk]),
            reverse("producer_statement", args=[enterprise.pk, producer.pk]),
            reverse("book_detail", args=[enterprise.book.code]), reverse("enterprise_list"),
            reverse("delivery_correct", args=[enterprise.pk, delivery.pk]), reverse("lot_list", args=[enterprise.pk]),
            reverse("sale_list", args=[enterprise.pk]), reverse("cost_list", args=[enterprise.pk]),
            reverse("period_closing", args=[enterprise.pk, period.pk]),
            reverse("refund_statement", args=[enterprise.pk, period.pk, producer.pk]),
            reverse("period_close", args=[enterprise.book.code, period.pk])]
    for outsider in (technician, officer):
        client = client_for(outsider)
        for url in urls:
            assert client.get(url).status_code in (404, 405), url
            assert client.post(url, {"quantity": "1"}).status_code in (404, 405), url
        assert "Empresa" not in client.get(reverse("home"), follow=True).content.decode().split("</nav>")[0]
    assert Delivery.objects.count() == 1 and enterprise.book.entries.count() == 1  # nothing written by them


def test_a_coordinator_reads_the_books_but_records_nothing(client_for, enterprise, producer, coordinator):
    client = client_for(coordinator)
    home = reverse("enterprise_home", args=[enterprise.pk])
    page = client.get(home).content.decode()
    assert "Familia Condori" in page and "delivery-form" not in page
    response = client.post(home, {"date": "2024-03-01", "centre": enterprise.centre.pk, "household": producer.pk,
                                  "product": enterprise.milk.pk, "quantity": "20", "grade": "A"})
    assert response.status_code == 404 and not Delivery.objects.exists()
    assert client.get(reverse("payment_create", args=[enterprise.pk])).status_code == 404
    period = enterprise.book.periods.first()
    client.post(reverse("period_close", args=[enterprise.book.code, period.pk]))
    period.refresh_from_db()
    assert not period.is_closed
    assert datetime.date(2024, 1, 1) == period.start


def test_someone_who_keeps_other_books_finds_no_enterprise_in_their_scope(client_for, enterprise, places):
    from minka.accounts.models import Role
    from minka.conftest import make_user

    client = client_for(make_user("credito", Role.CREDIT, places["ocongate"]))  # the province's books are not theirs
    page = client.get(reverse("enterprise_list")).content.decode()
    assert "No hay ninguna empresa en su ámbito" in page and "Ausangate" not in page
    assert client.get(reverse("enterprise_home", args=[enterprise.pk])).status_code == 404
