"""Snapshots: a configured workspace becomes a template that new workspaces are
provisioned from, with its pages and files and without any person's data."""

import io
import shutil
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.images import ImageFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import schema_context, schema_exists, tenant_context
from PIL import Image as PILImage
from taggit.models import Tag, TaggedItem
from wagtail.contrib.forms.models import FormSubmission
from wagtail.images.models import Image
from wagtail.models import Page, Revision, Site

from cms.models import FormField, FormPage, HomePage, LandingPage
from config.errors import NotFoundError, PermissionDeniedError
from shared_apps.accounts.models import User
from shared_apps.platform.models import AuditEvent
from tenants.deletion import delete_in_current_schema
from tenants.errors import SnapshotError, SnapshotUnavailableError
from tenants.models import Agency, AgencyMembership, Membership, Snapshot, Workspace
from tenants.services import (
    membership_mirror_sync_in_workspace,
    workspace_delete,
    workspace_provision,
    workspace_suspend,
)
from tenants.snapshots import (
    SnapshotContentError,
    snapshot_build,
    snapshot_content_plan,
    snapshot_create,
    snapshot_delete,
    snapshot_get_for_agency,
    snapshots_for_agency,
    snapshots_platform,
)
from tenants.tasks import snapshot_build_task
from tests.factories import IdentityFactory
from tests.helpers import host_of
from tests.shared_apps.platform.conftest import clock, console, platform_owner  # noqa: F401

SOURCE_SLUG = "snapt-source"
HERO_HEADING = "Train with the best coaches in town"
LANDING_TEXT = "Thirty days free for new members"
STATE_ONLY_MIGRATION = ("wagtailredirects", "0008_add_verbose_name_plural")


@dataclass
class World:
    source: Workspace
    agency_a: Agency
    agency_b: Agency
    agency_a_admin: User
    agency_b_admin: User
    root: User  # a platform owner
    source_owner: User
    snapshot: Snapshot  # agency A's, built once from the source
    image_name: str


def _png() -> io.BytesIO:
    data = io.BytesIO()
    PILImage.new("RGB", (16, 8), "teal").save(data, "PNG")
    data.seek(0)
    return data


def _fill_source(source: Workspace) -> str:
    """Pages, an image, forms, and the people data a snapshot must not carry."""
    staff = Membership.objects.create(
        identity=IdentityFactory(email="editor@snapt.test"),
        workspace=source,
        role=Membership.Role.EDITOR,
    )
    membership_mirror_sync_in_workspace(membership=staff)
    with tenant_context(source):
        editor = User.objects.get(email="editor@snapt.test")
        customer = IdentityFactory(email="customer@snapt.test")  # a tenant-local customer
        image = Image.objects.create(
            title="Gym floor", file=ImageFile(_png(), name="gym.png"), uploaded_by_user=editor
        )
        image.tags.add("interior")
        TaggedItem.objects.create(
            tag=Tag.objects.create(name="vip", slug="vip"), content_object=customer
        )

        home = HomePage.objects.get()
        home.intro = "Strength and conditioning for everyone."
        home.content = [("hero", {"heading": HERO_HEADING})]
        home.owner = editor
        home.save_revision(user=editor).publish(user=editor)
        landing = LandingPage(
            title="Summer offer",
            slug="summer-offer",
            owner=editor,
            body=[("rich_text", f"<p>{LANDING_TEXT}</p>")],
            locked=True,
            locked_by=editor,
        )
        home.add_child(instance=landing)
        landing.save_revision(user=editor).publish(user=editor)
        form = FormPage(title="Join", slug="join", owner=editor)
        home.add_child(instance=form)
        FormField.objects.create(page=form, label="Email", field_type="email")
        FormSubmission.objects.create(page=form, form_data={"email": "customer@snapt.test"})

        session = SessionStore()
        session["member"] = customer.pk
        session.create()
        LogEntry.objects.create(
            user=editor,
            content_type=ContentType.objects.get_for_model(Page),
            object_id=str(landing.pk),
            object_repr="Summer offer",
            action_flag=ADDITION,
        )
        with connection.cursor() as cursor:  # a table no model knows about
            cursor.execute("CREATE TABLE undeclared_notes (id bigserial PRIMARY KEY, note text)")
            cursor.execute("INSERT INTO undeclared_notes (note) VALUES ('call Jane back')")
        return image.file.name


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """A source workspace (agency A's client) with content, and one snapshot of it,
    committed once for the module and removed at the end."""
    media_before = set(_media_dirs())
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        root = IdentityFactory(email="root@snapt.test", is_superuser=True, is_staff=True)
        agency_a = Agency.objects.create(name="Agency A", slug="snapt-agency-a")
        agency_b = Agency.objects.create(name="Agency B", slug="snapt-agency-b")
        a_admin = IdentityFactory(email="admin@agency-a.test")
        b_admin = IdentityFactory(email="admin@agency-b.test")
        AgencyMembership.objects.create(identity=a_admin, agency=agency_a, role="admin")
        AgencyMembership.objects.create(identity=b_admin, agency=agency_b, role="owner")
        source_owner = IdentityFactory(email="owner@snapt.test")
        source = workspace_provision(
            name="Iron Gym", slug=SOURCE_SLUG, owner=source_owner, agency=agency_a
        )
        image_name = _fill_source(source)
        connection.set_schema_to_public()
        snapshot = snapshot_create(
            workspace=source, name="Gym starter", agency=agency_a, actor=a_admin
        )
        world = World(
            source=source,
            agency_a=agency_a,
            agency_b=agency_b,
            agency_a_admin=a_admin,
            agency_b_admin=b_admin,
            root=root,
            source_owner=source_owner,
            snapshot=snapshot,
            image_name=image_name,
        )
    yield world
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        snapshot_delete(snapshot=Snapshot.objects.get(pk=snapshot.pk), actor=None)
        workspace_delete(workspace=Workspace.objects.get(pk=source.pk), confirm_slug=SOURCE_SLUG)
        Agency.objects.filter(pk__in=[agency_a.pk, agency_b.pk]).delete()
        people = User.objects.filter(email__endswith=".test").filter(
            email__in=[
                "root@snapt.test",
                "admin@agency-a.test",
                "admin@agency-b.test",
                "owner@snapt.test",
                "editor@snapt.test",
            ]
        )
        delete_in_current_schema(people)
    for name in set(_media_dirs()) - media_before:
        shutil.rmtree(settings.MEDIA_ROOT / name, ignore_errors=True)


