"""Tests under tests/tenant_apps/ run inside workspace alpha's schema."""

import pytest
from django_tenants.utils import tenant_context


@pytest.fixture(autouse=True)
def _in_alpha(alpha):
    with tenant_context(alpha):
        yield
