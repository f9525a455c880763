"""`make run` seeds the demo with `seed_demo`; a second run must reuse it."""

from django.core.management import call_command
from django_tenants.utils import tenant_context

from cms.models import HomePage
from shared_apps.accounts.models import User
from tenant_apps.bio_sites.models import BioSite
from tenants.models import Agency, AgencyMembership, Domain, Membership, Workspace
from tenants.white_label import workspace_is_white_label


def test_seed_demo_builds_the_demo_and_is_idempotent(db, capsys):
    call_command("seed_demo", port="8000")
    first = capsys.readouterr().out
    call_command("seed_demo", port="8000")

    acme, bloom = Workspace.objects.get(slug="acme"), Workspace.objects.get(slug="bloom")
    assert Workspace.objects.filter(slug__in=["acme", "bloom"]).count() == 2
    assert Domain.objects.get(domain="acme-studio.localhost").is_verified
    assert User.objects.get(email="owner@mewayz.test").is_superuser
    alex = User.objects.get(email="alex@acme.test")
    assert set(Membership.objects.filter(identity=alex).values_list("role", flat=True)) == {"owner"}
    casey = User.objects.get(email="casey@acme.test")
    assert Membership.objects.get(identity=casey, workspace=acme).role == "editor"
    for workspace in (acme, bloom):
        with tenant_context(workspace):
            assert HomePage.objects.get().intro
            assert User.objects.filter(email="sam@customer.test").exists()
    assert "acme-studio.localhost" in first
    assert "demo-pass-2026" in first

    # The agency, its verified dashboard host, its white-labelled clients, and pages.
    agency = Agency.objects.get(slug="northwind")
    assert agency.hosts.get().is_verified
    assert agency.branding["primary_color"] == "#0f766e"
    clients = list(agency.workspaces.all())
    assert len(clients) == 2
    assert all(workspace_is_white_label(workspace=client) for client in clients)
    assert AgencyMembership.objects.get(agency=agency).identity.email == "nora@northwind.test"
    for workspace in (acme, bloom, *clients):
        with tenant_context(workspace):
            assert {"about", "contact", "launch", "blog", "terms", "privacy"} <= set(
                HomePage.objects.get().get_children().values_list("slug", flat=True)
            )
            # One demo bio page each, published, made once however often the seed runs.
            bio = BioSite.objects.get()
            assert bio.slug == "links" and bio.is_published
            assert bio.components.count() >= 8
    assert "/b/links/" in first
    assert agency.hosts.get().host in first
    assert "nora@northwind.test" in first
