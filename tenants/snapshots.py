"""Snapshots: a configured workspace frozen into a reusable template.

An agency (or the platform) turns one of its workspaces into a snapshot; new workspaces
are then provisioned from it (tenants.services.workspace_provision(snapshot=…)) with its
pages, bio sites, email templates and automations, and none of its customer data.

How a snapshot is made (`snapshot_create`, one transaction: PostgreSQL DDL is
transactional, so a failure leaves no row, no schema and no half-stripped copy):

1. the workspace's schema is cloned, rows and all, into `snap_<snapshot id hex>`;
2. everything that is not *template content* is emptied (below);
3. files the kept rows point at are copied under the snapshot's own storage prefix;
4. the snapshot is READY and `contents` lists the kept tables and their row counts.

What is kept: an ALLOW-list, never a deny-list
----------------------------------------------
A table survives only if its model is declared template content; every other table of
the clone is emptied, including tables no model knows about. So a new app (or a new
model in an existing app) leaks nothing into snapshots until someone decides it is
content. Declarations:

- `CORE_SNAPSHOT_CONTENT` below, for Django's and Wagtail's own apps (whose AppConfigs
  are not ours): the page tree and its revisions, locales, sites, collections, privacy
  and workflow *structure*, images, documents, tags, redirects, embeds, the search
  index, content types, groups and permissions. `django_migrations` is always kept:
  a workspace cloned from a snapshot must have the template's migration state.
- An app of ours declares its content on its AppConfig::

      class MailingConfig(AppConfig):
          name = "tenant_apps.mailing"
          snapshot_content_models = ("mailing.EmailTemplate", "mailing.TemplateBlock")
          # or the whole app: snapshot_content_models = ("mailing",)

  A whole-app label keeps every model of that app, present and future: use it only for
  apps that hold no customer data at all.

Rules that follow from the declarations:

- Every Wagtail page type is content, wherever it is declared: the page tree is kept,
  and a page whose specific row is missing is a broken page. (Multi-table children of
  any kept model are kept for the same reason.)
- A model that hangs off kept content by a ParentalKey (a page's inline form fields,
  carousel items, tags) is part of that content in Wagtail's eyes (it is saved in the
  page's revisions). It must be declared either way: as content, or in the app's
  `snapshot_excluded_models` (Wagtail's comments are excluded in the core). An
  undecided one stops snapshot_create with SnapshotContentError naming it, so the
  choice is made when the model is written (the tests exercise every model's table).
- Many-to-many tables are kept when both ends are kept.
- Rows of kept generic tables (revisions, tags, search index, reference index) that
  point at a model that is not kept are deleted: a CRM contact's search-index text is
  customer data even though the index itself is kept.
- Foreign keys from kept rows to emptied tables (a page's owner, a revision's user, an
  image's uploader) are set NULL first, found generically in PostgreSQL's catalog. A
  NOT NULL one stops snapshot_create with SnapshotContentError naming the column.
- Locks (who is editing what), revision JSON's copy of comments and owner, renditions
  (Wagtail regenerates them) and every Site's hostname (provisioning sets the new
  workspace's own) are reset.

Files: media paths are prefixed by schema (django-tenants' storage), so the stored names
stay as they are and the files are copied from the source's prefix to the snapshot's,
and from the snapshot's to each new workspace's (`snapshot_files_copy_in_workspace`):
no two workspaces ever share a file. A name that is already taken at the destination is
saved under the name the storage picks, and the row is rewritten to it.
"""

import logging
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django_tenants.clone import CloneSchema
from django_tenants.utils import get_public_schema_name, schema_context, schema_exists
from modelcluster.fields import ParentalKey
from psycopg import sql
from wagtail.models import LockableMixin, Page

from config.errors import NotFoundError, PermissionDeniedError
from shared_apps.platform.services import audit_record
from tenants.errors import SnapshotError
from tenants.models import Agency, AgencyMembership, Snapshot, Workspace

