"""The corpus search page: open to every role, offering the publishers and tags to narrow by."""

import pytest

pytestmark = pytest.mark.django_db


def test_it_shows_the_form_with_the_publishers_and_tags(client, editor, make_article):
    make_article(publisher="NovaCell Clinic")
    client.force_login(editor)
    response = client.get("/search/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-url="/api/v1/search/"' in page
    assert "<option>NovaCell Clinic</option>" in page
    assert '<option value="price-claim">Price claim</option>' in page
    assert "claims/search.js" in page


def test_it_sends_the_anonymous_to_sign_in_and_refuses_users_without_a_role(client, outsider):
    assert client.get("/search/").status_code == 302
    client.force_login(outsider)
    assert client.get("/search/").status_code == 403
