"""/search/ looks through this workspace's live pages only."""

from django_tenants.utils import tenant_context

from cms.models import ContentPage
from cms.selectors import SEARCH_RESULTS_PER_PAGE
from tests.cms.factories import page_add
from tests.helpers import host_of


def _search(client, workspace, query, page=None):
    params = {"q": query} | ({"page": page} if page else {})
    return client.get("/search/", params, HTTP_HOST=host_of(workspace))


def test_search_finds_this_workspaces_page_and_not_anothers(client, alpha, beta):
    with tenant_context(alpha):
        page_add(ContentPage(title="Alpha croissants", slug="croissants", intro="Buttery layers."))
    with tenant_context(beta):
        page_add(ContentPage(title="Beta croissants", slug="croissants"))

    alpha_html = _search(client, alpha, "croissants").content.decode()
    beta_html = _search(client, beta, "croissants").content.decode()

    assert "Alpha croissants" in alpha_html and "Buttery layers." in alpha_html
    assert "Beta croissants" not in alpha_html
    assert "Beta croissants" in beta_html and "Alpha croissants" not in beta_html


def test_drafts_are_not_found(client, alpha):
    with tenant_context(alpha):
        page_add(ContentPage(title="Secret muffins", slug="muffins"), publish=False)

    html = _search(client, alpha, "muffins").content.decode()

    assert "Secret muffins" not in html
    assert "No results for “muffins”" in html


def test_empty_query_shows_the_search_box_and_a_prompt(client, alpha):
    response = client.get("/search/", HTTP_HOST=host_of(alpha))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="search"' in html and 'name="q"' in html
    assert "Type a word or two" in html
    assert response.context["results"] is None


def test_results_are_paginated(client, alpha):
    with tenant_context(alpha):
        for number in range(SEARCH_RESULTS_PER_PAGE + 2):
            page_add(ContentPage(title=f"Bagel recipe {number}", slug=f"bagel-{number}"))

    first = _search(client, alpha, "bagel")
    second = _search(client, alpha, "bagel", page=2)

    assert len(first.context["results"]) == SEARCH_RESULTS_PER_PAGE
    assert len(second.context["results"]) == 2
    assert f"{SEARCH_RESULTS_PER_PAGE + 2} results" in first.content.decode()
    assert 'rel="next"' in first.content.decode()


def test_search_is_not_indexed_by_crawlers(client, alpha):
    assert '<meta name="robots" content="noindex">' in _search(client, alpha, "x").content.decode()
