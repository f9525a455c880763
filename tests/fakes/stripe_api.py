"""A fake Stripe API served over real HTTP on loopback, for the real `stripe` SDK.

It implements the subset Mewayz billing calls: customers, prices, Checkout sessions,
subscriptions (retrieve, update quantity through items, cancel), subscription items,
Customer Portal sessions, and one-off invoices (draft invoices, invoice items added to
them, finalizing) with which the platform bills agencies. Requests arrive form-encoded
as the SDK sends them (`items[0][quantity]=3`), are checked like Stripe checks them (API
key, integer amounts, known ids), and are answered with Stripe-shaped JSON objects.

`Idempotency-Key` behaves as at Stripe: the same key with the same parameters replays
the first response (and makes nothing new), the same key with other parameters is an
`idempotency_error`. Every request is recorded so tests can assert on what the SDK
sent.

Methods named after what happens at Stripe (`checkout_complete`, `invoice_payment_fail`,
`invoice_pay`) move the fake's state the way Stripe would, so a test can then deliver
the matching webhook, signed with Stripe's scheme by `webhook_sign`.

Fixtures (import them into a test module): `stripe_api_server` (session: the server)
and `stripe_api` (per test: a clean state, settings pointing the SDK at it).
"""

import copy
import hashlib
import hmac
import itertools
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

STRIPE_TEST_SECRET_KEY = "sk_test_mewayz_fake_0123456789"
STRIPE_TEST_WEBHOOK_SECRET = "whsec_test_mewayz_fake_0123456789"
API_VERSION = "2026-10-28.endive"
PERIOD_SECONDS = {"day": 86400, "week": 7 * 86400, "month": 30 * 86400, "year": 365 * 86400}


class StripeFakeError(Exception):
    def __init__(
        self, status: int, message: str, *, type="invalid_request_error", code="", param=""
    ):
        super().__init__(message)
        self.status = status
        self.body = {"error": {"type": type, "message": message}}
        if code:
            self.body["error"]["code"] = code
        if param:
            self.body["error"]["param"] = param


@dataclass
class RecordedRequest:
    method: str
    path: str
    params: dict
    idempotency_key: str | None
    api_key: str
    replayed: bool = False
    status: int = 200


@dataclass
class _Failure:
    status: int
    after_processing: bool  # the object is made, the response is lost
    should_retry: bool


def decode_form(body: str) -> dict:
    """Stripe's form encoding back into nested dicts and lists."""
    root: dict = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+", key)
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _listify(root)


def _listify(node: Any) -> Any:
    if isinstance(node, dict):
        node = {key: _listify(value) for key, value in node.items()}
        if node and all(key.isdigit() for key in node):
            return [node[key] for key in sorted(node, key=int)]
    return node


def _int(params: dict, name: str, *, minimum: int = 0) -> int:
    raw = params.get(name)
    if raw is None:
        raise StripeFakeError(400, f"Missing required param: {name}.", param=name)
    # Stripe takes integers in minor units: "1.5" or "1e2" is refused.
    if not re.fullmatch(r"-?\d+", str(raw)):
        raise StripeFakeError(400, f"Invalid integer: {raw}", param=name)
    value = int(raw)
    if value < minimum:
        raise StripeFakeError(400, f"{name} must be at least {minimum}.", param=name)
    return value


def _bool(raw: str, name: str) -> bool:
    if raw not in ("true", "false"):
        raise StripeFakeError(400, f"Invalid boolean: {raw}", param=name)
    return raw == "true"


