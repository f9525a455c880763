"""tenants.branding_services: one audited step that saves a brand (settings, logo,
favicon) completely or not at all, and makes the new brand show at once."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context
from PIL import Image

from shared_apps.platform.models import AuditEvent
from tenants.branding_services import agency_branding_update, workspace_branding_update
from tenants.domains import domain_add
from tenants.errors import BrandingError
from tenants.host_cache import forget_hosts
from tenants.models import Agency, AgencyHost, Workspace
from tenants.selectors import workspace_get_for_host
from tenants.white_label import workspace_is_white_label
from tests.helpers import host_of
from tests.shared_apps.billing.support import ENTERPRISE, choose, stripe_confirms_payment


def image_upload(name="logo.png", *, fmt="PNG", size=(64, 64), color=(200, 30, 60)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    content_type = {"PNG": "image/png", "JPEG": "image/jpeg", "ICO": "image/x-icon"}.get(fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type or "image/png")


def white_label_on(workspace, owner):
    """Enterprise with the `whitelabel` feature, paid: what turns white label on."""
    choose(workspace, "whitelabel", plan_code=ENTERPRISE, actor=owner)
    stripe_confirms_payment(workspace)
    workspace = Workspace.objects.get(pk=workspace.pk)
    forget_hosts([host_of(workspace)])
    assert workspace_is_white_label(workspace=workspace)
    return workspace


def fresh(workspace) -> Workspace:
    return Workspace.objects.get(pk=workspace.pk)


def test_settings_are_saved_normalised_and_audited(alpha, owner):
    workspace_branding_update(
        workspace=alpha,
        actor=owner,
        data={"primary_color": "#ABC", "display_name": "  Alpha Studio ", "font": "slab"},
    )

    branding = fresh(alpha).branding
    assert (branding["primary_color"], branding["display_name"], branding["font"]) == (
        "#aabbcc",
        "Alpha Studio",
        "slab",
    )
    event = AuditEvent.objects.filter(action="workspace.branding_updated").latest("occurred_at")
    assert (event.workspace_id, event.actor_id) == (alpha.pk, owner.pk)
    assert event.data["changed"] == ["display_name", "font", "primary_color"]


def test_keys_left_out_keep_their_values(alpha, owner):
    workspace_branding_update(workspace=alpha, actor=owner, data={"tagline": "Hello"})
    workspace_branding_update(workspace=alpha, actor=owner, data={"primary_color": "#112233"})

    assert fresh(alpha).branding["tagline"] == "Hello"


def test_bad_input_saves_nothing_at_all(alpha, owner):
    workspace_branding_update(workspace=alpha, actor=owner, data={"tagline": "Before"})
    audits = AuditEvent.objects.count()

    with pytest.raises(BrandingError) as error:
        workspace_branding_update(
            workspace=alpha,
            actor=owner,
            data={"tagline": "After", "primary_color": "red"},
            logo=image_upload(),
        )

    assert error.value.status == 400
    assert "primary_color" in error.value.fields
    stored = fresh(alpha)
    assert stored.branding["tagline"] == "Before"
    assert not stored.logo
    assert AuditEvent.objects.count() == audits


def test_every_problem_is_reported_at_once(alpha, owner):
    with pytest.raises(BrandingError) as error:
        workspace_branding_update(
            workspace=alpha,
            actor=owner,
            data={"primary_color": "nope", "radius": "100px", "logo_version": "abcdef12"},
            favicon=SimpleUploadedFile("x.ico", b"not an image"),
        )

    assert set(error.value.fields) == {"primary_color", "radius", "logo_version", "favicon"}


def test_white_label_settings_need_white_label(alpha, owner):
    with pytest.raises(BrandingError) as error:
        workspace_branding_update(
            workspace=alpha, actor=owner, data={"custom_css": "a { color: red }"}
        )

    assert error.value.code == "branding_white_label_required"
    assert error.value.status == 403
    assert "white label" in error.value.fields["custom_css"][0]
    assert "custom_css" not in fresh(alpha).branding


def test_with_white_label_the_sender_and_custom_css_can_be_set(alpha, owner):
    alpha = white_label_on(alpha, owner)

    workspace_branding_update(
        workspace=alpha,
        actor=owner,
        data={
            "custom_css": "/* ours */ .hero { padding: 0 }",
            "email_sender_name": "Alpha",
            "email_sender_address": f"hello@{host_of(alpha)}",
        },
    )

    branding = fresh(alpha).branding
    assert branding["custom_css"] == "/* ours */ .hero { padding: 0 }"  # stored as written
    assert branding["email_sender_address"] == f"hello@{host_of(alpha)}"


def test_the_sender_must_be_at_a_verified_domain(alpha, owner):
    alpha = white_label_on(alpha, owner)
    domain_add(workspace=alpha, host="pending.alpha-mail.test", verified=False)

    for address in ("ceo@bank.test", "hi@pending.alpha-mail.test"):
        with pytest.raises(BrandingError) as error:
            workspace_branding_update(
                workspace=alpha, actor=owner, data={"email_sender_address": address}
            )
        assert "verified" in error.value.fields["email_sender_address"][0]


def test_hostile_custom_css_is_refused_with_its_reasons(alpha, owner):
    alpha = white_label_on(alpha, owner)

    with pytest.raises(BrandingError) as error:
        workspace_branding_update(
            workspace=alpha,
            actor=owner,
            data={"custom_css": "a{}\n@imp/**/ort 'https://evil.test/x.css';\n</style>"},
        )

    assert any("'<'" in message for message in error.value.fields["custom_css"])


def test_logo_and_favicon_are_stored_under_the_public_prefix_named_by_content(alpha, owner):
    with tenant_context(alpha):  # as from the workspace's own host
        workspace_branding_update(
            workspace=alpha,
            actor=owner,
            data={},
            logo=image_upload("My Logo.png"),
            favicon=image_upload("icon.ico", fmt="ICO", size=(32, 32)),
        )

    stored = fresh(alpha)
    assert stored.logo.name.startswith(f"workspaces/{alpha.pk}/logo/logo-")
    assert stored.logo.name.endswith(".png")
    assert stored.favicon.name.endswith(".ico")
    assert stored.branding["logo_version"] in stored.logo.name
    with schema_context("public"):
        assert stored.logo.storage.exists(stored.logo.name)
        assert "/public/" in stored.logo.path


def test_a_new_logo_replaces_the_old_file_after_commit(
    alpha, owner, django_capture_on_commit_callbacks
):
    workspace_branding_update(workspace=alpha, actor=owner, data={}, logo=image_upload())
    first = fresh(alpha).logo.name

    with django_capture_on_commit_callbacks(execute=True):
        workspace_branding_update(
            workspace=alpha, actor=owner, data={}, logo=image_upload(color=(1, 2, 3))
        )

    second = fresh(alpha)
    assert second.logo.name != first
    with schema_context("public"):
        assert not second.logo.storage.exists(first)
        assert second.logo.storage.exists(second.logo.name)


def test_removing_the_logo_clears_it_and_its_version(alpha, owner):
    workspace_branding_update(workspace=alpha, actor=owner, data={}, logo=image_upload())

    workspace_branding_update(workspace=alpha, actor=owner, data={}, remove_logo=True)

    stored = fresh(alpha)
    assert not stored.logo
    assert "logo_version" not in stored.branding


@pytest.mark.parametrize(
    ("upload", "fragment"),
    [
        (SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>"), "must be an image"),
        (
            SimpleUploadedFile(
                "logo.svg",
                b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                content_type="image/svg+xml",
            ),
            "must be an image",
        ),
        (image_upload("logo.bmp", fmt="BMP"), "must be one of"),
        (image_upload("huge.png", size=(5000, 10)), "pixels"),
        (SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * (1024 * 1024 + 10)), "too large"),
    ],
)
def test_uploads_are_checked_by_decoding_them(alpha, owner, upload, fragment):
    with pytest.raises(BrandingError) as error:
        workspace_branding_update(workspace=alpha, actor=owner, data={}, logo=upload)

    assert fragment in error.value.fields["logo"][0]
    assert not fresh(alpha).logo


def test_saving_drops_the_routing_cache_so_the_brand_shows_at_once(alpha, owner):
    cached = workspace_get_for_host(host=host_of(alpha))
    assert cached.branding.get("primary_color") != "#654321"

    workspace_branding_update(workspace=alpha, actor=owner, data={"primary_color": "#654321"})

    assert workspace_get_for_host(host=host_of(alpha)).branding["primary_color"] == "#654321"


def test_one_workspace_s_update_leaves_another_alone(alpha, beta, owner):
    before = fresh(beta).branding

    workspace_branding_update(workspace=alpha, actor=owner, data={"primary_color": "#0a0b0c"})

    assert fresh(beta).branding == before


# ---- agencies ---------------------------------------------------------------------------


@pytest.fixture
def agency(db):
    agency = Agency.objects.create(name="Northwind Agency", slug="northwind-brand")
    AgencyHost.objects.create(
        agency=agency,
        host="dash.northwind-brand.test",
        is_verified=True,
        status=AgencyHost.Status.VERIFIED,
        verified_at=timezone.now(),
    )
    return agency


def test_an_agency_brand_is_saved_and_audited(agency, owner):
    agency_branding_update(
        agency=agency,
        actor=owner,
        data={
            "display_name": "Northwind",
            "primary_color": "#0f766e",
            "custom_css": ".x { color: red }",  # agencies are white label: no gate
            "email_sender_address": "hello@northwind-brand.test",
        },
        logo=image_upload(),
    )

    agency.refresh_from_db()
    assert agency.branding["display_name"] == "Northwind"
    assert agency.branding["logo_version"] in agency.logo.name
    event = AuditEvent.objects.filter(action="agency.branding_updated").latest("occurred_at")
    assert event.target_id == str(agency.pk)


def test_an_agency_brand_with_bad_input_saves_nothing(agency, owner):
    with pytest.raises(BrandingError) as error:
        agency_branding_update(
            agency=agency,
            actor=owner,
            data={"display_name": "Northwind", "email_sender_address": "x@elsewhere.test"},
            favicon=image_upload(),
        )

    assert set(error.value.fields) == {"email_sender_address", "favicon"}
    agency.refresh_from_db()
    assert agency.branding == {}
