"""Stripe's webhook endpoint on the platform host: verify, store once, queue.

Nothing is applied here. The request only proves the event came from Stripe (its
signature, with Stripe's five-minute replay tolerance on the signature's timestamp), stores
it by its event id (a unique column, so a redelivery finds the row and does nothing
more) and queues `stripe_event_process` when the row is committed. Answering quickly
matters: Stripe treats a slow answer as a failure and delivers again.
"""

import json
import logging

import stripe
from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from config.errors import ApplicationError
from shared_apps.billing.models import StripeEvent
from shared_apps.billing.stripe_billing import (
    StripeErrorCode,
    stripe_datetime,
    stripe_webhook_secret,
)
from shared_apps.billing.stripe_tasks import stripe_event_process
from tenants.task_routing import enqueue_on_commit

logger = logging.getLogger(__name__)

# Stripe's own default: a signature older than this is refused, so a captured request
# cannot be replayed later. An event itself may be days old (Stripe retries for three
# days); each delivery is signed afresh.
WEBHOOK_TOLERANCE_SECONDS = 300


class WebhookSignatureError(ApplicationError):
    code = StripeErrorCode.SIGNATURE_INVALID
    status = 400
    message = "The Stripe signature is missing, invalid or too old."


@transaction.atomic
def stripe_event_receive(*, payload: bytes, signature: str) -> tuple[StripeEvent, bool]:
    """Verify and store one delivery; returns the event and whether it is new."""
    secret = stripe_webhook_secret()
    try:
        stripe.Webhook.construct_event(
            payload, signature, secret, tolerance=WEBHOOK_TOLERANCE_SECONDS
        )
        data = json.loads(payload)
    except (stripe.SignatureVerificationError, ValueError) as exc:
        logger.warning("Stripe webhook refused: %s", exc)
        raise WebhookSignatureError() from exc
    event, created = StripeEvent.objects.get_or_create(
        event_id=data["id"],
        defaults={
            "type": data.get("type", ""),
            "payload": data,
            "livemode": bool(data.get("livemode")),
            "created_at_stripe": stripe_datetime(data.get("created")),
        },
    )
    if created:
        enqueue_on_commit(stripe_event_process, event_pk=event.pk)
    return event, created


@csrf_exempt  # Stripe signs its requests instead; it has no CSRF token.
@require_POST
def stripe_webhook(request):
    try:
        stripe_event_receive(
            payload=request.body, signature=request.headers.get("Stripe-Signature", "")
        )
    except ApplicationError as error:
        # 400 for a bad signature (Stripe gives up); 503 when no secret is configured
        # (Stripe keeps retrying for three days, so nothing is lost meanwhile).
        return JsonResponse(error.as_dict(), status=error.status)
    return JsonResponse({"received": True})
