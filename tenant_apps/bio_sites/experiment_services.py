"""Writes of A/B tests: start one, end it (keeping a winner), delete an ended one.

A variant is stored as overrides of the live page: a theme, the fields of some
components' data it changes (validated against each component's type), and components
it hides. The first variant is the control and shows the page as it is. Keeping a
winner applies its overrides through the editor's own services, so the change is
validated, cached and undoable like any edit.

Field errors are keyed for both the dashboard form and the API: `name`, `scope`,
`component`, `goal_component`, `variants` (count, weights) and
`variants.<index>.<field>`, with `variants.<index>.component_overrides.<component id>.<path>`
for a component's data.
"""

import uuid

from django.db import transaction
from django.utils import timezone

from tenant_apps.bio_sites.components import component_data_validate
from tenant_apps.bio_sites.errors import (
    ComponentDataInvalidError,
    ComponentTypeUnknownError,
    ExperimentAlreadyRunningError,
    ExperimentInvalidError,
    ExperimentNotRunningError,
)
from tenant_apps.bio_sites.models import BioComponent, BioExperiment, BioSite, BioVariant
from tenant_apps.bio_sites.page_cache import page_cache_invalidate
from tenant_apps.bio_sites.selectors import CLICKABLE_TYPES, ITEM_LINK_TYPES
from tenant_apps.bio_sites.services import bio_component_update, bio_site_settings_update
from tenant_apps.bio_sites.themes import THEMES

MIN_VARIANTS = 2
MAX_VARIANTS = 4
VARIANT_KEYS = "ABCD"


def _component_id(value) -> str | None:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        return None


class _Errors(dict):
    def add(self, field: str, message: str) -> None:
        self.setdefault(field, []).append(message)


def _overrides_clean(
    *,
    raw,
    prefix: str,
    components: dict[str, BioComponent],
    allowed: set[str],
    errors: _Errors,
) -> dict[str, dict]:
    """{component id: the fields it changes}, each checked by laying it over the
    component's current data and validating the result as that component's type."""
    if raw in (None, ""):
        return {}
    if not isinstance(raw, dict):
        errors.add(prefix, "Give an object of {component id: settings}.")
        return {}
    cleaned: dict[str, dict] = {}
    for key, data in raw.items():
        component_id = _component_id(key)
        if component_id not in components:
            errors.add(prefix, f"“{key}” is not a component of this page.")
            continue
        if component_id not in allowed:
            errors.add(prefix, "A one-component test can only change its own component.")
            continue
        if not isinstance(data, dict) or not data:
            errors.add(f"{prefix}.{component_id}", "Give the settings to change as an object.")
            continue
        component = components[component_id]
        try:
            full = component_data_validate(type_key=component.type, data={**component.data, **data})
        except (ComponentDataInvalidError, ComponentTypeUnknownError) as error:
            for path, messages in error.fields.items():
                field = (
                    f"{prefix}.{component_id}"
                    if path == "__all__"
                    else f"{prefix}.{component_id}.{path}"
                )
                for message in messages:
                    errors.add(field, message)
            continue
        unknown = sorted(set(data) - set(full))
        if unknown:
            errors.add(
                f"{prefix}.{component_id}",
                f"A {component.type.replace('_', ' ')} has no setting named {', '.join(unknown)}.",
            )
            continue
        # Only the fields the variant changes, in their cleaned form: the rest follow the
        # live component (see experiment_selectors.variant_public_components).
        cleaned[component_id] = {field: full[field] for field in data}
    return cleaned


def _hidden_clean(
    *, raw, prefix: str, components: dict[str, BioComponent], allowed: set[str], errors: _Errors
) -> list[str]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list | tuple):
        errors.add(prefix, "Give a list of component ids.")
        return []
    hidden: list[str] = []
    for value in raw:
        component_id = _component_id(value)
        if component_id not in components:
            errors.add(prefix, f"“{value}” is not a component of this page.")
        elif component_id not in allowed:
            errors.add(prefix, "A one-component test can only hide its own component.")
        elif component_id not in hidden:
            hidden.append(component_id)
    return hidden


