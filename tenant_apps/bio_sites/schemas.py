"""The bio sites' shapes in the workspace API. Component `data` is free-form JSON here:
its real schema is the component type's, checked by the services (and published per
type at GET /bio/component-types)."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from ninja import Field, Schema


class BioSiteOut(Schema):
    id: UUID
    name: str
    slug: str
    theme: str
    seo_title: str
    seo_description: str
    og_image_url: str | None
    custom_css: str
    is_published: bool
    published_at: datetime | None
    serves_root: bool
    public_path: str
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_og_image_url(obj) -> str | None:
        return obj.og_image.url if obj.og_image else None

    @staticmethod
    def resolve_public_path(obj) -> str:
        return f"/b/{obj.slug}/"


class BioSiteCreateIn(Schema):
    name: str = Field(max_length=120)
    slug: str = Field(max_length=60)


class BioSiteUpdateIn(Schema):
    """Only the fields sent are changed."""

    name: str | None = Field(default=None, max_length=120)
    seo_title: str | None = None
    seo_description: str | None = None
    custom_css: str | None = None
    theme: str | None = None
    serves_root: bool | None = None


class BioComponentOut(Schema):
    id: UUID
    type: str
    data: dict[str, Any]
    position: int
    is_visible: bool
    visible_from: datetime | None
    visible_until: datetime | None
    updated_at: datetime


class BioComponentCreateIn(Schema):
    type: str = Field(max_length=40)
    data: dict[str, Any]
    # Where to insert it (0 is the top); the end of the page when left out.
    position: int | None = Field(default=None, ge=0)


class BioComponentUpdateIn(Schema):
    """Only the fields sent are changed; send `visible_from`/`visible_until` as null to
    clear a schedule. Timestamps must carry a time zone."""

    data: dict[str, Any] | None = None
    is_visible: bool | None = None
    visible_from: datetime | None = None
    visible_until: datetime | None = None


class BioComponentMoveIn(Schema):
    position: int = Field(ge=0)


class ComponentTypeOut(Schema):
    key: str
    label: str
    icon: str
    category: str
    example: dict[str, Any]
    data_schema: dict[str, Any]


class RevisionOut(Schema):
    summary: str
    created_at: datetime


class VariantIn(Schema):
    name: str = Field(max_length=80)
    weight: int
    theme: str = ""
    # {component id: the fields of its data this variant changes}
    component_overrides: dict[str, dict[str, Any]] = Field(default_factory=dict)
    hidden_component_ids: list[str] = Field(default_factory=list)


class ExperimentCreateIn(Schema):
    name: str = Field(max_length=120)
    scope: str = "site"
    # Required for scope "component": the one component under test.
    component_id: UUID | None = None
    # A clickable component of the site; any link counts when left out.
    goal_component_id: UUID | None = None
    # 2 to 4 variants; the first is the control and changes nothing.
    variants: list[VariantIn]


class ExperimentEndIn(Schema):
    # The variant to keep live; the page stays as it is when left out.
    keep_variant_id: UUID | None = None


class VariantOut(Schema):
    id: UUID
    key: str
    name: str
    is_control: bool
    weight: int
    theme: str
    component_overrides: dict[str, Any]
    hidden_component_ids: list[str]


class ExperimentOut(Schema):
    id: UUID
    name: str
    scope: str
    component_id: UUID | None
    goal_component_id: UUID | None
    status: str
    started_at: datetime | None
    ended_at: datetime | None
    winner_id: UUID | None
    variants: list[VariantOut]

    @staticmethod
    def resolve_variants(obj) -> list:
        return list(obj.variants.all())


class VariantResultOut(Schema):
    variant_id: UUID
    key: str
    views: int
    visitors: int
    goal_clicks: int
    converted: int
    ctr: float | None
    conversion_rate: float | None
    lift: float | None
    z: float | None
    p_value: float | None
    enough_data: bool
    significant: bool


class ExperimentResultsOut(Schema):
    experiment: ExperimentOut
    min_visitors: int
    enough_data: bool
    best_variant_id: UUID | None
    variants: list[VariantResultOut]


class DailyPointOut(Schema):
    day: date
    views: int
    unique_visitors: int
    clicks: int


class HourlyPointOut(Schema):
    hour: datetime
    views: int
    unique_visitors: int
    clicks: int


class LinkStatsOut(Schema):
    component_id: str
    # The link's index inside a group (link group, social icons …); null for a link of its own.
    item: int | None
    label: str
    group: str
    type: str
    url: str
    clicks: int
    qr_clicks: int
    ctr: float
    deleted: bool


class BreakdownRowOut(Schema):
    # "" is "direct / unknown".
    value: str
    count: int


class BioSiteAnalyticsOut(Schema):
    site_id: str
    start: date
    end: date
    views: int
    # Distinct visitors per day summed over the days (the daily salt makes the same
    # person on two days unlinkable).
    unique_visitors: int
    clicks: int
    ctr: float
    daily: list[DailyPointOut]
    hourly: list[HourlyPointOut]
    links: list[LinkStatsOut]
    referrers: list[BreakdownRowOut]
    countries: list[BreakdownRowOut]
    devices: list[BreakdownRowOut]
    campaigns: list[BreakdownRowOut]
    sources: list[BreakdownRowOut]

    @staticmethod
    def _pairs(rows) -> list[dict]:
        return [{"value": value, "count": count} for value, count in rows]

    @staticmethod
    def resolve_referrers(obj) -> list[dict]:
        return BioSiteAnalyticsOut._pairs(obj.referrers)

    @staticmethod
    def resolve_countries(obj) -> list[dict]:
        return BioSiteAnalyticsOut._pairs(obj.countries)

    @staticmethod
    def resolve_devices(obj) -> list[dict]:
        return BioSiteAnalyticsOut._pairs(obj.devices)

    @staticmethod
    def resolve_campaigns(obj) -> list[dict]:
        return BioSiteAnalyticsOut._pairs(obj.campaigns)

    @staticmethod
    def resolve_sources(obj) -> list[dict]:
        return BioSiteAnalyticsOut._pairs(obj.sources)
