"""The team dashboard: scans done inside their window (last 90 days), overdue by kind and nurse."""

import datetime as dt

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(make_patient, teams, charlie, now):
    """Three operated patients of team A (MRI on time, MRI late, no MRI) and one of team B (no MRI)."""
    from bmtrack.patients import services

    def operated(days_ago, mri_after_hours=None, **fields):
        patient = make_patient(**fields)
        end = now - dt.timedelta(days=days_ago)
        services.record_treatment(patient, kind="surgery", start=end - dt.timedelta(hours=3), end=end, now=now)
        if mri_after_hours is not None:
            services.record_scan(patient, at=end + dt.timedelta(hours=mri_after_hours), modality="mri",
                                 purpose="post_operative", now=now)
        return patient

    return {
        "on_time": operated(20, 24),
        "late": operated(20, 24 * 5),
        "missed": operated(10),
        "other_team": operated(10, care_team=teams[1], responsible_nurse=charlie),
    }


def test_the_figures_count_windows_closed_in_the_last_90_days(alice, history, now):
    from bmtrack.core.clock import local_date
    from bmtrack.web.queries.dashboard import build_dashboard

    board = build_dashboard(alice, now)
    assert (board.fulfilment.on_time, board.fulfilment.late, board.fulfilment.missed) == (1, 1, 1)
    assert board.fulfilment.pct == 33.3
    assert board.overdue_total == 1
    assert [(c.label, c.count) for c in board.overdue_by_kind] == [("Post-operative MRI", 1)]
    assert [(c.label, c.count) for c in board.overdue_by_nurse] == [("Alice", 1)]
    item = history["missed"].due_items.get(kind="postop_mri")
    assert board.median_days_overdue == (local_date(now) - item.due_by).days
    assert sum(week.total for week in board.weeks) == 3


def test_the_page_shows_the_figures_and_a_small_chart(client_for, alice, history):
    html = client_for(alice).get("/dashboard/").content.decode()
    assert "33.3 %" in html and "1 of 3 items whose window closed" in html
    assert "Overdue by kind" in html and "Overdue by nurse" in html and "Median days overdue" in html
    assert '<svg class="weekbars"' in html and '<svg class="hbars"' in html
    assert history["other_team"].family_name not in html


def test_a_team_can_be_picked_among_ones_own(client_for, bob, teams, history):
    teams[1].members.add(bob)
    client = client_for(bob)
    both = client.get("/dashboard/").content.decode()
    team_b = client.get("/dashboard/", {"team": teams[1].pk}).content.decode()
    assert "1 of 4 items whose window closed" in both
    assert '<p class="kpi-value kpi-bad">2</p>' in both  # one overdue in each team
    assert "0 of 1 item whose window closed" in team_b
    assert '<p class="kpi-value kpi-bad">1</p>' in team_b


def test_a_team_one_is_not_on_is_ignored(client_for, alice, teams, history):
    html = client_for(alice).get("/dashboard/", {"team": teams[1].pk}).content.decode()
    assert "All my teams" in html and "33.3 %" in html


def test_a_week_with_only_a_missed_scan_is_drawn_red_with_its_count(client_for, alice, history, now):
    from bmtrack.web.queries.dashboard import build_dashboard

    board = build_dashboard(alice, now)
    counted = [week for week in board.weeks if week.total]
    assert sorted((w.on_time, w.late, w.missed) for w in counted) in (
        [(0, 0, 1), (1, 1, 0)],  # the two operated 20 days ago share a week
        [(0, 0, 1), (0, 1, 0), (1, 0, 0)],
    )
    html = client_for(alice).get("/dashboard/").content.decode()
    assert 'class="wk-bad"' in html and 'class="wk-empty"' in html
    assert "0 of 1 on time (0 %), 0 late, 1 missed" in html
    assert "no scans due" in html