def _weight_clean(value, *, prefix: str, errors: _Errors) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | str):
        errors.add(f"{prefix}.weight", "Give a whole percentage from 1 to 100.")
        return None
    try:
        weight = int(value)
    except ValueError:
        weight = 0
    if not 1 <= weight <= 100:
        errors.add(f"{prefix}.weight", "Give a whole percentage from 1 to 100.")
        return None
    return weight


def _variants_clean(
    *,
    variants,
    scope: str,
    component: BioComponent | None,
    components: dict[str, BioComponent],
    errors: _Errors,
) -> list[dict]:
    if not isinstance(variants, list | tuple) or not MIN_VARIANTS <= len(variants) <= MAX_VARIANTS:
        errors.add("variants", f"A test has {MIN_VARIANTS} to {MAX_VARIANTS} variants.")
        return []
    allowed = set(components) if scope == BioExperiment.Scope.SITE else {str(component.pk)}
    cleaned: list[dict] = []
    weights: list[int] = []
    for index, raw in enumerate(variants):
        prefix = f"variants.{index}"
        if not isinstance(raw, dict):
            errors.add(prefix, "Give each variant as an object.")
            continue
        name = str(raw.get("name") or "").strip()
        if not name or len(name) > 80:
            errors.add(f"{prefix}.name", "Enter a name of 1 to 80 characters.")
        weight = _weight_clean(raw.get("weight"), prefix=prefix, errors=errors)
        if weight is not None:
            weights.append(weight)
        theme = str(raw.get("theme") or "")
        overrides = _overrides_clean(
            raw=raw.get("component_overrides"),
            prefix=f"{prefix}.component_overrides",
            components=components,
            allowed=allowed,
            errors=errors,
        )
        hidden = _hidden_clean(
            raw=raw.get("hidden_component_ids"),
            prefix=f"{prefix}.hidden_component_ids",
            components=components,
            allowed=allowed,
            errors=errors,
        )
        if index == 0:
            # The control is the page as it is: it is what every variant is compared with.
            for field, value in (
                ("theme", theme),
                ("component_overrides", overrides),
                ("hidden_component_ids", hidden),
            ):
                if value:
                    errors.add(f"{prefix}.{field}", "The control shows the page unchanged.")
        elif theme:
            if scope == BioExperiment.Scope.COMPONENT:
                errors.add(f"{prefix}.theme", "A one-component test cannot change the theme.")
            elif theme not in THEMES:
                errors.add(f"{prefix}.theme", "Choose one of the listed themes.")
        cleaned.append(
            {
                "key": VARIANT_KEYS[index],
                "name": name,
                "is_control": index == 0,
                "weight": weight,
                "theme": theme,
                "component_overrides": overrides,
                "hidden_component_ids": hidden,
            }
        )
    if len(weights) == len(variants) and sum(weights) != 100:
        errors.add(
            "variants",
            f"The traffic shares must add up to 100 % (they add up to {sum(weights)} %).",
        )
    return cleaned