def _media_dirs():
    root = settings.MEDIA_ROOT
    if not root.exists():
        return []
    return [p.name for p in root.iterdir() if p.name.startswith(("snap_", "ws_snapt"))]


@pytest.fixture(autouse=True)
def _remove_media_of_rolled_back_schemas(world, db):
    """Every test runs in a transaction that is rolled back, schemas it makes included;
    files copied into them are not, so they are removed here."""
    before = set(_media_dirs())
    yield
    for name in set(_media_dirs()) - before:
        shutil.rmtree(settings.MEDIA_ROOT / name, ignore_errors=True)


def _count(schema: str, table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{schema}"."{table}"')
        return cursor.fetchone()[0]


def _migrations(schema: str) -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')
        return set(cursor.fetchall())


def _provision(world, *, slug="snapt-client", agency=None, snapshot=None, owner=None):
    return workspace_provision(
        name="Client Gym",
        slug=slug,
        owner=owner or IdentityFactory(),
        agency=world.agency_a if agency is None else agency,
        snapshot=snapshot or world.snapshot,
    )


# What a snapshot keeps ---------------------------------------------------------------


def test_snapshot_keeps_pages_with_their_content(world):
    with schema_context(world.snapshot.schema_name):
        home = HomePage.objects.get()
        landing = LandingPage.objects.get()
        form = FormPage.objects.get()
        titles = set(Page.objects.filter(depth__gt=1).values_list("title", flat=True))
        hero = home.content[0]
        assert (hero.block_type, hero.value["heading"]) == ("hero", HERO_HEADING)
        assert LANDING_TEXT in landing.body[0].render()
        assert list(form.form_fields.values_list("label", flat=True)) == ["Email"]
        assert Image.objects.get().title == "Gym floor"
        assert [t.name for t in Image.objects.get().tags.all()] == ["interior"]
        assert Revision.objects.filter(object_id=str(landing.pk)).exists()

    assert titles == {"Iron Gym", "Summer offer", "Join"}
    assert world.snapshot.status == Snapshot.Status.READY
    assert world.snapshot.contents["cms_landingpage"] == 1
    assert world.snapshot.contents["wagtailimages_image"] == 1
    assert "accounts_user" not in world.snapshot.contents


def test_snapshot_has_no_people_submissions_sessions_or_logs(world):
    schema = world.snapshot.schema_name
    emptied = [
        "accounts_user",
        "accounts_user_groups",
        "wagtailforms_formsubmission",
        "django_session",
        "django_admin_log",
        "wagtailcore_pagelogentry",
        "wagtailusers_userprofile",
        "wagtailimages_rendition",
    ]

    assert {table: _count(schema, table) for table in emptied} == dict.fromkeys(emptied, 0)
    with tenant_context(world.source):  # the source keeps all of it
        assert User.objects.count() == 3  # owner and editor mirrors, a customer
        assert FormSubmission.objects.count() == 1


def test_kept_rows_no_longer_point_at_people(world):
    with schema_context(world.snapshot.schema_name):
        landing = LandingPage.objects.get()
        revision = Revision.objects.filter(object_id=str(landing.pk)).latest("pk")
        assert (landing.owner_id, landing.locked, landing.locked_by_id) == (None, False, None)
        assert Image.objects.get().uploaded_by_user_id is None
        assert revision.user_id is None
        assert revision.content["owner"] is None
        # A customer's tag was on a customer: both are gone, the image's tag stays.
        assert set(Tag.objects.values_list("name", flat=True)) == {"interior"}
        assert Site.objects.get().hostname.endswith(".snapshot.invalid")


def test_an_undeclared_table_is_emptied(world):
    # undeclared_notes has no model at all; wagtailcore_pagelogentry is a real Wagtail
    # table nobody declared as content. Both had rows in the source.
    source, snap = world.source.schema_name, world.snapshot.schema_name

    assert _count(source, "undeclared_notes") == 1
    assert _count(source, "wagtailcore_pagelogentry") > 0
    assert _count(snap, "undeclared_notes") == 0
    assert _count(snap, "wagtailcore_pagelogentry") == 0
    assert "undeclared_notes" not in snapshot_content_plan().tables


def test_snapshot_create_is_audited(world):
    event = AuditEvent.objects.get(action="snapshot.created", target_id=str(world.snapshot.pk))

    assert event.actor == world.agency_a_admin
    assert event.workspace_id == world.source.pk


def test_a_parental_key_child_must_be_declared_either_way(monkeypatch):
    monkeypatch.setattr("tenants.snapshots.CORE_SNAPSHOT_EXCLUDED", ())

    with pytest.raises(SnapshotContentError, match=r"wagtailcore\.Comment"):
        snapshot_content_plan()


def test_a_not_null_key_to_emptied_rows_fails_loudly_and_leaves_nothing(world):
    with connection.cursor() as cursor:
        cursor.execute(
            f'ALTER TABLE "{world.source.schema_name}".wagtailimages_image '
            "ALTER COLUMN uploaded_by_user_id SET NOT NULL"
        )
    before = Snapshot.objects.count()

    with pytest.raises(SnapshotContentError, match=r"wagtailimages_image\.uploaded_by_user_id"):
        snapshot_create(workspace=world.source, name="Broken", actor=world.root)

    connection.set_schema_to_public()
    assert Snapshot.objects.count() == before
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'snap\\_%%'")
        assert cursor.fetchone()[0] == 1  # the module's own snapshot only


# Provisioning from a snapshot ----------------------------------------------------------


def test_provisioning_from_a_snapshot_gives_its_pages_own_site_and_only_its_owner(world):
    owner = IdentityFactory(email="client-owner@snapt.test")

    workspace = _provision(world, owner=owner)

    assert workspace.snapshot_id == world.snapshot.pk
    with tenant_context(workspace):
        site = Site.objects.get()
        assert (site.hostname, site.site_name) == (host_of(workspace), "Client Gym")
        assert site.root_page.specific_class is HomePage
        assert site.root_page.title == "Client Gym"
        assert site.root_page.specific.get_latest_revision_as_object().title == "Client Gym"
        assert LandingPage.objects.get().title == "Summer offer"
        assert HomePage.objects.get().content[0].value["heading"] == HERO_HEADING
        assert list(User.objects.values_list("email", flat=True)) == [owner.email]
        assert FormSubmission.objects.count() == 0


def test_the_new_workspace_serves_the_template_pages_on_its_own_host(world, client):
    workspace = _provision(world)

    home = client.get("/", HTTP_HOST=host_of(workspace))

    assert home.status_code == 200
    assert b"Strength and conditioning for everyone." in home.content
    assert b"Client Gym" in home.content
    assert b"Iron Gym" not in home.content


def test_a_provisioned_workspace_has_the_templates_migration_state(world):
    workspace = _provision(world)

    assert _migrations(workspace.schema_name) == _migrations(settings.TENANT_BASE_SCHEMA)


def test_files_are_copied_never_shared(world):
    workspace = _provision(world)
    name = world.image_name

    with tenant_context(workspace):
        image = Image.objects.get()
        client_path = image.file.path
        with image.file.open("rb") as copy:
            assert copy.read(8) == b"\x89PNG\r\n\x1a\n"
    with schema_context(world.snapshot.schema_name):
        snapshot_path = default_storage.path(Image.objects.get().file.name)
    with tenant_context(world.source):
        source_path = default_storage.path(name)

    assert len({client_path, snapshot_path, source_path}) == 3
    assert client_path.startswith(str(settings.MEDIA_ROOT / workspace.schema_name))
    assert snapshot_path.startswith(str(settings.MEDIA_ROOT / world.snapshot.schema_name))
    with tenant_context(workspace):
        default_storage.delete(image.file.name)
        assert not default_storage.exists(image.file.name)
    with schema_context(world.snapshot.schema_name):
        assert default_storage.exists(name)
    with tenant_context(world.source):
        assert default_storage.exists(name)


# Who may use and see what --------------------------------------------------------------


def test_another_agency_can_neither_see_nor_use_an_agencys_snapshot(world):
    assert world.snapshot not in snapshots_for_agency(agency=world.agency_b)
    assert world.snapshot in snapshots_for_agency(agency=world.agency_a)
    with pytest.raises(NotFoundError):
        snapshot_get_for_agency(agency=world.agency_b, snapshot_id=world.snapshot.pk)
    with pytest.raises(SnapshotUnavailableError):
        _provision(world, agency=world.agency_b)
    assert not Workspace.objects.filter(slug="snapt-client").exists()


def test_platform_snapshots_are_visible_to_every_agency(world):
    platform = snapshot_create(workspace=world.source, name="Platform gym", actor=world.root)

    assert platform in snapshots_platform()
    assert world.snapshot not in snapshots_platform()
    for agency in (world.agency_a, world.agency_b):
        assert snapshot_get_for_agency(agency=agency, snapshot_id=platform.pk) == platform
    workspace = _provision(world, agency=world.agency_b, snapshot=platform)
    with tenant_context(workspace):
        assert LandingPage.objects.exists()


def test_an_agency_cannot_snapshot_another_agencys_client(world):
    with pytest.raises(NotFoundError):
        snapshot_create(
            workspace=world.source,
            name="Mine now",
            agency=world.agency_b,
            actor=world.agency_b_admin,
        )
    with pytest.raises(PermissionDeniedError):
        snapshot_create(
            workspace=world.source,
            name="Mine now",
            agency=world.agency_a,
            actor=world.agency_b_admin,
        )


def test_agency_staff_and_strangers_cannot_make_snapshots(world, identity):
    AgencyMembership.objects.create(identity=identity, agency=world.agency_a, role="staff")

    with pytest.raises(PermissionDeniedError):
        snapshot_create(workspace=world.source, name="X", agency=world.agency_a, actor=identity)
    with pytest.raises(PermissionDeniedError):  # platform snapshots: platform owners only
        snapshot_create(workspace=world.source, name="X", actor=world.agency_a_admin)


@pytest.mark.parametrize("name", ["", "   ", "x" * 121])
def test_a_bad_name_is_refused_and_nothing_is_made(world, name):
    before = Snapshot.objects.count()

    with pytest.raises(SnapshotError) as caught:
        snapshot_create(workspace=world.source, name=name, actor=world.root)

    assert "name" in caught.value.fields
    assert Snapshot.objects.count() == before


def test_a_suspended_workspace_cannot_be_snapshotted(world):
    workspace_suspend(workspace=world.source, reason="unpaid")

    with pytest.raises(SnapshotError) as caught:
        snapshot_create(
            workspace=Workspace.objects.get(pk=world.source.pk), name="X", actor=world.root
        )

    assert caught.value.status == 409


# Building in the background ------------------------------------------------------------


def test_a_snapshot_still_building_is_refused_then_built_by_the_task(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(snapshot_build_task, "delay", lambda *args: sent.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        snapshot = snapshot_create(
            workspace=world.source,
            name="Later",
            agency=world.agency_a,
            actor=world.root,
            defer=True,
        )

    assert sent == [(str(snapshot.pk),)]
    assert snapshot.status == Snapshot.Status.BUILDING
    with pytest.raises(SnapshotUnavailableError):
        _provision(world, snapshot=snapshot)

    assert snapshot_build_task.apply(args=[str(snapshot.pk)]).get() == Snapshot.Status.READY
    snapshot.refresh_from_db()
    assert snapshot.contents["cms_landingpage"] == 1
    assert _provision(world, snapshot=snapshot).snapshot_id == snapshot.pk


def test_a_failed_build_is_recorded_and_refused(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("tenants.snapshots._strip_to_content", broken)
    monkeypatch.setattr(snapshot_build_task, "delay", lambda *args: None)
    with django_capture_on_commit_callbacks(execute=True):
        snapshot = snapshot_create(
            workspace=world.source, name="Doomed", actor=world.root, defer=True
        )

    snapshot_build(snapshot_id=snapshot.pk)

    snapshot.refresh_from_db()
    assert (snapshot.status, snapshot.failure_reason) == (Snapshot.Status.FAILED, "disk full")
    assert not schema_exists(snapshot.schema_name)
    with pytest.raises(SnapshotUnavailableError):
        _provision(world, snapshot=snapshot)


# Migrations ----------------------------------------------------------------------------


def _forget(schema: str, migration: tuple[str, str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f'DELETE FROM "{schema}".django_migrations WHERE app = %s AND name = %s', migration
        )


def test_migrate_platform_migrates_snapshots_and_fails_only_the_broken_one(world):
    behind = snapshot_create(workspace=world.source, name="Behind", actor=world.root)
    broken = snapshot_create(workspace=world.source, name="Broken", actor=world.root)
    _forget(behind.schema_name, STATE_ONLY_MIGRATION)  # re-applying it changes no table
    _forget(broken.schema_name, ("sessions", "0001_initial"))  # its table is still there
    template = _migrations(settings.TENANT_BASE_SCHEMA)
    assert len(_migrations(behind.schema_name)) == len(template) - 1

    call_command("migrate_platform", skip_workspaces=True, verbosity=0)

    connection.set_schema_to_public()
    assert _migrations(behind.schema_name) == template
    assert _migrations(world.snapshot.schema_name) == template
    behind.refresh_from_db()
    broken.refresh_from_db()
    assert behind.status == Snapshot.Status.READY
    assert broken.status == Snapshot.Status.FAILED
    assert broken.failure_reason.startswith("Migration failed: ")
    with pytest.raises(SnapshotUnavailableError):
        _provision(world, snapshot=broken)


# Deleting ------------------------------------------------------------------------------


def test_snapshot_delete_drops_schema_files_and_row(world, django_capture_on_commit_callbacks):
    snapshot = snapshot_create(workspace=world.source, name="Short-lived", actor=world.root)
    snapshot_id = str(snapshot.pk)
    with schema_context(snapshot.schema_name):
        name = Image.objects.get().file.name
        assert default_storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True):
        snapshot_delete(snapshot=snapshot, actor=world.root)

    assert not schema_exists(snapshot.schema_name)
    assert not Snapshot.objects.filter(pk=snapshot.pk).exists()
    with schema_context(snapshot.schema_name):
        assert not default_storage.exists(name)
    with tenant_context(world.source):
        assert default_storage.exists(name)
    assert AuditEvent.objects.filter(action="snapshot.deleted", target_id=snapshot_id).exists()


def test_only_the_owner_may_delete_a_snapshot(world):
    with pytest.raises(PermissionDeniedError):
        snapshot_delete(snapshot=world.snapshot, actor=world.agency_b_admin)

    assert schema_exists(world.snapshot.schema_name)


# Commands and console ------------------------------------------------------------------


def test_the_commands_create_and_delete_a_snapshot(world, capsys):
    call_command(
        "snapshot_create",
        "--workspace",
        SOURCE_SLUG,
        "--name",
        "From the shell",
        "--agency",
        world.agency_a.slug,
    )

    snapshot = Snapshot.objects.get(name="From the shell")
    assert (snapshot.agency, snapshot.status) == (world.agency_a, Snapshot.Status.READY)
    assert "cms_landingpage 1" in capsys.readouterr().out
    call_command("snapshot_delete", str(snapshot.pk), "--noinput")
    assert not schema_exists(snapshot.schema_name)


def test_the_console_lists_snapshots(world, console):  # noqa: F811
    page = console.get("/admin/tenants/snapshot/", {"q": "Gym starter"})

    assert page.status_code == 200
    assert [s.pk for s in page.context["cl"].result_list] == [world.snapshot.pk]
    detail = console.get(f"/admin/tenants/snapshot/{world.snapshot.pk}/change/").content.decode()
    assert "cms_landingpage" in detail
    assert "Agency A" in detail
