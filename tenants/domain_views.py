"""The workspace's hosts, on its own dashboard: add one, see the DNS records to create,
check now, make primary, remove. Workspace admins and owners only (domains.manage).

Every host is looked up within the current workspace (`domain_get_for_workspace`), so
another workspace's host id is a 404 here.

On a white-labelled workspace the page never names the platform: the default
`<slug>.<PLATFORM_DOMAIN>` host is left out (it still routes), and the CNAME target is
the one `tenants.domains.domain_cname_target` gives it.
"""

from dataclasses import dataclass
from datetime import timedelta

import idna
from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.errors import ApplicationError
from config.forms import form_add_application_error
from shared_apps.billing.gate import feature_required
from tenants.domains import (
    DnsRecord,
    custom_domain_add,
    custom_domain_remove,
    custom_domain_verify,
    dns_records_for,
    domain_cname_target,
    domain_is_default,
    domain_set_primary,
    domains_shown_for_workspace,
)
from tenants.models import Domain
from tenants.roles import Permission, workspace_permission_required
from tenants.selectors import absolute_url, domain_get_for_workspace
from tenants.white_label import workspace_is_white_label

CHECK_NOW_MIN_INTERVAL = timedelta(seconds=15)


class DomainAddForm(forms.Form):
    # Longer than a host may be, so that the service (not the form) explains what is wrong.
    host = forms.CharField(
        max_length=300,
        label="Host",
        help_text="A domain or subdomain you own, such as shop.example.com.",
        widget=forms.TextInput(
            attrs={
                "placeholder": "shop.example.com",
                "autocomplete": "off",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )


@dataclass(frozen=True)
class DomainRow:
    domain: Domain
    records: list[DnsRecord]
    url: str
    is_default: bool
    # Verified by an operator (a management command), never by DNS: nothing to check.
    is_operator_verified: bool

    @property
    def unicode_name(self) -> str:
        """The host as people read it: `bücher.example` for `xn--bcher-kva.example`."""
        try:
            return idna.decode(self.domain.domain)
        except idna.IDNAError:
            return self.domain.domain

    @property
    def state(self) -> str:
        # Routing reads is_verified alone; status only says why a host is not verified.
        return Domain.Status.VERIFIED if self.domain.is_verified else self.domain.status


def _rows(workspace) -> list[DomainRow]:
    rows = []
    for domain in domains_shown_for_workspace(workspace=workspace):
        is_default = domain_is_default(domain)
        rows.append(
            DomainRow(
                domain=domain,
                records=dns_records_for(domain),
                url=absolute_url(host=domain.domain),
                is_default=is_default,
                is_operator_verified=(
                    not is_default and domain.is_verified and domain.last_checked_at is None
                ),
            )
        )
    return rows


def _page(request, *, form: DomainAddForm | None = None, error=None, status: int = 200):
    workspace = request.workspace
    rows = _rows(workspace)
    return render(
        request,
        "tenants/domains/list.html",
        {
            "active_module": "domains",
            "rows": rows,
            "has_custom_hosts": any(not row.is_default for row in rows),
            "form": form or DomainAddForm(),
            "error": error,
            "cname_target": domain_cname_target(workspace=workspace),
        },
        status=status,
    )


def _back_to(domain_id: int | None = None):
    url = reverse("domains:list")
    return redirect(f"{url}#domain-{domain_id}" if domain_id else url)


@workspace_permission_required(Permission.DOMAINS_MANAGE)
@feature_required("custom_domain")
@require_GET
def domain_list(request):
    return _page(request)


@workspace_permission_required(Permission.DOMAINS_MANAGE)
@feature_required("custom_domain")
@require_POST
def domain_add(request):
    form = DomainAddForm(request.POST)
    if form.is_valid():
        try:
            domain = custom_domain_add(
                workspace=request.workspace,
                host=form.cleaned_data["host"],
                actor=request.user,
                request=request,
            )
        except ApplicationError as error:
            form_add_application_error(form, error)
        else:
            messages.success(
                request,
                f"{domain.domain} was added. Create the two DNS records below, then check it.",
            )
            return _back_to(domain.pk)
    return _page(request, form=form, status=400)


@workspace_permission_required(Permission.DOMAINS_MANAGE)
@feature_required("custom_domain")
@require_POST
def domain_check(request, domain_id: int):
    domain = domain_get_for_workspace(workspace=request.workspace, domain_id=domain_id)
    checked_at = domain.last_checked_at
    if checked_at and timezone.now() - checked_at < CHECK_NOW_MIN_INTERVAL:
        # Each check holds a web worker for up to a few DNS timeouts; a second click
        # would learn nothing new, since DNS changes take minutes to appear.
        messages.info(request, f"{domain.domain} was checked a moment ago. Try again shortly.")
        return _back_to(domain.pk)
    try:
        domain = custom_domain_verify(domain=domain, actor=request.user, request=request)
    except ApplicationError as error:
        return _page(request, error=error, status=error.status)
    if domain.is_verified and not domain.failure_reason:
        messages.success(request, f"{domain.domain} is verified and serves your site.")
    elif domain.is_verified:
        messages.warning(request, f"{domain.domain} stays verified. {domain.failure_reason}")
    else:
        messages.error(request, f"{domain.domain} is not verified yet. {domain.failure_reason}")
    return _back_to(domain.pk)


@workspace_permission_required(Permission.DOMAINS_MANAGE)
@feature_required("custom_domain")
@require_POST
def domain_primary(request, domain_id: int):
    domain = domain_get_for_workspace(workspace=request.workspace, domain_id=domain_id)
    try:
        domain_set_primary(domain=domain, actor=request.user, request=request)
    except ApplicationError as error:
        return _page(request, error=error, status=error.status)
    messages.success(
        request,
        f"{domain.domain} is now your primary host: your other hosts redirect to it.",
    )
    return _back_to(domain.pk)


@workspace_permission_required(Permission.DOMAINS_MANAGE)
@feature_required("custom_domain")
@require_http_methods(["GET", "POST"])
def domain_remove(request, domain_id: int):
    domain = domain_get_for_workspace(workspace=request.workspace, domain_id=domain_id)
    is_default = domain_is_default(domain)
    if is_default and workspace_is_white_label(workspace=request.workspace):
        raise Http404("No such host.")  # not listed here, so not shown here either
    if request.method == "POST":
        try:
            custom_domain_remove(domain=domain, actor=request.user, request=request)
        except ApplicationError as error:
            return _page(request, error=error, status=error.status)
        messages.success(request, f"{domain.domain} was removed and no longer reaches your site.")
        return _back_to()
    return render(
        request,
        "tenants/domains/remove.html",
        {"active_module": "domains", "domain": domain, "is_default": is_default},
    )
