"""Reads of A/B tests: a site's tests, the running one's traffic plan for the public page
and the click redirect, and the results the dashboard shows.

Results are counted in the database from analytics events: a page view or click carries
the id of the variant the visitor was shown (`Event.variant`, see views). A test's unit
is a visitor: the trials of a variant are its distinct visitors, its successes those of
them who clicked the goal, so one person refreshing or clicking twice cannot move the
verdict. Visitors are the analytics' daily hashes, so a person who comes back on another
day counts again (a visitor-day); that is the finest identity analytics keeps.
"""

import hashlib
from dataclasses import dataclass, replace

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from tenant_apps.analytics.models import Event
from tenant_apps.bio_sites.ab_stats import two_proportion_test
from tenant_apps.bio_sites.models import BioComponent, BioExperiment, BioSite, BioVariant
from tenant_apps.bio_sites.selectors import PublicComponent, component_link_targets

# Below this many visitors in a variant (or its control) the normal approximation behind
# the z-test is too rough, and early p-values swing wildly: no verdict is given.
MIN_VISITORS_PER_VARIANT = 100
SIGNIFICANCE_LEVEL = 0.05


@dataclass(frozen=True)
class ExperimentPlan:
    """What the public page needs to assign a visitor: small enough to cache with the page."""

    experiment_id: str
    # (variant id, weight in percent, is control), in key order; weights sum to 100.
    variants: tuple[tuple[str, int, bool], ...]


def experiments_for_site(*, site: BioSite) -> QuerySet[BioExperiment]:
    """The site's tests, newest first, with their variants."""
    return (
        BioExperiment.objects.filter(site=site)
        .select_related("winner", "component", "goal_component")
        .prefetch_related("variants")
        .order_by("-created_at")
    )


def experiment_get_for_site(*, site: BioSite, experiment_id) -> BioExperiment:
    """The test `experiment_id` of `site`; 404 for any other id (another site's included)."""
    experiment = experiments_for_site(site=site).filter(pk=experiment_id).first()
    if experiment is None:
        raise Http404("No such A/B test.")
    return experiment


def experiment_running_for_site(*, site: BioSite) -> BioExperiment | None:
    return experiments_for_site(site=site).filter(status=BioExperiment.Status.RUNNING).first()


def experiment_plan_for_site(*, site: BioSite) -> ExperimentPlan | None:
    """The running test's plan, in one query; None when the site runs no test."""
    rows = list(
        BioVariant.objects.filter(
            experiment__site=site, experiment__status=BioExperiment.Status.RUNNING
        )
        .order_by("key")
        .values_list("experiment_id", "id", "weight", "is_control")
    )
    if not rows:
        return None
    return ExperimentPlan(
        experiment_id=str(rows[0][0]),
        variants=tuple((str(pk), weight, is_control) for _, pk, weight, is_control in rows),
    )


def variant_running_get(*, site: BioSite, variant_id: str) -> BioVariant | None:
    """A variant of the site's running test, or None once that test has ended."""
    return (
        BioVariant.objects.filter(
            pk=variant_id,
            experiment__site=site,
            experiment__status=BioExperiment.Status.RUNNING,
        )
        .select_related("experiment")
        .first()
    )


@dataclass(frozen=True)
class VariantResult:
    variant: BioVariant
    views: int
    visitors: int
    goal_clicks: int
    # Visitors who clicked the goal at least once: the test's successes.
    converted: int
    # Goal clicks per view, as the analytics pages count click-through.
    ctr: float | None
    # Converted visitors per visitor: the rate the test compares.
    conversion_rate: float | None
    # Relative to the control's conversion rate (0.1 = 10 % better); None for the control.
    lift: float | None
    z: float | None
    p_value: float | None
    enough_data: bool

    # Percentages for display; the fields above stay fractions.
    @property
    def ctr_percent(self) -> float | None:
        return None if self.ctr is None else self.ctr * 100

    @property
    def conversion_percent(self) -> float | None:
        return None if self.conversion_rate is None else self.conversion_rate * 100

    @property
    def lift_percent(self) -> float | None:
        return None if self.lift is None else self.lift * 100

    @property
    def significant(self) -> bool:
        return self.enough_data and self.p_value is not None and self.p_value < SIGNIFICANCE_LEVEL


@dataclass(frozen=True)
class ExperimentResults:
    experiment: BioExperiment
    variants: list[VariantResult]
    min_visitors: int

    @property
    def control(self) -> VariantResult:
        return next(v for v in self.variants if v.variant.is_control)

    @property
    def enough_data(self) -> bool:
        return all(v.enough_data for v in self.variants)

    @property
    def best(self) -> VariantResult | None:
        """The variant that beats the control significantly by the most, if any does."""
        winners = [v for v in self.variants if v.significant and (v.lift or 0) > 0]
        return max(winners, key=lambda v: v.conversion_rate or 0, default=None)


def _window(experiment: BioExperiment) -> Q:
    window = Q()
    if experiment.started_at is not None:
        window &= Q(occurred_at__gte=experiment.started_at)
    if experiment.ended_at is not None:
        window &= Q(occurred_at__lte=experiment.ended_at)
    return window


