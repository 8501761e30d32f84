"""Sign-in: the worklist is the home page, behind a session login."""

import pytest

pytestmark = pytest.mark.django_db


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_the_sign_in_page_labels_every_input(client):
    html = client.get("/accounts/login/").content.decode()
    assert '<label for="id_username">' in html and '<label for="id_password">' in html
    assert 'autocomplete="current-password"' in html


def test_signing_in_lands_on_the_worklist(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": "correct horse battery staple"})
    assert response.status_code == 302 and response["Location"] == "/"
    page = client.get("/")
    assert page.status_code == 200
    assert b"<h1>Worklist</h1>" in page.content


def test_a_wrong_password_says_so_next_to_the_form(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert b'role="alert"' in response.content
    assert b'aria-invalid="true"' in response.content


def test_pages_load_assets_from_static_only(client_for, alice):
    html = client_for(alice).get("/").content.decode()
    assert "/static/js/htmx.min.js" in html and "/static/css/bmtrack.css" in html
    assert 'src="http' not in html and 'href="http' not in html
    assert "<style" not in html and " style=" not in html
    assert "<script>" not in html and "onclick" not in html
