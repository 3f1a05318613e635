"""The credit fund at scale, on PostgreSQL: N loans (100,000 by default) of 20 monthly instalments
each (2 million instalments), disbursed over the last two years, with a repayment and its journal
entry for every instalment paid (about a million of each), generated with SQL inside a throw-away
database (MINKA_DATABASE_URL; `make bench` starts one). One loan in seven stopped paying at some
point. Then it times, in one run:

- `par_run_s`: a full arrears run over the portfolio today (days past due of every loan, aging
  bucket, SBS risk category, provisions, PAR30 and PAR90), as the dashboard asks for it;
- `statement_ms`: one borrower's statement (the schedule in force with what was paid of each
  instalment, every repayment, the schedule's versions, what pays the loan off), warm, median.

Prints the figures against the issue's targets (PAR run under 2 s, statement under 50 ms); the
last line is one JSON object. Never fails on a time.

    scripts/with-postgres.sh python bench/portfolio.py [--loans 100000]
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MINKA_DATA_DIR", tempfile.mkdtemp(prefix="minka-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minka.settings")
os.environ["MINKA_ANALYTICS_FOLLOW_CHANGES"] = "0"

TARGET_PAR_S, TARGET_STATEMENT_MS = 2.0, 50.0
INSTALMENTS = 20


def parse():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loans", type=int, default=100_000)
    return parser.parse_args()


def setup():
    """A fund with its book, periods and capital, one product, one community, one officer."""
    import datetime

    from minka.accounts.models import Role
    from minka.books import services as ledger
    from minka.books.models import Book
    from minka.conftest import build_territory, ensure_value_chains, make_user
    from minka.credit import services
    from minka.credit.models import Fund, Innovation

    ensure_value_chains()
    places = build_territory()
    book = Book.objects.create(code="fondo", name="Fondo", territory=places["quispicanchi"])
    fund = Fund.objects.create(code="fondo", name="Fondo", book=book)
    officer = make_user("comite", Role.CREDIT, places["quispicanchi"])
    today = datetime.date.today()
    for year in range(today.year - 3, today.year + 3):
        ledger.open_period(actor=officer, book=book, name=str(year), start=datetime.date(year, 1, 1),
                           end=datetime.date(year, 12, 31))
    product = services.define_product(fund=fund, code="mensual", name="Mensual", min_amount=500, max_amount=20000,
                                      tea=18, penalty_tea=12, min_term=3, max_term=36, method="equal_principal")
    return fund, product, officer, places["tinki"], Innovation.objects.first()


def generate(cursor, loans, fund, product, officer, community, innovation):
    """Families, applications, loans with their disbursement entries, schedules, instalments, and a
    repayment (with its entry and lines) for each instalment paid. Amounts are whole soles / 20 so that
    principal is exact; interest 1.4 % of the amount a month; every 7th loan stops paying after a
    number of instalments drawn from its id."""
    params = {"n": loans, "fund": fund.pk, "book": fund.book_id, "product": product.pk, "user": officer.pk,
              "community": community.pk, "innovation": innovation.pk}
    steps = [
        ("families", """INSERT INTO people_household (code, name, community_id, address, phone, notes, is_demo,
            created_at, updated_at)
            SELECT 'B-' || g, 'Familia ' || g, %(community)s, '', '', '', false, now(), now()
            FROM generate_series(1, %(n)s) g"""),
        ("plan", """CREATE TEMP TABLE plan AS SELECT g AS n, h.id AS household,
            (current_date - 30 - (g %% 700))::date AS disbursed, (500 + (g %% 50) * 200)::numeric(14,2) AS amount,
            CASE WHEN g %% 7 = 0 THEN g %% 11 ELSE 99 END AS stops_after
            FROM generate_series(1, %(n)s) g JOIN people_household h ON h.code = 'B-' || g"""),
        ("applications", """INSERT INTO credit_application (fund_id, number, product_id, innovation_id, plan,
            investment, own_contribution, amount, term_months, submitted_on, submitted_by_id, status, capacity,
            checklist, household_id, organisation_id, territory_id)
            SELECT %(fund)s, n, %(product)s, %(innovation)s, 'plan', amount, 0, amount, 20, disbursed - 10,
            %(user)s, 'disbursed', '{}', '{}', household, NULL, %(community)s FROM plan"""),
        ("disbursement entries", """INSERT INTO books_entry (book_id, period_id, number, date, memo, source,
            reverses_id, recorded_by_id, recorded_at, foreign_currency, foreign_amount, exchange_rate)
            SELECT %(book)s, p.id, 1000 + n, disbursed, 'Desembolso', 'bench:' || n, NULL, %(user)s, now(), '',
            NULL, NULL FROM plan JOIN books_period p ON p.book_id = %(book)s AND disbursed BETWEEN p.start AND p."end\""""),
        ("loans", """INSERT INTO credit_loan (fund_id, application_id, number, product_id, chain_id, amount,
            outstanding, upfront_fee, tea, penalty_tea, tcea, method, disbursed_on, status, closed_on,
            write_off_reason, entry_id, household_id, organisation_id, territory_id)
            SELECT %(fund)s, a.id, 'B-' || plan.n, %(product)s, NULL, plan.amount, plan.amount, 0, 18, 12, 18,
            'equal_principal', plan.disbursed, 'active', NULL, '', e.id, plan.household, NULL, %(community)s
            FROM plan JOIN credit_application a ON a.fund_id = %(fund)s AND a.number = plan.n
            JOIN books_entry e ON e.book_id = %(book)s AND e.number = 1000 + plan.n"""),
        ("schedules", """INSERT INTO credit_schedule (loan_id, version, reason, note, made_on, made_by_id, active)
            SELECT id, 1, 'original', '', disbursed_on, %(user)s, true FROM credit_loan WHERE fund_id = %(fund)s"""),
        ("instalments", f"""INSERT INTO credit_instalment (schedule_id, loan_id, number, due_date, principal,
            interest, fee, paid_principal, paid_interest, paid_fee, penalty, penalty_since, paid_penalty, settled_on)
            SELECT s.id, l.id, k, (l.disbursed_on + make_interval(months => k))::date, l.amount / {INSTALMENTS},
            round(l.amount * 0.014, 2), 0, paid.p * l.amount / {INSTALMENTS}, paid.p * round(l.amount * 0.014, 2),
            0, 0, NULL, 0, CASE WHEN paid.p = 1 THEN (l.disbursed_on + make_interval(months => k))::date END
            FROM credit_loan l JOIN credit_schedule s ON s.loan_id = l.id
            JOIN plan ON 'B-' || plan.n = l.number CROSS JOIN generate_series(1, {INSTALMENTS}) k
            CROSS JOIN LATERAL (SELECT CASE WHEN (l.disbursed_on + make_interval(months => k))::date < current_date
                AND k <= plan.stops_after THEN 1 ELSE 0 END AS p) paid
            WHERE l.fund_id = %(fund)s"""),
        ("repayment entries", """INSERT INTO books_entry (book_id, period_id, number, date, memo, source,
            reverses_id, recorded_by_id, recorded_at, foreign_currency, foreign_amount, exchange_rate)
            SELECT %(book)s, p.id, 10000000 + i.id, i.settled_on, 'Pago', 'bench-i:' || i.id, NULL, %(user)s, now(),
            '', NULL, NULL FROM credit_instalment i JOIN books_period p ON p.book_id = %(book)s
            AND i.settled_on BETWEEN p.start AND p."end" WHERE i.settled_on IS NOT NULL"""),
        ("repayments", """INSERT INTO credit_repayment (loan_id, number, date, amount, method, enterprise_id, fee,
            penalty, interest, principal, schedule_id, entry_id, offset_entry_id, reverses_id, reason,
            recorded_by_id, recorded_at)
            SELECT i.loan_id, i.number, i.settled_on, i.principal + i.interest, 'cash', NULL, 0, 0, i.interest,
            i.principal, NULL, e.id, NULL, NULL, '', %(user)s, now()
            FROM credit_instalment i JOIN books_entry e ON e.book_id = %(book)s AND e.number = 10000000 + i.id
            WHERE i.settled_on IS NOT NULL"""),
        ("lines", """INSERT INTO books_line (entry_id, account_id, debit, credit, household_id, organisation_id)
            SELECT e.id, a.id, CASE WHEN a.code IN ('1612') THEN l.amount ELSE 0 END,
                CASE WHEN a.code = '1041' THEN l.amount ELSE 0 END, l.household_id, NULL::bigint
            FROM credit_loan l JOIN books_entry e ON e.id = l.entry_id
            JOIN books_account a ON a.code IN ('1612', '1041')
            UNION ALL
            SELECT r.entry_id, a.id, CASE WHEN a.code = '1041' THEN r.amount ELSE 0 END,
                CASE WHEN a.code = '1612' THEN r.principal WHEN a.code = '7721' THEN r.interest ELSE 0 END,
                l.household_id, NULL::bigint
            FROM credit_repayment r JOIN credit_loan l ON l.id = r.loan_id
            JOIN books_account a ON a.code IN ('1041', '1612', '7721')"""),
        ("balances", """UPDATE credit_loan l SET outstanding = l.amount - paid.p,
            status = CASE WHEN paid.p = l.amount THEN 'closed' ELSE 'active' END
            FROM (SELECT loan_id, sum(principal) AS p FROM credit_repayment GROUP BY loan_id) paid
            WHERE paid.loan_id = l.id"""),
        ("closing dates", """UPDATE credit_loan SET closed_on = disbursed_on + 600 WHERE status = 'closed'"""),
        ("statistics", "ANALYZE"),
    ]
    for name, sql in steps:
        started = time.monotonic()
        cursor.execute(sql, params)
        print(f"  {name}: {cursor.rowcount:,} rows in {time.monotonic() - started:.1f} s", flush=True)


