"""The cost of the feature gate on a request: the same staff page gated and ungated.

Both are served in the same run, through the Django test client with every middleware,
on a freshly provisioned workspace's own host, signed in as its owner. After warm-up,
the two are timed in alternating blocks and compared pair by pair (so drift on a shared
machine hits both alike), with an A/A control showing the method's noise floor; their
queries are counted. Targets: under 5 % overhead, zero extra queries.

    make bench            # or: python -m config.devstack bench
"""

import gc
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, RequestFactory, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402

from bench import _gate_urls  # noqa: E402
from shared_apps.accounts.models import User  # noqa: E402
from shared_apps.billing.gate import feature_required, feature_state  # noqa: E402
from shared_apps.billing.selectors import plan_free  # noqa: E402
from shared_apps.billing.services import workspace_plan_change  # noqa: E402
from tenants.models import Workspace  # noqa: E402
from tenants.selectors import workspace_default_host, workspace_get_for_host  # noqa: E402
from tenants.services import workspace_delete, workspace_provision  # noqa: E402

PAIRS = int(os.environ.get("BENCH_GATE_PAIRS", "200"))
BLOCK = 15  # requests per timed block
WARMUP = 200
TARGET_OVERHEAD = 0.05
UNGATED, GATED = "/bench/ungated/", "/bench/gated/"


def block_us(client: Client, path: str, host: str) -> float:
    """Mean µs per request over one block of requests to `path`."""
    started = time.perf_counter()
    for _ in range(BLOCK):
        client.get(path, HTTP_HOST=host)
    return (time.perf_counter() - started) / BLOCK * 1e6


def paired(client: Client, first: str, second: str, host: str) -> tuple[list, list, list]:
    """Blocks of `first` and `second` in turn (the order flipping every pair). Each pair
    runs within a few milliseconds, so load from elsewhere on the machine hits both
    alike; the ratio within each pair cancels it, and the median ignores bursts."""
    a, b, ratios = [], [], []
    for pair in range(PAIRS):
        if pair % 2:
            x, y = block_us(client, first, host), block_us(client, second, host)
        else:
            y, x = block_us(client, second, host), block_us(client, first, host)
        a.append(x)
        b.append(y)
        ratios.append(y / x)
    return a, b, ratios


def per_call_us(call, calls: int = 100_000) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        call()
    return (time.perf_counter() - started) / calls * 1e6


def queries_of(client: Client, path: str, host: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 200, (path, response.status_code)
    return [query["sql"] for query in captured.captured_queries]


def main() -> int:
    call_command("migrate_platform", skip_workspaces=True, verbosity=0)
    run = uuid.uuid4().hex[:6]
    owner = User.objects.create_user(email=f"bench-gate-{run}@example.test", password=None)
    workspace = workspace_provision(name="Bench gate", slug=f"bench-gate-{run}", owner=owner)
    try:
        workspace_plan_change(
            workspace=workspace,
            plan=plan_free(),
            interval="month",
            feature_keys=["crm"],
            actor=owner,
        )
        host = workspace_default_host(slug=workspace.slug)
        client = Client()
        with tenant_context(workspace):
            client.force_login(User.objects.get(identity_id=owner.uuid))
        connection.set_schema_to_public()

        with override_settings(ROOT_URLCONF="bench._gate_urls"):
            for _ in range(WARMUP):
                client.get(UNGATED, HTTP_HOST=host)
                client.get(GATED, HTTP_HOST=host)
            ungated_queries = queries_of(client, UNGATED, host)
            gated_queries = queries_of(client, GATED, host)
            # The garbage collector runs when allocation counts say so, not when the
            # code under test does: off while timing, so its pauses land nowhere.
            gc.collect()
            gc.disable()
            try:
                ungated, gated, ratios = paired(client, UNGATED, GATED, host)
                _, _, control = paired(client, UNGATED, UNGATED, host)  # A/A: the noise floor
            finally:
                gc.enable()
            refused = client.get("/bench/gated-off/", HTTP_HOST=host)  # a feature it lacks

        # The gate alone, without the request around it: the decorator on a bare view,
        # called with a request carrying the routed workspace, against the bare view.
        routed = workspace_get_for_host(host=host)  # the object a request carries
        request = RequestFactory().get(GATED, HTTP_HOST=host)
        request.workspace = routed
        bare = _gate_urls.contacts_gated.__wrapped__.__wrapped__  # below both decorators
        decorated = feature_required("crm")(bare)
        check_us = per_call_us(lambda: feature_state(workspace=routed, key="crm"))
        decorator_us = per_call_us(lambda: decorated(request)) - per_call_us(lambda: bare(request))
    finally:
        connection.set_schema_to_public()
        for leftover in Workspace.objects.filter(slug__startswith=f"bench-gate-{run}"):
            workspace_delete(workspace=leftover, confirm_slug=leftover.slug)
        owner.delete()

    base, cost = statistics.median(ungated), statistics.median(gated)
    overhead = statistics.median(ratios) - 1
    noise = statistics.median(control) - 1
    low, high = (q - 1 for q in statistics.quantiles(ratios, n=4)[::2])
    extra_queries = len(gated_queries) - len(ungated_queries)
    billing_queries = [sql for sql in gated_queries if "billing_" in sql]
    sample = f"(median of {PAIRS} blocks, {PAIRS * BLOCK} requests)"
    print(f"ungated staff page:  {base:8.1f} µs/request  {sample}")
    print(f"gated staff page:    {cost:8.1f} µs/request  {sample}")
    print(
        f"overhead:            {overhead * 100:+7.2f} %   median of paired ratios "
        f"(quartiles {low * 100:+.2f} % .. {high * 100:+.2f} %); target < {TARGET_OVERHEAD:.0%}"
    )
    print(f"A/A control:         {noise * 100:+7.2f} %   (ungated vs ungated: the noise floor)")
    print(
        f"queries per request: {len(ungated_queries)} ungated, {len(gated_queries)} gated "
        f"-> {extra_queries} extra, {len(billing_queries)} on billing tables (target 0)"
    )
    print(f"feature_state() on the routed workspace: {check_us:.2f} µs per call")
    print(
        f"@feature_required on its own: {decorator_us:.2f} µs per request "
        f"= {decorator_us / base * 100:.3f} % of the ungated request"
    )
    print(f"a page of a feature the workspace lacks: {refused.status_code} (the gate refuses)")
    meets = (
        overhead < TARGET_OVERHEAD
        and extra_queries == 0
        and not billing_queries
        and refused.status_code == 403
    )
    print(f"targets: {'meets' if meets else 'MISSES'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
