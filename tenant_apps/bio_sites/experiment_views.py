"""A bio site's A/B tests on the dashboard: the list, starting one, its results, ending it.

Viewers read; editors and up start, end and delete. The site comes from
`bio_site_get_for_actor` and a test from `experiment_get_for_site`, so another site's
(or workspace's) ids are a 404 here.
"""

import json

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from config.errors import ApplicationError
from config.forms import form_add_application_error
from shared_apps.billing.gate import feature_required
from tenant_apps.bio_sites import selectors
from tenant_apps.bio_sites.components import component_title, component_type_label
from tenant_apps.bio_sites.experiment_selectors import (
    experiment_get_for_site,
    experiment_results,
    experiments_for_site,
)
from tenant_apps.bio_sites.experiment_services import (
    MAX_VARIANTS,
    VARIANT_KEYS,
    experiment_create,
    experiment_delete,
    experiment_end,
)
from tenant_apps.bio_sites.models import BioComponent, BioExperiment
from tenant_apps.bio_sites.themes import THEMES
from tenants.roles import Permission, user_allows, workspace_permission_required

_ACTIVE_MODULE = "bio"


def _component_label(component: BioComponent) -> str:
    title = component_title(type_key=component.type, data=component.data)
    label = component_type_label(component.type)
    return f"{component.position + 1}. {label}" + (f": {title}" if title != label else "")


