from datetime import datetime
from uuid import UUID

from ninja import Schema

from tenants.branding import branding_with_defaults
from tenants.selectors import absolute_url, workspace_primary_host


class BrandingOut(Schema):
    primary_color: str
    accent_color: str
    background_color: str
    text_color: str
    font_family: str
    radius: str
    tagline: str


class WorkspaceOut(Schema):
    id: UUID
    name: str
    slug: str
    description: str
    status: str
    plan_code: str
    primary_host: str
    url: str
    branding: BrandingOut
    created_at: datetime

    @staticmethod
    def resolve_primary_host(obj) -> str:
        return workspace_primary_host(workspace=obj)

    @staticmethod
    def resolve_url(obj) -> str:
        return absolute_url(host=workspace_primary_host(workspace=obj))

    @staticmethod
    def resolve_branding(obj) -> dict:
        return branding_with_defaults(obj.branding)


class MembershipOut(Schema):
    role: str
    joined_at: datetime | None
    workspace: WorkspaceOut