logger = logging.getLogger(__name__)

SNAPSHOT_SCHEMA_PREFIX = "snap_"
NAME_MAX_LENGTH = 120

# Django's and Wagtail's apps cannot declare on their AppConfigs: their content is
# declared here. Workflow *states*, log entries, comments, subscriptions, editing
# sessions, API tokens, uploads in progress, renditions, form submissions, sessions,
# users and their profiles are not content and are deliberately absent.
CORE_SNAPSHOT_CONTENT = (
    "contenttypes.ContentType",
    "auth.Group",
    "auth.Permission",
    "wagtailcore.Page",
    "wagtailcore.Revision",
    "wagtailcore.Locale",
    "wagtailcore.Site",
    "wagtailcore.Collection",
    "wagtailcore.CollectionViewRestriction",
    "wagtailcore.GroupCollectionPermission",
    "wagtailcore.GroupPagePermission",
    "wagtailcore.GroupSitePermission",
    "wagtailcore.PageViewRestriction",
    "wagtailcore.Workflow",
    "wagtailcore.WorkflowTask",
    "wagtailcore.WorkflowPage",
    "wagtailcore.WorkflowContentType",
    "wagtailcore.Task",
    "wagtailcore.GroupApprovalTask",
    "wagtailcore.ReferenceIndex",
    "wagtailimages.Image",
    "wagtaildocs.Document",
    "taggit.Tag",
    "taggit.TaggedItem",
    "wagtailredirects.Redirect",
    "wagtailembeds.Embed",
    "wagtailsearch.IndexEntry",
)
# ParentalKey children of kept content that are not content: who said what.
CORE_SNAPSHOT_EXCLUDED = ("wagtailcore.Comment", "wagtailcore.CommentReply")
ALWAYS_KEPT_TABLES = frozenset({"django_migrations"})
# Tags are kept, but a tag no kept row uses anymore was only on emptied rows (a
# customer's "VIP" label): it goes too.
PRUNE_UNREFERENCED = ("taggit.Tag",)
# Generic relations Wagtail stores without a GenericForeignKey: (model, content type
# columns that must each point at kept content).
EXTRA_GENERIC_COLUMNS = {"wagtailcore.ReferenceIndex": ("content_type", "to_content_type")}
SITE_PLACEHOLDER_DOMAIN = "snapshot.invalid"  # RFC 2606: never resolves


class SnapshotContentError(RuntimeError):
    """The declarations cannot be applied safely (an undecided ParentalKey child, a NOT
    NULL key from kept content to emptied rows, an unknown label). A programming error:
    fix the declaration, not the data."""


# Declarations ------------------------------------------------------------------------


@dataclass(frozen=True)
class ContentPlan:
    models: frozenset = field(default_factory=frozenset)  # kept model classes
    tables: frozenset = field(default_factory=frozenset)  # kept table names

    def keeps(self, model) -> bool:
        return model in self.models


def _tenant_models(*, include_auto_created: bool = False) -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=include_auto_created)
        if model._meta.app_config.name in settings.TENANT_APPS
        and model._meta.managed
        and not model._meta.proxy
    ]


def _models_for_labels(labels) -> set[type[models.Model]]:
    found = set()
    for label in labels:
        try:
            if "." in label:
                found.add(apps.get_model(label))
            else:
                found.update(apps.get_app_config(label).get_models())
        except LookupError as exc:
            raise SnapshotContentError(
                f"Unknown model or app in a snapshot declaration: {label!r}."
            ) from exc
    return found