class ExperimentForm(forms.Form):
    # Lengths are checked by the service, which says why.
    name = forms.CharField(max_length=300, label="Name")
    scope = forms.ChoiceField(
        choices=BioExperiment.Scope.choices,
        initial=BioExperiment.Scope.SITE,
        widget=forms.RadioSelect,
        label="What to test",
    )
    component = forms.ChoiceField(
        required=False,
        label="Component",
        help_text="For a one-component test: the only component its variants may change.",
    )
    goal_component = forms.ChoiceField(
        required=False,
        label="Goal",
        help_text="A visitor converts by clicking this link (or any link).",
    )

    def __init__(self, *args, components: list[BioComponent], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["component"].choices = [("", "Choose a component")] + [
            (str(c.pk), _component_label(c)) for c in components
        ]
        self.fields["goal_component"].choices = [("", "A click on any link")] + [
            (str(c.pk), _component_label(c))
            for c in components
            if c.type in selectors.CLICKABLE_TYPES or c.type in selectors.ITEM_LINK_TYPES
        ]


class VariantForm(forms.Form):
    name = forms.CharField(max_length=300, required=False, label="Name")
    weight = forms.IntegerField(required=False, label="Traffic (%)")
    theme = forms.ChoiceField(required=False, label="Theme")
    hidden_component_ids = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Hide these components"
    )
    component_overrides = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false", "class": "mono"}),
        label="Change components (JSON)",
        help_text='{"component id": {"setting": "new value"}}, for example '
        '{"…": {"title": "Shop the sale"}}. Ids are listed below.',
    )

    def __init__(self, *args, components: list[BioComponent], required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        # A test needs two variants; a third and fourth are optional as a whole.
        self.fields["name"].required = self.fields["weight"].required = required
        self.fields["theme"].choices = [("", "The page's own theme")] + [
            (key, theme.label) for key, theme in THEMES.items()
        ]
        self.fields["hidden_component_ids"].choices = [
            (str(c.pk), _component_label(c)) for c in components
        ]

    def clean_component_overrides(self):
        raw = self.cleaned_data["component_overrides"].strip()
        if not raw:
            return {}
        try:
            value = json.loads(raw)
        except ValueError as error:
            raise forms.ValidationError(f"This is not valid JSON ({error.msg}).") from None
        if not isinstance(value, dict):
            raise forms.ValidationError("Give a JSON object: {component id: {setting: value}}.")
        return value

    def is_used(self) -> bool:
        data = self.cleaned_data
        return bool(
            data.get("name")
            or data.get("weight")
            or data.get("theme")
            or data.get("hidden_component_ids")
            or data.get("component_overrides")
        )

    def as_variant(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data.get("name") or "",
            "weight": data.get("weight"),
            "theme": data.get("theme") or "",
            "hidden_component_ids": data.get("hidden_component_ids") or [],
            "component_overrides": data.get("component_overrides") or {},
        }


def _variant_forms(components, data=None) -> list[VariantForm]:
    initial = [{"name": "Original", "weight": 50}, {"name": "Variant B", "weight": 50}]
    return [
        VariantForm(
            data,
            prefix=f"v{index}",
            components=components,
            required=index < 2,
            initial=initial[index] if index < len(initial) else None,
        )
        for index in range(MAX_VARIANTS)
    ]


def _error_place(
    *, error: ApplicationError, form: ExperimentForm, variant_forms: list[VariantForm]
) -> None:
    """Service field errors onto the form that asked: `variants.<i>.<field>[.<path>]`
    onto variant i's field (a component setting's path named in the message)."""
    main_fields: dict[str, list[str]] = {}
    for key, field_messages in error.fields.items():
        parts = key.split(".")
        if parts[0] == "variants" and len(parts) >= 2 and parts[1].isdigit():
            index = int(parts[1])
            variant_form = variant_forms[index] if index < len(variant_forms) else None
            field = parts[2] if len(parts) > 2 else None
            detail = ".".join(parts[4:]) if len(parts) > 4 else ""
            for message in field_messages:
                text = f"{detail}: {message}" if detail else message
                if variant_form is None:
                    form.add_error(None, text)
                else:
                    variant_form.add_error(field if field in variant_form.fields else None, text)
        else:
            main_fields[key] = field_messages
    if main_fields or not error.fields:
        form_add_application_error(
            form, ApplicationError(error.message, code=error.code, fields=main_fields)
        )


def _can_edit(request) -> bool:
    return user_allows(user=request.user, permission=Permission.CONTENT_EDIT)


@workspace_permission_required(Permission.CONTENT_VIEW)
@feature_required("bio_sites")
@require_safe
def experiment_list(request, site_id):
    site = selectors.bio_site_get_for_actor(actor=request.user, site_id=site_id)
    experiments = list(experiments_for_site(site=site))
    return render(
        request,
        "bio_sites/dashboard/experiments.html",
        {
            "active_module": _ACTIVE_MODULE,
            "site": site,
            "experiments": experiments,
            "running": next((e for e in experiments if e.status == "running"), None),
            "can_edit": _can_edit(request),
        },
    )


@workspace_permission_required(Permission.CONTENT_EDIT)
@feature_required("bio_sites")
@require_http_methods(["GET", "HEAD", "POST"])
def experiment_new(request, site_id):
    site = selectors.bio_site_get_for_actor(actor=request.user, site_id=site_id)
    components = list(site.components.order_by("position"))
    by_id = {str(c.pk): c for c in components}
    data = request.POST if request.method == "POST" else None
    form = ExperimentForm(data, components=components)
    variant_forms = _variant_forms(components, data)
    status = 200
    if request.method == "POST":
        status = 422
        valid = form.is_valid()
        valid = all([vf.is_valid() for vf in variant_forms]) and valid
        if valid:
            scope = form.cleaned_data["scope"]
            # The first two variants always count (a test needs two); later ones when filled.
            used = [vf for i, vf in enumerate(variant_forms) if i < 2 or vf.is_used()]
            try:
                experiment = experiment_create(
                    site=site,
                    name=form.cleaned_data["name"],
                    scope=scope,
                    component=(
                        by_id.get(form.cleaned_data["component"])
                        if scope == BioExperiment.Scope.COMPONENT
                        else None
                    ),
                    goal_component=by_id.get(form.cleaned_data["goal_component"]),
                    variants=[vf.as_variant() for vf in used],
                    actor=request.user,
                )
            except ApplicationError as error:
                # Errors name variants by their place among those sent.
                _error_place(error=error, form=form, variant_forms=used)
                status = error.status if error.status in (409, 422) else 422
            else:
                messages.success(request, f"“{experiment.name}” is running.")
                return redirect(
                    reverse(
                        "bio_dashboard:experiment_detail",
                        kwargs={"site_id": site.pk, "experiment_id": experiment.pk},
                    )
                )
    return render(
        request,
        "bio_sites/dashboard/experiments_new.html",
        {
            "active_module": _ACTIVE_MODULE,
            "site": site,
            "form": form,
            "variant_rows": list(zip(VARIANT_KEYS, variant_forms, strict=True)),
            "components": [(c, _component_label(c)) for c in components],
        },
        status=status,
    )


@workspace_permission_required(Permission.CONTENT_VIEW)
@feature_required("bio_sites")
@require_safe
def experiment_detail(request, site_id, experiment_id):
    site = selectors.bio_site_get_for_actor(actor=request.user, site_id=site_id)
    experiment = experiment_get_for_site(site=site, experiment_id=experiment_id)
    return render(
        request,
        "bio_sites/dashboard/experiments_detail.html",
        {
            "active_module": _ACTIVE_MODULE,
            "site": site,
            "experiment": experiment,
            "results": experiment_results(experiment=experiment),
            "can_edit": _can_edit(request),
        },
    )


@workspace_permission_required(Permission.CONTENT_EDIT)
@feature_required("bio_sites")
@require_http_methods(["GET", "HEAD", "POST"])
def experiment_end_view(request, site_id, experiment_id):
    site = selectors.bio_site_get_for_actor(actor=request.user, site_id=site_id)
    experiment = experiment_get_for_site(site=site, experiment_id=experiment_id)
    variants = {str(v.pk): v for v in experiment.variants.all()}
    error = None
    status = 200
    if request.method == "POST":
        keep = request.POST.get("keep_variant", "")
        try:
            if keep and keep not in variants:
                raise ApplicationError(
                    "Choose a variant of this test.", fields={"keep_variant": ["Choose a variant."]}
                )
            experiment_end(
                experiment=experiment, actor=request.user, keep_variant=variants.get(keep)
            )
        except ApplicationError as exc:
            error, status = exc, (exc.status if exc.status in (409, 422) else 422)
        else:
            kept = variants.get(keep)
            messages.success(
                request,
                f"The test has ended; the page now shows “{kept.name}”."
                if kept and not kept.is_control
                else "The test has ended; the page stays as it was.",
            )
            return redirect(
                reverse(
                    "bio_dashboard:experiment_detail",
                    kwargs={"site_id": site.pk, "experiment_id": experiment.pk},
                )
            )
    return render(
        request,
        "bio_sites/dashboard/experiments_end.html",
        {
            "active_module": _ACTIVE_MODULE,
            "site": site,
            "experiment": experiment,
            "results": experiment_results(experiment=experiment),
            "error": error,
        },
        status=status,
    )


@workspace_permission_required(Permission.CONTENT_EDIT)
@feature_required("bio_sites")
@require_POST
def experiment_delete_view(request, site_id, experiment_id):
    site = selectors.bio_site_get_for_actor(actor=request.user, site_id=site_id)
    experiment = experiment_get_for_site(site=site, experiment_id=experiment_id)
    try:
        experiment_delete(experiment=experiment, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect(
            reverse(
                "bio_dashboard:experiment_detail",
                kwargs={"site_id": site.pk, "experiment_id": experiment.pk},
            )
        )
    messages.success(request, f"“{experiment.name}” was deleted.")
    return redirect(reverse("bio_dashboard:experiment_list", kwargs={"site_id": site.pk}))