def main():
    args = parse()
    if not os.environ.get("MINKA_DATABASE_URL"):
        sys.exit("bench/portfolio.py needs PostgreSQL: scripts/with-postgres.sh python bench/portfolio.py")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from minka.credit import arrears, selectors
    from minka.credit.models import Instalment, Loan

    call_command("migrate", verbosity=0)
    with transaction.atomic():
        fund, product, officer, community, innovation = setup()
    print(f"Generating {args.loans:,} loans on PostgreSQL…", flush=True)
    started = time.monotonic()
    with connection.cursor() as cursor:
        generate(cursor, args.loans, fund, product, officer, community, innovation)
    print(f"  generated in {time.monotonic() - started:.0f} s: {Loan.objects.count():,} loans, "
          f"{Instalment.objects.count():,} instalments", flush=True)

    loans = Loan.objects.filter(fund=fund)
    arrears.run(loans)  # warm
    runs = []
    for _ in range(3):
        started = time.monotonic()
        portfolio = arrears.run(loans)
        figures = (portfolio.outstanding, portfolio.par30, portfolio.par90, portfolio.provisions,
                   portfolio.breakdown("aging"), portfolio.breakdown("risk"))
        runs.append(time.monotonic() - started)
    par_run = statistics.median(runs)
    print(f"arrears run: {par_run:.2f} s for {len(portfolio.rows):,} loans outstanding "
          f"(S/ {figures[0]:,.2f}, PAR30 {figures[1]} %, PAR90 {figures[2]} %, provisions S/ {figures[3]:,.2f}); "
          f"target < {TARGET_PAR_S} s", flush=True)

    sample = list(loans.filter(status="active").order_by("?").values_list("pk", flat=True)[:25])
    timings = []
    for pk in sample:
        started = time.perf_counter()
        statement = selectors.statement(Loan.objects.get(pk=pk))
        len(statement.instalments), statement.payoff, statement.overdue
        timings.append((time.perf_counter() - started) * 1000)
    statement_ms = statistics.median(timings[5:])
    print(f"borrower's statement: {statement_ms:.1f} ms (median, warm); target < {TARGET_STATEMENT_MS} ms", flush=True)
    print(json.dumps({"loans": args.loans, "par_run_s": round(par_run, 3), "statement_ms": round(statement_ms, 1)}))


if __name__ == "__main__":
    main()
