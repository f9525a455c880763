"""The platform bills each agency for its clients, at wholesale.

Once a period (the monthly beat task `agency_invoices_issue`), `agency_invoice_create`
freezes what each client cost the agency (the platform's per-feature price of its plan
times its enabled features: tenants.agency_pricing) into an `AgencyInvoice` with a line
per client, then issues one Stripe invoice to the agency's Stripe customer with one
invoice item per client, and finalizes it (Stripe then collects it the usual way).

Idempotent per agency and period: the row is unique, every Stripe request carries an
idempotency key derived from the agency, the period and (for items) the client, and the
lines are frozen before the first Stripe call. A run that dies half-way is simply run
again: it reuses what the first made (ours from the row, Stripe's by replay).

Agency clients have no checkout of their own (shared_apps.billing.services: their plan
changes never wait for a payment; the billing page says who manages their plan).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from config.errors import ApplicationError
from config.money import Money
from shared_apps.billing.errors import BillingErrorCode
from shared_apps.billing.models import AgencyInvoice, AgencyInvoiceLine
from shared_apps.billing.stripe_billing import (
    _digest,
    _stripe_errors,
    idempotency_key,
    stripe_client,
)
from shared_apps.platform.services import audit_record
from tenants.agency_selectors import agency_client_rows, agency_clients
from tenants.models import Agency, AgencyMembership


class AgencyBillingError(ApplicationError):
    code = BillingErrorCode.SELECTION_INVALID


def _period_key(period_start: date, period_end: date) -> str:
    return f"{period_start:%Y%m%d}-{period_end:%Y%m%d}"


def agency_customer_ensure(*, agency: Agency) -> str:
    """The agency's Stripe customer id, made once."""
    if agency.stripe_customer_id:
        return agency.stripe_customer_id
    owner = (
        AgencyMembership.objects.filter(agency=agency, role=AgencyMembership.Role.OWNER)
        .select_related("identity")
        .order_by("created_at")
        .first()
    )
    params = {"name": agency.name, "metadata": {"agency_id": str(agency.pk)}}
    if owner is not None:
        params["email"] = owner.identity.email
    key = idempotency_key("agency_customer_create", agency.pk, _digest(params))
    with _stripe_errors("agency customer create"):
        customer = stripe_client().v1.customers.create(
            params=params, options={"idempotency_key": key}
        )
    Agency.objects.filter(pk=agency.pk, stripe_customer_id="").update(
        stripe_customer_id=customer.id
    )
    agency.stripe_customer_id = customer.id
    audit_record(
        action="billing.agency_stripe_customer_created",
        target=agency,
        data={"agency": str(agency.pk), "customer": customer.id},
    )
    return customer.id


@dataclass(frozen=True)
class WholesaleLine:
    client_id: object
    client_name: str
    plan_code: str
    features: int
    unit: Money
    amount: Money


def agency_wholesale_statement(*, agency: Agency) -> list[WholesaleLine]:
    """What each client costs the agency per month right now (the billing page's
    statement, and what the next invoice freezes)."""
    from tenants.agency_selectors import wholesale_per_feature_by_plan

    wholesale = wholesale_per_feature_by_plan()
    rows = agency_client_rows(
        agency=agency, clients=agency_clients(agency=agency), wholesale=wholesale
    )
    return [
        WholesaleLine(
            client_id=row.client.pk,
            client_name=row.client.name,
            plan_code=row.plan_code,
            features=row.pricing.features,
            unit=wholesale.get(row.plan_code, Money.zero(row.pricing.cost.currency)),
            amount=row.pricing.cost,
        )
        for row in rows
    ]


def _invoice_freeze(*, agency: Agency, period_start: date, period_end: date) -> AgencyInvoice:
    """The period's invoice row with its lines, made once (a rerun finds it)."""
    with transaction.atomic():
        invoice = (
            AgencyInvoice.objects.select_for_update()
            .filter(agency=agency, period_start=period_start, period_end=period_end)
            .first()
        )
        if invoice is not None:
            return invoice
        lines = [
            line for line in agency_wholesale_statement(agency=agency) if line.amount.amount > 0
        ]
        currencies = {line.amount.currency for line in lines}
        if len(currencies) > 1:
            raise AgencyBillingError(f"Mixed currencies on one invoice: {sorted(currencies)}.")
        currency = currencies.pop() if currencies else "usd"
        total = Money.zero(currency)
        for line in lines:
            total += line.amount
        invoice = AgencyInvoice.objects.create(
            agency=agency,
            period_start=period_start,
            period_end=period_end,
            currency=currency,
            amount_total=total.amount,
            status=AgencyInvoice.Status.DRAFT if lines else AgencyInvoice.Status.NOTHING_DUE,
        )
        AgencyInvoiceLine.objects.bulk_create(
            [
                AgencyInvoiceLine(
                    invoice=invoice,
                    workspace_id=line.client_id,
                    workspace_name=line.client_name,
                    plan_code=line.plan_code,
                    features=line.features,
                    unit_amount=line.unit.amount,
                    amount=line.amount.amount,
                )
                for line in lines
            ]
        )
        audit_record(
            action="billing.agency_invoice_created",
            target=invoice,
            data={
                "agency": str(agency.pk),
                "period": _period_key(period_start, period_end),
                "clients": len(lines),
                "total": str(total.amount),
                "currency": currency,
            },
        )
        return invoice