@dataclass
class FakeStripe:
    api_key: str = STRIPE_TEST_SECRET_KEY
    objects: dict[str, dict] = field(default_factory=dict)
    requests: list[RecordedRequest] = field(default_factory=list)
    _idempotency: dict[str, tuple[str, int, dict]] = field(default_factory=dict)
    _failures: list[_Failure] = field(default_factory=list)
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _numbers: itertools.count = field(default_factory=lambda: itertools.count(1))

    def reset(self) -> None:
        with self._lock:
            self.api_key = STRIPE_TEST_SECRET_KEY
            self.objects.clear()
            self.requests.clear()
            self._idempotency.clear()
            self._failures.clear()

    # --- what tests read ----------------------------------------------------------

    def of_type(self, object_type: str) -> list[dict]:
        with self._lock:
            return [self._public(o) for o in self.objects.values() if o["object"] == object_type]

    def get(self, object_id: str) -> dict:
        """An object as the API shows it (what a webhook's data.object carries)."""
        with self._lock:
            return self._public(self.objects[object_id])

    def requests_to(self, method: str, path_prefix: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == method and r.path.startswith(path_prefix)]

    def fail_next(
        self, status: int = 500, *, after_processing: bool = False, should_retry: bool = False
    ) -> None:
        """The next request answers `status`. With `after_processing` the request is
        carried out first and only its response is lost (a timeout after Stripe acted)."""
        self._failures.append(_Failure(status, after_processing, should_retry))

    # --- what happens at Stripe ---------------------------------------------------

    def checkout_complete(self, session_id: str, *, status: str = "active") -> dict:
        """The customer paid on the Checkout page: Stripe makes the subscription."""
        with self._lock:
            session = self.objects[session_id]
            private = session["_private"]
            now = int(time.time())
            subscription_id = self._id("sub")
            items = []
            for line in private["line_items"]:
                price = self.objects[line["price"]]
                period = PERIOD_SECONDS[price["recurring"]["interval"]]
                item = {
                    "id": self._id("si"),
                    "object": "subscription_item",
                    "created": now,
                    "price": copy.deepcopy(price),
                    "quantity": int(line["quantity"]),
                    "subscription": subscription_id,
                    "current_period_start": now,
                    "current_period_end": now + period,
                    "metadata": {},
                }
                self.objects[item["id"]] = item
                items.append(item)
            subscription = {
                "id": subscription_id,
                "object": "subscription",
                "created": now,
                "customer": session["customer"],
                "status": status,
                "cancel_at_period_end": False,
                "canceled_at": None,
                "ended_at": None,
                "collection_method": "charge_automatically",
                "currency": items[0]["price"]["currency"],
                "items": {
                    "object": "list",
                    "data": items,
                    "has_more": False,
                    "total_count": len(items),
                    "url": f"/v1/subscription_items?subscription={subscription_id}",
                },
                "latest_invoice": None,
                "metadata": dict(private.get("subscription_metadata") or {}),
                "livemode": False,
            }
            self.objects[subscription_id] = subscription
            session.update(status="complete", payment_status="paid", subscription=subscription_id)
            return self._public(subscription)

    def subscription_set(self, subscription_id: str, **changes) -> dict:
        """Change a subscription as Stripe would on its own (dunning, the portal)."""
        with self._lock:
            subscription = self.objects[subscription_id]
            quantity = changes.pop("quantity", None)
            if quantity is not None:
                subscription["items"]["data"][0]["quantity"] = quantity
            subscription.update(changes)
            return self._public(subscription)

    def invoice_create(self, subscription_id: str) -> dict:
        """The subscription's invoice for its current period, open and not yet tried."""
        with self._lock:
            subscription = self.objects[subscription_id]
            item = subscription["items"]["data"][0]
            amount = item["price"]["unit_amount"] * item["quantity"]
            invoice_id = self._id("in")
            invoice = {
                "id": invoice_id,
                "object": "invoice",
                "created": int(time.time()),
                "customer": subscription["customer"],
                "currency": item["price"]["currency"],
                "status": "open",
                "number": f"MWZ-{next(self._numbers):04d}",
                "amount_due": amount,
                "amount_paid": 0,
                "amount_remaining": amount,
                "attempt_count": 0,
                "attempted": False,
                "next_payment_attempt": None,
                "hosted_invoice_url": f"https://invoice.stripe.com/i/acct_fake/{invoice_id}",
                "invoice_pdf": f"https://pay.stripe.com/invoice/acct_fake/{invoice_id}/pdf",
                "period_start": item["current_period_start"] - 1,
                "period_end": item["current_period_start"],
                "lines": {
                    "object": "list",
                    "data": [
                        {
                            "id": self._id("il"),
                            "object": "line_item",
                            "amount": amount,
                            "currency": item["price"]["currency"],
                            "quantity": item["quantity"],
                            "period": {
                                "start": item["current_period_start"],
                                "end": item["current_period_end"],
                            },
                        }
                    ],
                    "has_more": False,
                },
                "parent": {
                    "type": "subscription_details",
                    "quote_details": None,
                    "subscription_details": {
                        "subscription": subscription_id,
                        "metadata": dict(subscription["metadata"]),
                    },
                },
                "livemode": False,
            }
            self.objects[invoice_id] = invoice
            subscription["latest_invoice"] = invoice_id
            return self._public(invoice)

    def invoice_payment_fail(self, invoice_id: str) -> dict:
        """A charge attempt failed: the invoice stays open, the subscription is past due."""
        with self._lock:
            invoice = self.objects[invoice_id]
            invoice["attempt_count"] += 1
            invoice["attempted"] = True
            invoice["next_payment_attempt"] = int(time.time()) + 3 * 86400
            subscription_id = invoice["parent"]["subscription_details"]["subscription"]
            self.objects[subscription_id]["status"] = "past_due"
            return self._public(invoice)

    def invoice_pay(self, invoice_id: str) -> dict:
        with self._lock:
            invoice = self.objects[invoice_id]
            invoice["attempt_count"] += 1
            invoice.update(
                status="paid",
                attempted=True,
                amount_paid=invoice["amount_due"],
                amount_remaining=0,
                next_payment_attempt=None,
            )
            subscription_id = invoice["parent"]["subscription_details"]["subscription"]
            self.objects[subscription_id]["status"] = "active"
            return self._public(invoice)

    # --- the HTTP API -------------------------------------------------------------

    ROUTES = [
        ("POST", r"/v1/customers", "customer_create"),
        ("GET", r"/v1/customers/(?P<id>[^/]+)", "retrieve"),
        ("POST", r"/v1/prices", "price_create"),
        ("GET", r"/v1/prices/(?P<id>[^/]+)", "retrieve"),
        ("POST", r"/v1/checkout/sessions", "checkout_session_create"),
        ("GET", r"/v1/checkout/sessions/(?P<id>[^/]+)", "retrieve"),
        ("GET", r"/v1/subscriptions/(?P<id>[^/]+)", "retrieve"),
        ("POST", r"/v1/subscriptions/(?P<id>[^/]+)", "subscription_update"),
        ("DELETE", r"/v1/subscriptions/(?P<id>[^/]+)", "subscription_cancel"),
        ("GET", r"/v1/subscription_items/(?P<id>[^/]+)", "retrieve"),
        ("POST", r"/v1/subscription_items/(?P<id>[^/]+)", "subscription_item_update"),
        ("POST", r"/v1/billing_portal/sessions", "portal_session_create"),
        ("GET", r"/v1/invoices/(?P<id>[^/]+)", "retrieve"),
        ("POST", r"/v1/invoices", "invoice_create_draft"),
        ("POST", r"/v1/invoices/(?P<id>[^/]+)/finalize", "invoice_finalize"),
        ("POST", r"/v1/invoiceitems", "invoice_item_create"),
        ("GET", r"/v1/invoiceitems/(?P<id>[^/]+)", "retrieve"),
    ]

    def handle(self, method: str, target: str, headers, body: str) -> tuple[int, dict, dict]:
        """One HTTP request: (status, JSON body, extra headers)."""
        url = urlsplit(target)
        params = decode_form(body if method == "POST" else url.query)
        api_key = (headers.get("Authorization") or "").removeprefix("Bearer ").strip()
        key = headers.get("Idempotency-Key")
        record = RecordedRequest(method, url.path, params, key, api_key)
        with self._lock:
            self.requests.append(record)
            try:
                if api_key != self.api_key:
                    raise StripeFakeError(401, f"Invalid API Key provided: {api_key[:8]}****")
                failure = self._failures.pop(0) if self._failures else None
                if failure and not failure.after_processing:
                    raise self._failure_error(failure)
                if method == "POST" and key:
                    status, response, replayed = self._idempotent(method, url.path, body, key)
                    record.replayed = replayed
                else:
                    status, response = 200, self._route(method, url.path, params)
                if failure:
                    raise self._failure_error(failure)
            except StripeFakeError as error:
                record.status = error.status
                extra = {}
                if error.status >= 500 or error.status == 409:
                    extra["Stripe-Should-Retry"] = (
                        "true" if getattr(error, "should_retry", False) else "false"
                    )
                return error.status, error.body, extra
            record.status = status
            return status, response, {"Idempotent-Replayed": "true"} if record.replayed else {}

    def _failure_error(self, failure: _Failure) -> StripeFakeError:
        error = StripeFakeError(failure.status, "Fake outage.", type="api_error")
        error.should_retry = failure.should_retry
        return error

    def _idempotent(self, method: str, path: str, body: str, key: str) -> tuple[int, dict, bool]:
        fingerprint = hashlib.sha256(f"{method} {path}\n{body}".encode()).hexdigest()
        if key in self._idempotency:
            first_fingerprint, status, response = self._idempotency[key]
            if first_fingerprint != fingerprint:
                raise StripeFakeError(
                    400,
                    "Keys for idempotent requests can only be used with the same parameters "
                    "they were first used with.",
                    type="idempotency_error",
                )
            return status, copy.deepcopy(response), True
        response = self._route(method, path, decode_form(body))
        # Like Stripe: only requests that ran are remembered (validation errors are not).
        self._idempotency[key] = (fingerprint, 200, copy.deepcopy(response))
        return 200, response, False

    def _route(self, method: str, path: str, params: dict) -> dict:
        for route_method, pattern, name in self.ROUTES:
            match = re.fullmatch(pattern, path)
            if route_method == method and match:
                return getattr(self, f"_{name}")(params, **match.groupdict())
        raise StripeFakeError(404, f"Unrecognized request URL ({method}: {path}).")

    def _id(self, prefix: str) -> str:
        return f"{prefix}_fake{secrets.token_hex(10)}"

    def _public(self, obj: dict) -> dict:
        return {k: copy.deepcopy(v) for k, v in obj.items() if not k.startswith("_")}

    def _existing(self, object_id: str, object_type: str, param: str = "id") -> dict:
        obj = self.objects.get(object_id)
        if obj is None or obj["object"] != object_type:
            raise StripeFakeError(
                404,
                f"No such {object_type.split('.')[-1]}: '{object_id}'",
                code="resource_missing",
                param=param,
            )
        return obj

    def _retrieve(self, params: dict, id: str) -> dict:
        obj = self.objects.get(id)
        if obj is None:
            raise StripeFakeError(404, f"No such object: '{id}'", code="resource_missing")
        return self._public(obj)

    def _customer_create(self, params: dict) -> dict:
        customer = {
            "id": self._id("cus"),
            "object": "customer",
            "created": int(time.time()),
            "email": params.get("email"),
            "name": params.get("name"),
            "metadata": params.get("metadata") or {},
            "livemode": False,
        }
        self.objects[customer["id"]] = customer
        return self._public(customer)

    def _price_create(self, params: dict) -> dict:
        if not params.get("currency"):
            raise StripeFakeError(400, "Missing required param: currency.", param="currency")
        recurring = params.get("recurring") or {}
        if recurring and recurring.get("interval") not in PERIOD_SECONDS:
            raise StripeFakeError(400, "Invalid recurring[interval].", param="recurring[interval]")
        product_id = params.get("product")
        if not product_id:
            name = (params.get("product_data") or {}).get("name")
            if not name:
                raise StripeFakeError(400, "Missing required param: product.", param="product")
            product_id = self._id("prod")
            self.objects[product_id] = {"id": product_id, "object": "product", "name": name}
        unit_amount = _int(params, "unit_amount")
        price = {
            "id": self._id("price"),
            "object": "price",
            "created": int(time.time()),
            "active": True,
            "billing_scheme": "per_unit",
            "currency": params["currency"],
            "unit_amount": unit_amount,
            "unit_amount_decimal": str(unit_amount),
            "product": product_id,
            "nickname": params.get("nickname"),
            "type": "recurring" if recurring else "one_time",
            "recurring": {
                "interval": recurring["interval"],
                "interval_count": int(recurring.get("interval_count", 1)),
                "usage_type": recurring.get("usage_type", "licensed"),
            }
            if recurring
            else None,
            "metadata": params.get("metadata") or {},
            "livemode": False,
        }
        self.objects[price["id"]] = price
        return self._public(price)

    def _checkout_session_create(self, params: dict) -> dict:
        mode = params.get("mode")
        if mode not in ("payment", "setup", "subscription"):
            raise StripeFakeError(400, "Invalid mode.", param="mode")
        if not params.get("success_url"):
            raise StripeFakeError(400, "Missing required param: success_url.", param="success_url")
        if params.get("customer"):
            self._existing(params["customer"], "customer", "customer")
        line_items = params.get("line_items") or []
        if not line_items:
            raise StripeFakeError(400, "Missing required param: line_items.", param="line_items")
        for index, line in enumerate(line_items):
            price = self._existing(line.get("price", ""), "price", f"line_items[{index}][price]")
            if mode == "subscription" and not price["recurring"]:
                raise StripeFakeError(
                    400, "Subscription mode needs recurring prices.", param="line_items"
                )
            _int(line, "quantity", minimum=1)
        session_id = f"cs_test_{secrets.token_hex(16)}"
        session = {
            "id": session_id,
            "object": "checkout.session",
            "created": int(time.time()),
            "mode": mode,
            "status": "open",
            "payment_status": "unpaid",
            "customer": params.get("customer"),
            "client_reference_id": params.get("client_reference_id"),
            "metadata": params.get("metadata") or {},
            "success_url": params["success_url"],
            "cancel_url": params.get("cancel_url"),
            "subscription": None,
            "url": f"https://checkout.stripe.com/c/pay/{session_id}",
            "livemode": False,
            "_private": {
                "line_items": line_items,
                "subscription_metadata": (params.get("subscription_data") or {}).get("metadata"),
            },
        }
        self.objects[session_id] = session
        return self._public(session)

    def _item_changes(self, subscription: dict, params: dict) -> None:
        behavior = params.get("proration_behavior")
        if behavior is not None and behavior not in ("create_prorations", "none", "always_invoice"):
            raise StripeFakeError(400, "Invalid proration_behavior.", param="proration_behavior")
        items = {item["id"]: item for item in subscription["items"]["data"]}
        for index, change in enumerate(params.get("items") or []):
            item = items.get(change.get("id"))
            if item is None:
                raise StripeFakeError(
                    400, "No such subscription item.", param=f"items[{index}][id]"
                )
            if "price" in change:
                price = self._existing(change["price"], "price", f"items[{index}][price]")
                item["price"] = copy.deepcopy(price)
            if "quantity" in change:
                item["quantity"] = _int(change, "quantity")

    def _subscription_update(self, params: dict, id: str) -> dict:
        subscription = self._existing(id, "subscription")
        if subscription["status"] in ("canceled", "incomplete_expired"):
            raise StripeFakeError(400, "A canceled subscription can only update its metadata.")
        self._item_changes(subscription, params)
        if "cancel_at_period_end" in params:
            subscription["cancel_at_period_end"] = _bool(
                params["cancel_at_period_end"], "cancel_at_period_end"
            )
        if "metadata" in params:
            subscription["metadata"].update(params["metadata"])
        return self._public(subscription)

    def _subscription_cancel(self, params: dict, id: str) -> dict:
        subscription = self._existing(id, "subscription")
        now = int(time.time())
        subscription.update(status="canceled", canceled_at=now, ended_at=now)
        return self._public(subscription)

    def _subscription_item_update(self, params: dict, id: str) -> dict:
        item = self._existing(id, "subscription_item")
        subscription = self.objects[item["subscription"]]
        self._item_changes(subscription, {**params, "items": [{"id": id, **params}]})
        return self._public(item)

    def _portal_session_create(self, params: dict) -> dict:
        customer = self._existing(params.get("customer", ""), "customer", "customer")
        session_id = self._id("bps")
        session = {
            "id": session_id,
            "object": "billing_portal.session",
            "created": int(time.time()),
            "customer": customer["id"],
            "return_url": params.get("return_url"),
            "url": f"https://billing.stripe.com/p/session/{session_id}",
            "livemode": False,
        }
        self.objects[session_id] = session
        return self._public(session)

    # --- one-off invoices (the platform billing an agency) ------------------------------

    def _invoice_create_draft(self, params: dict) -> dict:
        customer = self._existing(params.get("customer", ""), "customer", "customer")
        behavior = params.get("pending_invoice_items_behavior", "exclude")
        if behavior not in ("exclude", "include"):
            raise StripeFakeError(
                400,
                "Invalid pending_invoice_items_behavior.",
                param="pending_invoice_items_behavior",
            )
        method = params.get("collection_method", "charge_automatically")
        if method not in ("charge_automatically", "send_invoice"):
            raise StripeFakeError(400, "Invalid collection_method.", param="collection_method")
        invoice_id = self._id("in")
        invoice = {
            "id": invoice_id,
            "object": "invoice",
            "created": int(time.time()),
            "customer": customer["id"],
            "currency": params.get("currency") or "usd",
            "collection_method": method,
            "description": params.get("description"),
            "status": "draft",
            "number": None,
            "amount_due": 0,
            "amount_paid": 0,
            "amount_remaining": 0,
            "hosted_invoice_url": None,
            "invoice_pdf": None,
            "lines": {"object": "list", "data": [], "has_more": False},
            "metadata": params.get("metadata") or {},
            "parent": None,
            "livemode": False,
        }
        self.objects[invoice_id] = invoice
        return self._public(invoice)

    def _invoice_item_create(self, params: dict) -> dict:
        customer = self._existing(params.get("customer", ""), "customer", "customer")
        if not params.get("currency"):
            raise StripeFakeError(400, "Missing required param: currency.", param="currency")
        amount = _int(params, "amount")
        invoice = None
        if params.get("invoice"):
            invoice = self._existing(params["invoice"], "invoice", "invoice")
            if invoice["status"] != "draft":
                raise StripeFakeError(400, "Invoice items can only be added to a draft invoice.")
            if invoice["customer"] != customer["id"]:
                raise StripeFakeError(400, "The invoice belongs to another customer.")
            if invoice["currency"] != params["currency"]:
                raise StripeFakeError(400, "The currency differs from the invoice's.")
        item = {
            "id": self._id("ii"),
            "object": "invoiceitem",
            "amount": amount,
            "currency": params["currency"],
            "customer": customer["id"],
            "description": params.get("description"),
            "invoice": invoice["id"] if invoice else None,
            "metadata": params.get("metadata") or {},
            "livemode": False,
        }
        self.objects[item["id"]] = item
        if invoice is not None:
            invoice["lines"]["data"].append(
                {
                    "id": self._id("il"),
                    "object": "line_item",
                    "amount": amount,
                    "currency": item["currency"],
                    "description": item["description"],
                    "metadata": dict(item["metadata"]),
                }
            )
            invoice["amount_due"] += amount
            invoice["amount_remaining"] += amount
        return self._public(item)

    def _invoice_finalize(self, params: dict, id: str) -> dict:
        invoice = self._existing(id, "invoice")
        if invoice["status"] != "draft":
            raise StripeFakeError(400, f"This invoice is already {invoice['status']}.")
        invoice.update(
            status="open",
            number=f"MWZ-{next(self._numbers):04d}",
            hosted_invoice_url=f"https://invoice.stripe.com/i/acct_fake/{id}",
            invoice_pdf=f"https://pay.stripe.com/invoice/acct_fake/{id}/pdf",
        )
        return self._public(invoice)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the SDK's HTTP client expects
    server: "FakeStripeServer"

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        status, payload, extra = self.server.fake.handle(
            self.command, self.path, self.headers, body
        )
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Request-Id", f"req_fake{secrets.token_hex(8)}")
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_DELETE = _serve

    def log_message(self, format, *args) -> None:  # quiet: pytest shows failures anyway
        pass


class FakeStripeServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)  # port 0: any free port
        self.fake = FakeStripe()

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


# --- webhooks as Stripe sends them ---------------------------------------------------


def event_payload(
    event_type: str, obj: dict, *, created: int | None = None, event_id: str | None = None
) -> dict:
    """A Stripe event (snapshot payload) about `obj`."""
    return {
        "id": event_id or f"evt_fake{secrets.token_hex(12)}",
        "object": "event",
        "api_version": API_VERSION,
        "created": int(time.time()) if created is None else created,
        "data": {"object": copy.deepcopy(obj)},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
    }


def webhook_sign(payload: str, *, secret: str = STRIPE_TEST_WEBHOOK_SECRET, timestamp=None) -> str:
    """Stripe's Stripe-Signature header: t=<unix>,v1=HMAC-SHA256(secret, "<t>.<payload>")."""
    timestamp = int(time.time()) if timestamp is None else int(timestamp)
    signature = hmac.new(
        secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256
    ).hexdigest()
    return f"t={timestamp},v1={signature}"


# --- fixtures ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def stripe_api_server():
    server = FakeStripeServer()
    thread = threading.Thread(target=server.serve_forever, name="fake-stripe", daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def stripe_api(stripe_api_server, settings, db) -> FakeStripe:
    """A clean fake Stripe, with the SDK's base address and keys pointing at it (and the
    test database, which every billing test uses)."""
    stripe_api_server.fake.reset()
    settings.STRIPE_API_BASE = stripe_api_server.base_url
    settings.STRIPE_SECRET_KEY = STRIPE_TEST_SECRET_KEY
    settings.STRIPE_WEBHOOK_SECRET = STRIPE_TEST_WEBHOOK_SECRET
    return stripe_api_server.fake


WEBHOOK_PATH = "/billing/stripe/webhook/"


def webhook_post(client, event, *, host: str, secret=STRIPE_TEST_WEBHOOK_SECRET, timestamp=None):
    """Deliver `event` (a dict or the raw body) to the webhook endpoint, signed."""
    payload = event if isinstance(event, str) else json.dumps(event)
    return client.post(
        WEBHOOK_PATH,
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=webhook_sign(payload, secret=secret, timestamp=timestamp),
        HTTP_HOST=host,
    )


@pytest.fixture
def stripe_subscription(alpha):
    """alpha on Professional (price version 1, monthly) with three enabled features, not
    yet known to Stripe."""
    from shared_apps.billing.models import Plan, Subscription, WorkspaceFeature

    plan = Plan.objects.get(code="professional")
    price = plan.prices.get(version=1)
    subscription, _ = Subscription.objects.update_or_create(
        workspace=alpha,
        defaults={
            "plan": plan,
            "price": price,
            "interval": Subscription.Interval.MONTH,
            "status": Subscription.Status.FREE,
            "stripe_customer_id": "",
            "stripe_subscription_id": "",
            "stripe_subscription_item_id": "",
            "billed_quantity": 0,
            "current_period_end": None,
            "cancel_at_period_end": False,
            "grace_until": None,
            "stripe_state_at": None,
        },
    )
    WorkspaceFeature.objects.filter(workspace=alpha).delete()
    for key in ("bio_sites", "courses", "crm"):
        WorkspaceFeature.objects.create(workspace=alpha, key=key, enabled=True)
    return subscription


@pytest.fixture
def stripe_subscribed(stripe_api, stripe_subscription, owner):
    """alpha after paying on the Checkout page: Stripe holds an active subscription of
    quantity 3 and our row is linked to it (as the checkout webhook would leave it)."""
    from shared_apps.billing.stripe_billing import checkout_session_create

    checkout_session_create(
        subscription=stripe_subscription,
        actor=owner,
        success_url="http://localhost/billing/done/",
        cancel_url="http://localhost/billing/",
    )
    (session,) = stripe_api.of_type("checkout.session")
    stripe_object = stripe_api.checkout_complete(session["id"])
    item = stripe_object["items"]["data"][0]
    stripe_subscription.stripe_subscription_id = stripe_object["id"]
    stripe_subscription.stripe_subscription_item_id = item["id"]
    stripe_subscription.billed_quantity = item["quantity"]
    stripe_subscription.status = "active"
    stripe_subscription.save()
    return stripe_subscription


@pytest.fixture
def stripe_tasks_eager():
    """Celery runs tasks in-process when sent (the on-commit send included)."""
    from config.celery import app

    before = (app.conf.task_always_eager, app.conf.task_eager_propagates)
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = before