def snapshot_content_plan() -> ContentPlan:
    """Which models and tables a snapshot keeps (see the module docstring)."""
    content, excluded = list(CORE_SNAPSHOT_CONTENT), list(CORE_SNAPSHOT_EXCLUDED)
    for config in apps.get_app_configs():
        content += getattr(config, "snapshot_content_models", ())
        excluded += getattr(config, "snapshot_excluded_models", ())
    kept = _models_for_labels(content)
    excluded_models = _models_for_labels(excluded)
    tenant_models = _tenant_models()

    for model in tenant_models:
        if issubclass(model, Page) or any(
            parent in kept for parent in model._meta.get_parent_list()
        ):
            kept.add(model)

    undecided = sorted(
        model._meta.label
        for model in tenant_models
        if model not in kept
        and model not in excluded_models
        and any(isinstance(f, ParentalKey) and f.related_model in kept for f in model._meta.fields)
    )
    if undecided:
        raise SnapshotContentError(
            "These models hang off snapshot content by a ParentalKey but are declared neither "
            f"as content nor as excluded: {', '.join(undecided)}. Add them to their app's "
            "`snapshot_content_models` or `snapshot_excluded_models` (tenants/snapshots.py)."
        )

    tables = {model._meta.db_table for model in kept}
    for model in _tenant_models(include_auto_created=True):
        if model._meta.auto_created:  # a many-to-many table: kept when both ends are
            ends = [f.related_model for f in model._meta.fields if f.is_relation]
            if ends and all(end in kept for end in ends):
                tables.add(model._meta.db_table)
    return ContentPlan(models=frozenset(kept), tables=frozenset(tables | ALWAYS_KEPT_TABLES))


# Selectors ---------------------------------------------------------------------------


# `actor=None` is the platform operator at the shell (management commands), who may do
# anything; a request always passes its user (an AnonymousUser at worst, never None).


def _may_manage_agency(*, actor, agency: Agency) -> bool:
    if actor is None:
        return True
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    if actor.is_superuser:
        return True
    return AgencyMembership.objects.filter(
        identity=actor,
        agency=agency,
        role__in=[AgencyMembership.Role.OWNER, AgencyMembership.Role.ADMIN],
    ).exists()


def _is_platform_owner(actor) -> bool:
    return actor is None or bool(
        getattr(actor, "is_authenticated", False) and actor.is_active and actor.is_superuser
    )


def snapshot_may_manage(*, actor, snapshot: Snapshot) -> bool:
    if snapshot.agency_id is None:
        return _is_platform_owner(actor)
    return _may_manage_agency(actor=actor, agency=snapshot.agency)


def snapshots_platform():
    return Snapshot.objects.filter(agency__isnull=True, status=Snapshot.Status.READY)


def snapshots_for_agency(*, agency: Agency):
    """What an agency may provision its clients from: its own ready snapshots and the
    platform's."""
    return Snapshot.objects.filter(
        models.Q(agency=agency) | models.Q(agency__isnull=True), status=Snapshot.Status.READY
    )


def snapshot_get_for_agency(*, agency: Agency, snapshot_id) -> Snapshot:
    snapshot = snapshots_for_agency(agency=agency).filter(pk=snapshot_id).first()
    if snapshot is None:
        raise NotFoundError("No such snapshot.")
    return snapshot


# Services ----------------------------------------------------------------------------


