"""The groups app's public URLs are a contract (bookmarks, e-mails, docs): pin them."""

from django.urls import URLPattern, reverse

from groups import urls
from pages import urls as page_urls

PATHS = {
    ("group_list", ()): "/groups/",
    ("group_create", ()): "/groups/new/",
    ("group_import", ()): "/groups/import/",
    ("group_detail", (1,)): "/groups/1/",  # composed in pages/ (decision 30)
    ("home", ()): "/",
    ("group_edit", (1,)): "/groups/1/edit/",
    ("organisation_list", ()): "/organisations/",
    ("organisation_detail", (1,)): "/organisations/1/",
    ("organisation_edit", (1,)): "/organisations/1/edit/",
    ("organisation_people", (1,)): "/organisations/1/people/",
    ("organisation_communities", (1,)): "/organisations/1/communities/",
    ("community_category_create", (1,)): "/organisations/1/communities/new/",
    ("community_category_edit", (1, "riffian")): "/organisations/1/communities/riffian/edit/",
    ("venue_create", (1,)): "/organisations/1/venues/new/",
    ("venue_edit", (1,)): "/venues/1/edit/",
    ("organisation_create", (1,)): "/programmes/1/organisations/new/",
    ("programme_create", ()): "/programmes/new/",
    ("organisation_import", (1,)): "/programmes/1/organisations/import/",
    ("programme_people", (1,)): "/programmes/1/people/",
    ("membership_revoke", (1,)): "/memberships/1/revoke/",
    ("membership_resend", (1,)): "/memberships/1/resend/",
    ("membership_reset_second_factor", (1,)): "/memberships/1/second-factor/reset/",
}


def test_public_paths():
    actual = {(name, args): reverse(name, args=args) for name, args in PATHS}
    assert actual == PATHS


def test_every_groups_url_is_pinned():
    patterns = [*urls.urlpatterns, *page_urls.urlpatterns]
    names = {p.name for p in patterns if isinstance(p, URLPattern)}
    assert names == {name for name, _args in PATHS}
