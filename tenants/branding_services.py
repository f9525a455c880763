"""Changing a workspace's or an agency's brand: settings, logo and favicon, in one
audited step that either saves everything or nothing.

    workspace_branding_update(*, workspace, actor, data, logo=None, favicon=None, …)
    agency_branding_update(*, agency, actor, data, logo=None, favicon=None, …)

`data` holds the settings to change (tenants.branding keys); keys it leaves out keep
their stored value, an empty string clears a text setting. Every problem (settings,
images, the white-label gate) is collected first and raised as one BrandingError whose
`fields` name them; nothing is written until all pass.

Crosses planes: the workspace and agency rows are public, and so are their files (the
storage prefixes paths with the current schema), so the writes and file operations run in
the public schema whichever host the request came from.
"""

import hashlib
import io

from django.core.files.base import ContentFile
from django.db import transaction
from django_tenants.utils import get_public_schema_name, schema_context
from PIL import Image, UnidentifiedImageError

from shared_apps.platform.services import audit_record
from tenants.branding import (
    ASSET_VERSION_KEYS,
    WHITE_LABEL_FIELDS,
    branding_clean,
    branding_problems,
    branding_valid_subset,
)
from tenants.errors import BrandingError, BrandingErrorCode
from tenants.host_cache import forget_hosts
from tenants.models import Agency, AgencyHost, Domain, Workspace

# What an upload may be. SVG is refused: it is a document that can carry script.
IMAGE_RULES = {
    "logo": {
        "formats": {"PNG", "JPEG", "WEBP", "GIF"},
        "max_bytes": 1024 * 1024,
        "max_side_px": 4096,
        "label": "The logo",
    },
    "favicon": {
        "formats": {"PNG", "ICO", "GIF", "WEBP"},
        "max_bytes": 256 * 1024,
        "max_side_px": 1024,
        "label": "The favicon",
    },
}
EXTENSIONS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp", "GIF": "gif", "ICO": "ico"}
CONTENT_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
    "gif": "image/gif",
    "ico": "image/x-icon",
}


def _public_plane():
    # Crosses schemas: branding rows and their files live in the public schema.
    return schema_context(get_public_schema_name())


def image_problem(*, kind: str, upload) -> tuple[str | None, bytes, str]:
    """(problem, bytes, extension): the upload checked by decoding it, not by trusting
    its name or declared type."""
    rule = IMAGE_RULES[kind]
    size = getattr(upload, "size", None)
    if size is not None and size > rule["max_bytes"]:
        return (
            f"{rule['label']} is too large ({size // 1024} KB); "
            f"the limit is {rule['max_bytes'] // 1024} KB.",
            b"",
            "",
        )
    upload.seek(0)
    data = upload.read(rule["max_bytes"] + 1)
    if len(data) > rule["max_bytes"]:
        limit_kb = rule["max_bytes"] // 1024
        return f"{rule['label']} is too large; the limit is {limit_kb} KB.", b"", ""
    allowed = ", ".join(sorted(rule["formats"]))
    try:
        with Image.open(io.BytesIO(data)) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return f"{rule['label']} must be an image file ({allowed}).", b"", ""
    if image_format not in rule["formats"]:
        return f"{rule['label']} must be one of {allowed} (this is {image_format}).", b"", ""
    if max(width, height) > rule["max_side_px"]:
        return (
            f"{rule['label']} is {width} by {height} pixels; keep it within "
            f"{rule['max_side_px']} pixels a side.",
            b"",
            "",
        )
    return None, data, EXTENSIONS[image_format]


def _collect_problems(*, owner, data, uploads, sender_domains, white_label: bool):
    stored = branding_valid_subset(owner.branding)
    problems: dict[str, list[str]] = {}
    if not isinstance(data, dict):
        raise BrandingError(fields={"__all__": ["Branding must be an object of settings."]})
    for key in ASSET_VERSION_KEYS:
        if key in data:
            problems[key] = ["This is set by uploading a file, not directly."]
    candidate = {**stored, **{k: v for k, v in data.items() if k not in ASSET_VERSION_KEYS}}
    checked = branding_problems(
        candidate, sender_domains=sender_domains if "email_sender_address" in data else None
    )
    # Problems of stored values the request did not touch are not this request's fault,
    # except the contrast rule, which the new values may have broken.
    for key, messages in checked.items():
        if key in data or key in ("text_color", "background_color"):
            problems[key] = messages
    gated = []
    if not white_label:
        for key in WHITE_LABEL_FIELDS:
            if data.get(key) and data.get(key) != stored.get(key):
                gated.append(key)
                problems.setdefault(key, []).append(
                    "This setting comes with white label (the Enterprise plan)."
                )
    images = {}
    for kind, upload in uploads.items():
        if upload is None:
            continue
        if kind == "favicon" and not hasattr(owner, "favicon"):
            problems["favicon"] = ["Agencies use their logo as their icon."]
            continue
        problem, content, extension = image_problem(kind=kind, upload=upload)
        if problem:
            problems[kind] = [problem]
        else:
            images[kind] = (content, extension)
    if problems:
        only_gate = set(problems) <= set(gated) and all(len(problems[k]) == 1 for k in gated)
        raise BrandingError(
            "Only white-labelled workspaces can change these settings."
            if only_gate
            else "Some branding settings are invalid; nothing was saved.",
            code=BrandingErrorCode.WHITE_LABEL_REQUIRED if only_gate else None,
            status=403 if only_gate else None,
            fields=problems,
        )
    return stored, images