@transaction.atomic
def snapshot_create(
    *,
    workspace: Workspace,
    name: str,
    description: str = "",
    agency: Agency | None = None,
    actor,
    defer: bool = False,
) -> Snapshot:
    """Make a snapshot of `workspace` (an agency's own client with `agency`, or any
    workspace for a platform owner with agency=None).

    Synchronous by default: the snapshot is READY when this returns, and any failure
    raises and leaves nothing. With `defer=True` the row is made in BUILDING and
    `tenants.tasks.snapshot_build_task` builds it after commit (READY, or FAILED with a
    reason)."""
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX_LENGTH:
        message = f"Give the snapshot a name of up to {NAME_MAX_LENGTH} characters."
        raise SnapshotError(message, fields={"name": [message]})
    if agency is None:
        if not _is_platform_owner(actor):
            raise PermissionDeniedError("Only platform owners make platform snapshots.")
    elif not _may_manage_agency(actor=actor, agency=agency):
        raise PermissionDeniedError("Only the agency's owners and admins make its snapshots.")
    elif workspace.agency_id != agency.pk:
        raise NotFoundError("No such client workspace.")
    if not workspace.is_active:
        raise SnapshotError(
            "Only an active workspace can be snapshotted.",
            status=409,
            fields={"workspace": ["Not active."]},
        )

    snapshot = Snapshot(
        name=name,
        description=(description or "").strip(),
        agency=agency,
        source_workspace_id=workspace.pk,
        source_workspace_name=workspace.name,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        status=Snapshot.Status.BUILDING,
    )
    snapshot.schema_name = SNAPSHOT_SCHEMA_PREFIX + snapshot.pk.hex
    snapshot.save()
    audit_record(
        action="snapshot.created",
        actor=actor,
        workspace_id=workspace.pk,
        target=snapshot,
        data={
            "name": name,
            "agency": str(agency.pk) if agency is not None else None,
            "source": workspace.slug,
            "deferred": defer,
        },
    )
    if defer:
        from tenants.tasks import snapshot_build_task

        snapshot_id = str(snapshot.pk)
        # Sent from public: the task reads public rows and opens the schemas it needs.
        transaction.on_commit(lambda: _send_from_public(snapshot_build_task, snapshot_id))
        return snapshot
    _snapshot_build(snapshot=snapshot, source_schema=workspace.schema_name)
    return snapshot


def _send_from_public(task, *args) -> None:
    with schema_context(get_public_schema_name()):
        task.delay(*args)


def snapshot_build(*, snapshot_id) -> Snapshot | None:
    """Build a BUILDING snapshot (the deferred path). Failures are recorded on the row
    (FAILED, failure_reason) rather than raised: the person who asked sees them."""
    snapshot = Snapshot.objects.filter(pk=snapshot_id).first()
    if snapshot is None or snapshot.status != Snapshot.Status.BUILDING:
        return snapshot  # gone, or built by an earlier delivery of the same task
    workspace = Workspace.objects.filter(pk=snapshot.source_workspace_id).first()
    try:
        if workspace is None:
            raise SnapshotError("The source workspace no longer exists.")
        with transaction.atomic():
            snapshot = Snapshot.objects.select_for_update().get(pk=snapshot.pk)
            if snapshot.status != Snapshot.Status.BUILDING:  # a concurrent delivery won
                return snapshot
            _snapshot_build(snapshot=snapshot, source_schema=workspace.schema_name)
    except Exception as exc:
        logger.exception("Snapshot %s failed to build", snapshot.pk)
        connection.set_schema_to_public()
        snapshot.status = Snapshot.Status.FAILED
        snapshot.failure_reason = (getattr(exc, "message", None) or str(exc) or type(exc).__name__)[
            :255
        ]
        snapshot.save(update_fields=["status", "failure_reason"])
    return snapshot


def _snapshot_build(*, snapshot: Snapshot, source_schema: str) -> None:
    # Crosses schemas: copies a workspace schema into the snapshot's, then strips it.
    plan = snapshot_content_plan()
    connection.set_schema_to_public()
    CloneSchema().clone_schema(source_schema, snapshot.schema_name, "DATA")
    _strip_to_content(schema=snapshot.schema_name, plan=plan)
    copied = []
    try:
        _files_copy(
            schema_from=source_schema, schema_to=snapshot.schema_name, plan=plan, copied=copied
        )
        connection.set_schema_to_public()
        snapshot.contents = _row_counts(schema=snapshot.schema_name, tables=plan.tables)
        snapshot.status = Snapshot.Status.READY
        snapshot.failure_reason = ""
        snapshot.save(update_fields=["contents", "status", "failure_reason"])
    except BaseException:
        _files_delete(schema=snapshot.schema_name, names=copied)
        raise


