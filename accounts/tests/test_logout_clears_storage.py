"""Issue 13, finding 12: logging out empties what the browser kept (the fiche editor's local copy), shared PCs."""

from django.urls import reverse


def test_logout_tells_the_browser_to_clear_the_sites_storage_and_cache(cast, login):
    client = login(cast.student)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code in (200, 302)
    assert '"storage"' in response["Clear-Site-Data"] and '"cache"' in response["Clear-Site-Data"]
    assert "_auth_user_id" not in client.session