def _rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def experiment_results(*, experiment: BioExperiment) -> ExperimentResults:
    """Per variant: views, visitors, goal clicks, CTR, conversion and, against the control,
    lift and the two-proportion z-test. One aggregate query over the site's events."""
    variants = list(experiment.variants.all())
    goal = Q(kind=Event.CLICK)
    if experiment.goal_component_id is not None:
        goal &= Q(metadata__target=str(experiment.goal_component_id))
    view = Q(kind=Event.PAGE_VIEW)
    counts = {
        row["variant"]: row
        for row in Event.objects.filter(
            _window(experiment),
            subject_type="bio_site",
            subject_id=str(experiment.site_id),
            kind__in=(Event.PAGE_VIEW, Event.CLICK),
            variant__in=[str(v.pk) for v in variants],
        )
        .values("variant")
        .annotate(
            views=Count("id", filter=view),
            visitors=Count("visitor_hash", filter=view, distinct=True),
            goal_clicks=Count("id", filter=goal),
            converted=Count("visitor_hash", filter=goal, distinct=True),
        )
    }
    empty = {"views": 0, "visitors": 0, "goal_clicks": 0, "converted": 0}

    def _counts(variant: BioVariant) -> dict:
        row = counts.get(str(variant.pk), empty)
        # A visitor whose view was not recorded (a refused or cleared cookie between
        # view and click) would be a success without a trial: never count more
        # successes than trials, or the test's arithmetic breaks.
        converted = min(row["converted"], row["visitors"])
        return {**row, "converted": converted}

    control = next(v for v in variants if v.is_control)
    control_counts = _counts(control)
    control_rate = _rate(control_counts["converted"], control_counts["visitors"])
    control_enough = control_counts["visitors"] >= MIN_VISITORS_PER_VARIANT
    results = []
    for variant in variants:
        row = _counts(variant)
        rate = _rate(row["converted"], row["visitors"])
        z = p_value = lift = None
        if not variant.is_control:
            test = two_proportion_test(
                row["converted"],
                row["visitors"],
                control_counts["converted"],
                control_counts["visitors"],
            )
            if test is not None:
                z, p_value = test
            if rate is not None and control_rate:
                lift = (rate - control_rate) / control_rate
        results.append(
            VariantResult(
                variant=variant,
                views=row["views"],
                visitors=row["visitors"],
                goal_clicks=row["goal_clicks"],
                converted=row["converted"],
                ctr=_rate(row["goal_clicks"], row["views"]),
                conversion_rate=rate,
                lift=lift,
                z=z,
                p_value=p_value,
                enough_data=row["visitors"] >= MIN_VISITORS_PER_VARIANT and control_enough,
            )
        )
    return ExperimentResults(
        experiment=experiment, variants=results, min_visitors=MIN_VISITORS_PER_VARIANT
    )


def variant_public_components(
    *, components: list[PublicComponent], variant: BioVariant
) -> list[PublicComponent]:
    """The page's visible components as `variant` shows them: its hidden ones left out,
    its overridden ones with the override laid over their live data (so an edit made in
    the editor during the test still reaches the fields the variant does not change)."""
    hidden = set(variant.hidden_component_ids)
    shown = []
    for component in components:
        if component.id in hidden:
            continue
        override = variant.component_overrides.get(component.id)
        if override:
            # Overrides were validated against the component's type, so a link stays a
            # link: only what it shows changes, never whether it is clickable.
            component = replace(component, data={**component.data, **override})
        shown.append(component)
    return shown


def variant_link_target(
    *, site: BioSite, variant_id: str, component: BioComponent, item: int | None
) -> str | None:
    """Where a click on `component` (its item `item`) goes for a visitor shown
    `variant_id`, when that variant changes the component; None to use the page's own
    address. The override was validated against the component's type when the test was
    made, so the address is as safe as a stored one."""
    variant = variant_running_get(site=site, variant_id=variant_id)
    override = variant.component_overrides.get(str(component.pk)) if variant else None
    if not override:
        return None
    targets = component_link_targets(type_key=component.type, data={**component.data, **override})
    index = item or 0
    return targets[index] if index < len(targets) else None


def plan_variant_for_visitor(*, plan: ExperimentPlan, visitor_id: str) -> tuple[str, bool]:
    """(variant id, is control) for a visitor: a stable hash of the visitor and the test
    picks a bucket of 0 to 99 against the cumulative weights, so the same visitor always
    sees the same variant of a test, and different tests split visitors independently."""
    digest = hashlib.sha256(f"{plan.experiment_id}:{visitor_id}".encode()).digest()
    bucket = int.from_bytes(digest[:8], "big") % 100
    cumulative = 0
    for variant_id, weight, is_control in plan.variants:
        cumulative += weight
        if bucket < cumulative:
            return variant_id, is_control
    variant_id, _weight, is_control = plan.variants[-1]
    return variant_id, is_control