@transaction.atomic
def snapshot_delete(*, snapshot: Snapshot, actor) -> None:
    """Drop the snapshot's schema and files and delete its row. Workspaces made from it
    are untouched: they are full copies."""
    if not snapshot_may_manage(actor=actor, snapshot=snapshot):
        raise PermissionDeniedError("You may not delete this snapshot.")
    connection.set_schema_to_public()
    names = []
    if schema_exists(snapshot.schema_name):
        names = [
            name
            for _table, _pk, _column, name in _file_rows(schema=snapshot.schema_name, plan=None)
        ]
        with connection.cursor() as cursor:
            # Rows written earlier in this transaction leave pending deferred checks, and
            # PostgreSQL refuses to drop tables with pending trigger events.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(snapshot.schema_name))
            )
    schema_name = snapshot.schema_name
    audit_record(
        action="snapshot.deleted",
        actor=actor,
        target=snapshot,
        data={
            "name": snapshot.name,
            "schema": schema_name,
            "agency": str(snapshot.agency_id or "") or None,
        },
    )
    snapshot.delete()
    # Files go only once the schema is really gone.
    transaction.on_commit(lambda: _files_delete(schema=schema_name, names=names))


def snapshot_files_copy_in_workspace(*, snapshot: Snapshot, workspace: Workspace) -> int:
    """Give a workspace just cloned from `snapshot` its own copies of the snapshot's
    files (its rows were cloned with the snapshot's file names). Returns how many.

    A failure after this in the same transaction leaves the copies behind in the new
    workspace's prefix: unreachable template files, never customer data."""
    # Crosses schemas: reads files under the snapshot's prefix, writes under the workspace's.
    copied: list[str] = []
    try:
        _files_copy(
            schema_from=snapshot.schema_name,
            schema_to=workspace.schema_name,
            plan=snapshot_content_plan(),
            copied=copied,
        )
    except BaseException:
        _files_delete(schema=workspace.schema_name, names=copied)
        raise
    return len(copied)


def snapshot_mark_failed(*, snapshot: Snapshot, reason: str) -> None:
    """Take a snapshot out of use (its schema could not be migrated, for one)."""
    snapshot.status = Snapshot.Status.FAILED
    snapshot.failure_reason = reason[:255]
    snapshot.save(update_fields=["status", "failure_reason"])


# Stripping ---------------------------------------------------------------------------


def _q(schema: str, table: str) -> sql.Composed:
    return sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(table))


def _schema_tables(cursor, schema: str) -> set[str]:
    cursor.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relkind IN ('r', 'p')",
        [schema],
    )
    return {row[0] for row in cursor.fetchall()}


def _foreign_keys(cursor, schema: str) -> list[tuple[str, str, str, bool]]:
    """(table, column, referenced table, column is NOT NULL) for every single-column
    foreign key between tables of `schema`."""
    cursor.execute(
        """
        SELECT src.relname, a.attname, dst.relname, a.attnotnull, array_length(con.conkey, 1)
        FROM pg_constraint con
        JOIN pg_class src ON src.oid = con.conrelid
        JOIN pg_class dst ON dst.oid = con.confrelid
        JOIN pg_namespace n ON n.oid = src.relnamespace
        JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
        WHERE con.contype = 'f' AND n.nspname = %s AND dst.relnamespace = n.oid
        """,
        [schema],
    )
    keys = []
    for table, column, referenced, not_null, width in cursor.fetchall():
        if width != 1:
            raise SnapshotContentError(f"{table}: multi-column foreign keys are not supported.")
        keys.append((table, column, referenced, not_null))
    return keys