def agency_invoice_create(*, agency: Agency, period_start: date, period_end: date) -> AgencyInvoice:
    """Bill the agency for the period (see the module's docstring). Returns the invoice;
    calling it again for the same period returns the same one and asks Stripe for
    nothing new."""
    if period_end <= period_start:
        raise AgencyBillingError("A period ends after it starts.")
    invoice = _invoice_freeze(agency=agency, period_start=period_start, period_end=period_end)
    if invoice.status != AgencyInvoice.Status.DRAFT:
        return invoice  # issued already, or nothing due
    period = _period_key(period_start, period_end)
    customer = agency_customer_ensure(agency=agency)
    client = stripe_client()
    if not invoice.stripe_invoice_id:
        params = {
            "customer": customer,
            "collection_method": "charge_automatically",
            "currency": invoice.currency,
            # Only the items made below: never another pending item of the customer.
            "pending_invoice_items_behavior": "exclude",
            "description": f"Clients of {agency.name}, {period_start:%Y-%m-%d} to "
            f"{period_end:%Y-%m-%d} (exclusive)",
            "metadata": {"agency_id": str(agency.pk), "period": period},
        }
        with _stripe_errors("agency invoice create"):
            stripe_invoice = client.v1.invoices.create(
                params=params,
                options={"idempotency_key": idempotency_key("agency_invoice", agency.pk, period)},
            )
        AgencyInvoice.objects.filter(pk=invoice.pk).update(stripe_invoice_id=stripe_invoice.id)
        invoice.stripe_invoice_id = stripe_invoice.id
    for line in invoice.lines.filter(stripe_invoice_item_id=""):
        amount = Money(line.amount, invoice.currency)
        params = {
            "customer": customer,
            "invoice": invoice.stripe_invoice_id,
            "currency": invoice.currency,
            "amount": amount.to_minor_units(),
            "description": f"{line.workspace_name}: {line.plan_code} plan, "
            f"{line.features} feature(s) at {Money(line.unit_amount, invoice.currency)}",
            "metadata": {
                "agency_id": str(agency.pk),
                "workspace_id": str(line.workspace_id or ""),
                "period": period,
            },
        }
        key = idempotency_key("agency_invoice_item", f"{agency.pk}:{period}", line.workspace_id)
        with _stripe_errors("agency invoice item create"):
            item = client.v1.invoice_items.create(params=params, options={"idempotency_key": key})
        AgencyInvoiceLine.objects.filter(pk=line.pk).update(stripe_invoice_item_id=item.id)
    with _stripe_errors("agency invoice finalize"):
        finalized = client.v1.invoices.finalize_invoice(
            invoice.stripe_invoice_id,
            options={
                "idempotency_key": idempotency_key("agency_invoice_finalize", agency.pk, period)
            },
        )
    invoice.status = finalized.status or AgencyInvoice.Status.OPEN
    invoice.number = finalized.number or ""
    invoice.hosted_invoice_url = finalized.hosted_invoice_url or ""
    invoice.finalized_at = timezone.now()
    invoice.save(update_fields=["status", "number", "hosted_invoice_url", "finalized_at"])
    audit_record(
        action="billing.agency_invoice_issued",
        target=invoice,
        data={
            "agency": str(agency.pk),
            "period": period,
            "stripe_invoice": invoice.stripe_invoice_id,
            "total": str(invoice.amount_total),
            "currency": invoice.currency,
        },
    )
    return invoice


def previous_month(*, today: date) -> tuple[date, date]:
    """The calendar month before `today`'s: (its first day, the first day of the next)."""
    end = today.replace(day=1)
    start = (end - timedelta(days=1)).replace(day=1)
    return start, end


def agency_invoices_for_agency(*, agency: Agency, limit: int = 24):
    return AgencyInvoice.objects.filter(agency=agency).order_by("-period_start", "-id")[:limit]
