"""Roles at work: the account menu links two-step sign-in (and the admin for those who work in it), the
data manager reaches the admin once enrolled, the admin is branded and sorted, nurse lists hold nurses."""

from __future__ import annotations

import re

import pytest
from django.test import RequestFactory

from tests.conftest import verified_client

pytestmark = pytest.mark.django_db


def test_the_account_menu_links_two_step_sign_in_for_everyone_and_the_admin_for_its_roles(client, alice, dana):
    client.force_login(alice)
    nurse_page = client.get("/").content.decode()
    assert 'href="/accounts/two-factor/"' in nurse_page and ">Two-step sign-in<" in nurse_page
    assert 'href="/admin/"' not in nurse_page
    client.force_login(dana)
    manager_page = client.get("/").content.decode()
    assert 'href="/accounts/two-factor/"' in manager_page and ">Administration<" in manager_page


def test_a_data_manager_is_sent_to_enrol_and_then_reaches_the_admin(client, dana):
    client.force_login(dana)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/two-factor/?next=%2Fadmin%2F"
    html = response.content.decode()
    assert 'name="next" value="/admin/"' in html
    verified_client(client, dana)
    page = client.get("/admin/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "bmtrack administration" in html
    assert "/admin/patients/patient/" in html  # her role's models
    assert "/admin/accounts/user/" not in html  # not the administrator's


def test_enrolment_returns_to_a_same_site_page_only(client, dana):
    client.force_login(dana)
    html = client.get("/accounts/two-factor/", {"next": "https://evil.example/"}).content.decode()
    assert 'name="next" value="/"' in html


def test_a_nurse_never_enters_the_admin(client, alice):
    verified_client(client, alice)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_admin_lists_the_apps_in_working_order(dana):
    from django.contrib import admin

    from bmtrack.accounts.models import User

    root = User.objects.create_superuser("root", "root@example.org", "x" * 16)
    request = RequestFactory().get("/admin/")
    request.user = root
    labels = [app["app_label"] for app in admin.site.get_app_list(request)]
    ours = [label for label in labels if label in ("patients", "surveillance", "boards", "pacs", "accounts", "core")]
    assert ours == ["patients", "surveillance", "boards", "pacs", "accounts", "core"]
    assert labels[: len(ours)] == ours  # Django's and the libraries' apps come after
    assert admin.site.site_header == "bmtrack administration" == admin.site.site_title
    for app in admin.site.get_app_list(request):
        names = [model["name"].lower() for model in app["models"]]
        assert names == sorted(names)


def test_nurse_pick_lists_hold_only_nurses(client, alice, bob, dora, dana, teams):
    from bmtrack.web.queries.scope import nurses_for

    assert list(nurses_for(bob)) == [alice]
    client.force_login(bob)
    form_page = client.get("/patients/new/").content.decode()
    select = re.search(r'<select[^>]*name="responsible_nurse".*?</select>', form_page, re.S).group(0)
    assert f'value="{alice.pk}"' in select
    for other in (bob, dora, dana):
        assert f'value="{other.pk}"' not in select
    worklist = client.get("/").content.decode()
    nurse_filter = re.search(r'<select[^>]*name="nurse".*?</select>', worklist, re.S).group(0)
    assert f'value="{alice.pk}"' in nurse_filter and f'value="{bob.pk}"' not in nurse_filter


def test_the_admin_offers_only_nurses_as_a_patients_responsible_nurse(client, alice, bob, dana):
    verified_client(client, dana)
    form = client.get("/admin/patients/patient/add/")
    assert form.status_code == 200
    choices = form.context["adminform"].form.fields["responsible_nurse"].queryset
    assert list(choices) == [alice]
    html = form.content.decode()
    select = re.search(r'<select[^>]*name="responsible_nurse".*?</select>', html, re.S).group(0)
    assert f'value="{alice.pk}"' in select and f'value="{bob.pk}"' not in select
    assert f'value="{dana.pk}"' not in select