def _strip_to_content(*, schema: str, plan: ContentPlan) -> None:
    with connection.cursor() as cursor:
        present = _schema_tables(cursor, schema)
        emptied = present - plan.tables
        keys = _foreign_keys(cursor, schema)

        # Kept rows must stop pointing at rows that are about to go.
        for table, column, referenced, not_null in keys:
            if table in emptied or referenced not in emptied:
                continue
            if not_null:
                raise SnapshotContentError(
                    f"{table}.{column} is NOT NULL and points at {referenced}, which a snapshot "
                    f"empties: declare {referenced}'s model as snapshot content, or stop keeping "
                    f"{table}'s."
                )
            cursor.execute(
                sql.SQL("UPDATE {} SET {col} = NULL WHERE {col} IS NOT NULL").format(
                    _q(schema, table), col=sql.Identifier(column)
                )
            )

        # TRUNCATE is fast but refuses a table that a table outside the same TRUNCATE
        # references (even through NULLs); those few are DELETEd instead.
        referencers: dict[str, set[str]] = {}
        for table, _column, referenced, _not_null in keys:
            if table != referenced:
                referencers.setdefault(referenced, set()).add(table)
        truncated = set(emptied)
        changed = True
        while changed:
            changed = False
            for table in list(truncated):
                if referencers.get(table, set()) - truncated:
                    truncated.discard(table)
                    changed = True
        if truncated:
            cursor.execute(
                sql.SQL("TRUNCATE {}").format(
                    sql.SQL(", ").join(_q(schema, t) for t in sorted(truncated))
                )
            )
        for table in sorted(emptied - truncated):
            cursor.execute(sql.SQL("DELETE FROM {}").format(_q(schema, table)))

        kept_type_ids = _kept_content_type_ids(cursor, schema, plan)
        _delete_generic_rows_of_emptied_models(cursor, schema, plan, kept_type_ids)
        _prune_unreferenced(cursor, schema, plan, keys, present)
        _reset_person_state(cursor, schema, plan)


def _kept_content_type_ids(cursor, schema: str, plan: ContentPlan) -> list[int]:
    wanted = {(m._meta.app_label, m._meta.model_name) for m in plan.models}
    cursor.execute(
        sql.SQL("SELECT id, app_label, model FROM {}").format(_q(schema, "django_content_type"))
    )
    return [pk for pk, app_label, model in cursor.fetchall() if (app_label, model) in wanted]


def _delete_generic_rows_of_emptied_models(cursor, schema, plan, kept_type_ids) -> None:
    for model in plan.models:
        columns = [
            model._meta.get_field(f.ct_field).column
            for f in model._meta.private_fields
            if isinstance(f, GenericForeignKey) and f.model is model
        ]
        columns += [
            model._meta.get_field(name).column
            for name in EXTRA_GENERIC_COLUMNS.get(model._meta.label, ())
        ]
        for column in columns:
            cursor.execute(
                sql.SQL("DELETE FROM {} WHERE {col} IS NOT NULL AND NOT ({col} = ANY(%s))").format(
                    _q(schema, model._meta.db_table), col=sql.Identifier(column)
                ),
                [kept_type_ids],
            )


def _prune_unreferenced(cursor, schema, plan, keys, present) -> None:
    for label in PRUNE_UNREFERENCED:
        model = apps.get_model(label)
        table = model._meta.db_table
        if model not in plan.models or table not in present:
            continue
        uses = [
            (src, column)
            for src, column, referenced, _ in keys
            if referenced == table and src in plan.tables
        ]
        condition = sql.SQL(" AND ").join(
            sql.SQL("NOT EXISTS (SELECT 1 FROM {} r WHERE r.{} = t.{})").format(
                _q(schema, src), sql.Identifier(column), sql.Identifier(model._meta.pk.column)
            )
            for src, column in uses
        )
        if uses:
            cursor.execute(sql.SQL("DELETE FROM {} t WHERE ").format(_q(schema, table)) + condition)


