import pytest
from django_tenants.utils import tenant_context


@pytest.fixture
def in_alpha(alpha):
    """Run the test's own set-up and assertions inside workspace alpha's schema."""
    with tenant_context(alpha):
        yield alpha


@pytest.fixture
def fake_embeds(settings):
    settings.WAGTAILEMBEDS_FINDERS = [{"class": "tests.cms.factories.FakeVideoFinder"}]