def _apply(*, owner, data, stored, images, remove: set[str]) -> tuple[list[str], list[str]]:
    """Write the new branding and files onto `owner` (not saved). Returns (changed
    setting keys, names of files to delete once the transaction commits)."""
    cleaned = branding_clean({k: v for k, v in data.items() if k not in ASSET_VERSION_KEYS})
    branding = {**stored, **cleaned}
    changed = sorted(k for k in cleaned if stored.get(k) != cleaned[k])
    obsolete = []
    for kind in IMAGE_RULES:
        field = getattr(owner, kind, None)
        if field is None:
            continue
        old_name = field.name or ""
        if kind in images:
            content, extension = images[kind]
            digest = hashlib.sha256(content).hexdigest()[:16]
            # Named by content: a new file gets a new URL, so caches never serve the old.
            field.save(f"{kind}-{digest}.{extension}", ContentFile(content), save=False)
            branding[f"{kind}_version"] = digest
        elif kind in remove:
            field.name = ""
            branding.pop(f"{kind}_version", None)
        if old_name and old_name != field.name:
            obsolete.append(old_name)
            changed.append(kind)
    owner.branding = branding
    return changed, obsolete


def _delete_after_commit(storage, names: list[str]) -> None:
    def delete():
        with _public_plane():
            for name in names:
                storage.delete(name)

    if names:
        transaction.on_commit(delete)


def _brand_save(
    owner: Workspace | Agency,
    *,
    data: dict,
    uploads: dict,
    remove: set[str],
    sender_domains: list[str],
    white_label: bool,
) -> list[str]:
    """Check everything first, then write the brand of a workspace or an agency (the
    same fields, but an agency has no favicon: its logo is its icon). Returns what
    changed. The caller has locked the row."""
    stored, images = _collect_problems(
        owner=owner,
        data=data,
        uploads=uploads,
        sender_domains=sender_domains,
        white_label=white_label,
    )
    changed, obsolete = _apply(owner=owner, data=data, stored=stored, images=images, remove=remove)
    fields = ["branding", "logo", "updated_at"]
    if isinstance(owner, Workspace):
        fields.append("favicon")
    owner.save(update_fields=fields)
    _delete_after_commit(owner.logo.storage, obsolete)
    return changed


def _removals(*, remove_logo: bool, remove_favicon: bool) -> set[str]:
    return {key for key, flag in (("logo", remove_logo), ("favicon", remove_favicon)) if flag}


@transaction.atomic
def workspace_branding_update(
    *,
    workspace: Workspace,
    actor,
    data: dict,
    logo=None,
    favicon=None,
    remove_logo: bool = False,
    remove_favicon: bool = False,
    request=None,
) -> Workspace:
    """Change a workspace's brand. The white-label-only settings (sender, custom CSS)
    need white label (tenants.white_label). Pages show the new brand at once: saving
    the workspace drops its routing-cache entries (tenants.signals), and the theme's
    URL changes with the branding."""
    # Imported here: white_label reads the billing gate, which imports tenants.selectors.
    from tenants.white_label import workspace_is_white_label

    with _public_plane():
        white_label = workspace_is_white_label(workspace=workspace)
        workspace = Workspace.objects.select_for_update().get(pk=workspace.pk)
        changed = _brand_save(
            workspace,
            data=data,
            uploads={"logo": logo, "favicon": favicon},
            remove=_removals(remove_logo=remove_logo, remove_favicon=remove_favicon),
            sender_domains=list(
                Domain.objects.filter(tenant=workspace, is_verified=True).values_list(
                    "domain", flat=True
                )
            ),
            white_label=white_label,
        )
        audit_record(
            action="workspace.branding_updated",
            actor=actor,
            workspace_id=workspace.pk,
            target=workspace,
            data={"changed": changed},
            request=request,
        )
    return workspace


@transaction.atomic
def agency_branding_update(
    *,
    agency: Agency,
    actor,
    data: dict,
    logo=None,
    favicon=None,
    remove_logo: bool = False,
    remove_favicon: bool = False,
    request=None,
) -> Agency:
    """Change an agency's brand (its dashboard host, its mail). Same rules as a
    workspace's, with no white-label gate: an agency's host is always white label."""
    with _public_plane():
        agency = Agency.objects.select_for_update().get(pk=agency.pk)
        all_hosts = list(AgencyHost.objects.filter(agency=agency).values_list("host", flat=True))
        changed = _brand_save(
            agency,
            data=data,
            uploads={"logo": logo, "favicon": favicon},
            remove=_removals(remove_logo=remove_logo, remove_favicon=remove_favicon),
            sender_domains=list(
                AgencyHost.objects.filter(agency=agency, is_verified=True).values_list(
                    "host", flat=True
                )
            ),
            white_label=True,
        )
        # The agency rides in the routing cache of its hosts: drop those entries now and
        # after commit (a request may have cached the old row meanwhile).
        forget_hosts(all_hosts)
        transaction.on_commit(lambda: forget_hosts(all_hosts))
        audit_record(
            action="agency.branding_updated",
            actor=actor,
            target=agency,
            data={"changed": changed, "agency_id": str(agency.pk)},
            request=request,
        )
    return agency