def _reset_person_state(cursor, schema, plan) -> None:
    # Locks belong to the person editing; a snapshot's pages start unlocked.
    lock_tables = {
        m._meta.get_field("locked").model._meta.db_table
        for m in plan.models
        if issubclass(m, LockableMixin)
    }
    for table in sorted(lock_tables):
        cursor.execute(
            sql.SQL("UPDATE {} SET locked = false, locked_at = NULL").format(_q(schema, table))
        )
    # Revisions carry a JSON copy of the page, with its comments (who said what) and
    # the ids of its owner and locker, users that are gone.
    revision = apps.get_model("wagtailcore.Revision")
    if revision in plan.models:
        table = _q(schema, revision._meta.db_table)
        cursor.execute(
            sql.SQL(
                "UPDATE {} SET content = content - 'wagtail_admin_comments' - 'comments' "
                "WHERE content ?| array['wagtail_admin_comments', 'comments']"
            ).format(table)
        )
        for key in ("owner", "locked_by"):
            cursor.execute(
                sql.SQL(
                    "UPDATE {} SET content = jsonb_set(content, %s, 'null') WHERE content ? %s"
                ).format(table),
                [[key], key],
            )
    site = apps.get_model("wagtailcore.Site")
    if site in plan.models:
        # Hostnames are unique per port; provisioning sets the new workspace's own.
        cursor.execute(
            sql.SQL("UPDATE {} SET hostname = 'site-' || id || %s").format(
                _q(schema, site._meta.db_table)
            ),
            ["." + SITE_PLACEHOLDER_DOMAIN],
        )


def _row_counts(*, schema: str, tables) -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        present = _schema_tables(cursor, schema)
        for table in sorted(set(tables) & present):
            cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(_q(schema, table)))
            counts[table] = cursor.fetchone()[0]
    return counts


# Files -------------------------------------------------------------------------------


def _file_rows(*, schema: str, plan: ContentPlan | None):
    """(table, pk, column, name) of every stored file name in kept tables of `schema`
    (every table with file fields when `plan` is None)."""
    rows = []
    with connection.cursor() as cursor:
        present = _schema_tables(cursor, schema)
        for model in _tenant_models():
            if plan is not None and not plan.keeps(model):
                continue
            table = model._meta.db_table
            if table not in present:
                continue
            for f in model._meta.local_concrete_fields:
                if not isinstance(f, models.FileField):
                    continue
                cursor.execute(
                    sql.SQL("SELECT {pk}, {col} FROM {table} WHERE {col} <> ''").format(
                        pk=sql.Identifier(model._meta.pk.column),
                        col=sql.Identifier(f.column),
                        table=_q(schema, table),
                    )
                )
                rows += [(table, pk, f.column, name) for pk, name in cursor.fetchall()]
    return rows


def _files_copy(*, schema_from: str, schema_to: str, plan: ContentPlan, copied: list) -> None:
    storage = default_storage
    for table, pk, column, name in _file_rows(schema=schema_to, plan=plan):
        with schema_context(schema_from):
            if not storage.exists(name):
                logger.warning(
                    "Snapshot file %s is missing under %s; not copied", name, schema_from
                )
                continue
            source = storage.open(name, "rb")  # the path is bound to schema_from's prefix
        with source, schema_context(schema_to):
            new_name = storage.save(name, source)
        copied.append(new_name)
        if new_name != name:
            with connection.cursor() as cursor:
                cursor.execute(
                    sql.SQL("UPDATE {} SET {} = %s WHERE {} = %s").format(
                        _q(schema_to, table),
                        sql.Identifier(column),
                        sql.Identifier(_pk_column(table)),
                    ),
                    [new_name, pk],
                )


def _pk_column(table: str) -> str:
    for model in _tenant_models():
        if model._meta.db_table == table:
            return model._meta.pk.column
    raise LookupError(table)


def _files_delete(*, schema: str, names) -> None:
    with schema_context(schema):
        for name in names:
            try:
                default_storage.delete(name)
            except OSError:
                logger.warning("Could not delete %s under %s", name, schema, exc_info=True)