@transaction.atomic
def experiment_create(
    *,
    site: BioSite,
    name: str,
    scope: str,
    variants: list[dict],
    actor,
    component: BioComponent | None = None,
    goal_component: BioComponent | None = None,
) -> BioExperiment:
    """Starts a test on `site` at once. `variants` are dicts of name, weight (percent),
    theme, component_overrides ({component id: fields to change}) and
    hidden_component_ids; the first is the control and changes nothing."""
    # The lock serialises two editors starting a test on the same page, so the second
    # gets the clear 409 below rather than the one-running constraint's IntegrityError.
    site = BioSite.objects.select_for_update().get(pk=site.pk)
    if BioExperiment.objects.filter(site=site, status=BioExperiment.Status.RUNNING).exists():
        raise ExperimentAlreadyRunningError()

    errors = _Errors()
    name = (name or "").strip()
    if not name or len(name) > 120:
        errors.add("name", "Enter a name of 1 to 120 characters.")
    components = {str(c.pk): c for c in site.components.all()}
    scope_errors = len(errors)
    if scope not in BioExperiment.Scope.values:
        errors.add("scope", "Test either the whole page or one component.")
    elif scope == BioExperiment.Scope.COMPONENT:
        if component is None:
            errors.add("component", "Choose the component to test.")
        elif str(component.pk) not in components:
            errors.add("component", "Choose a component of this page.")
    elif component is not None:
        errors.add("component", "A whole-page test does not name one component.")
    scope_ok = len(errors) == scope_errors
    if goal_component is not None:
        goal = components.get(str(goal_component.pk))
        if goal is None:
            errors.add("goal_component", "Choose a link of this page as the goal.")
        elif not (
            goal.type in ITEM_LINK_TYPES or (goal.type in CLICKABLE_TYPES and goal.data.get("url"))
        ):
            errors.add("goal_component", "The goal must be a link visitors can click.")
    cleaned: list[dict] = []
    # Variants are checked against the scope, so only once the scope itself is sound.
    if scope_ok:
        cleaned = _variants_clean(
            variants=variants,
            scope=scope,
            component=component,
            components=components,
            errors=errors,
        )
    if errors:
        raise ExperimentInvalidError(fields=dict(errors))

    experiment = BioExperiment.objects.create(
        site=site,
        name=name,
        scope=scope,
        component=component if scope == BioExperiment.Scope.COMPONENT else None,
        goal_component=goal_component,
        status=BioExperiment.Status.RUNNING,
        started_at=timezone.now(),
    )
    BioVariant.objects.bulk_create(BioVariant(experiment=experiment, **v) for v in cleaned)
    page_cache_invalidate(slug=site.slug)
    return experiment


@transaction.atomic
def experiment_end(
    *, experiment: BioExperiment, actor, keep_variant: BioVariant | None = None
) -> BioExperiment:
    """Ends a running test. Keeping a variant other than the control makes it the live
    page: its theme, component changes and hidden components are applied through the
    editor's services. Keeping the control (or none) leaves the page as it is."""
    experiment = BioExperiment.objects.select_for_update().get(pk=experiment.pk)
    if experiment.status != BioExperiment.Status.RUNNING:
        raise ExperimentNotRunningError()
    if keep_variant is not None and keep_variant.experiment_id != experiment.pk:
        raise ExperimentInvalidError(fields={"keep_variant": ["Choose a variant of this test."]})

    site = experiment.site
    if keep_variant is not None and not keep_variant.is_control:
        if keep_variant.theme:
            bio_site_settings_update(site=site, theme=keep_variant.theme, actor=actor)
        live = {str(c.pk): c for c in site.components.all()}
        for component_id, fields in keep_variant.component_overrides.items():
            # A component deleted during the test has nothing left to change.
            if component_id in live:
                component = live[component_id]
                bio_component_update(
                    component=component, data={**component.data, **fields}, actor=actor
                )
        for component_id in keep_variant.hidden_component_ids:
            if component_id in live:
                bio_component_update(component=live[component_id], is_visible=False, actor=actor)

    experiment.status = BioExperiment.Status.ENDED
    experiment.ended_at = timezone.now()
    experiment.winner = keep_variant
    experiment.save(update_fields=["status", "ended_at", "winner"])
    page_cache_invalidate(slug=site.slug)
    return experiment


@transaction.atomic
def experiment_delete(*, experiment: BioExperiment, actor) -> None:
    """Deletes an ended test and its variants; its events stay in analytics."""
    experiment = BioExperiment.objects.select_for_update().get(pk=experiment.pk)
    if experiment.status == BioExperiment.Status.RUNNING:
        raise ExperimentAlreadyRunningError("End this A/B test before deleting it.")
    experiment.delete()
