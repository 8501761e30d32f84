"""The demo data shows at least one of each state issue 14 added, read back as every reader sees
it: a radiation-necrosis unconfirmed PD, a new lesion awaiting the reader's call, a post-operative
MRI done late, and both GPA moments."""

from __future__ import annotations

import pytest

from bmtrack.patients.models import GPAAssessment, ResponseAssessment
from bmtrack.surveillance.models import DueItem

pytestmark = pytest.mark.django_db



def test_a_radiation_necrosis_unconfirmed_pd(demo):
    row = ResponseAssessment.objects.filter(flags__icontains="possible_radiation_necrosis").get()
    assert row.category == "unconfirmed PD" and row.confirmation_due is not None and row.pd_date is None


def test_a_new_lesion_awaiting_the_readers_call(demo):
    row = ResponseAssessment.objects.filter(flags__icontains="new_lesion_call_needed").get()
    assert row.scan.new_lesions == "" and "equivocal_new_lesion" in row.flags and row.category != "PD"


def test_a_post_operative_mri_done_late(demo):
    item = DueItem.objects.filter(kind="postop_mri", state="done", late=True).get()
    assert (item.fulfilled_by.at - item.due_by_at).total_seconds() == 20 * 3600  # 92 h after: 20 h late


def test_both_gpa_moments_and_no_developer_message(demo):
    current = GPAAssessment.objects.filter(current=True)
    assert current.filter(moment="diagnosis", status="scored").exists()
    assert current.filter(moment="current", status="scored").exists()
    assert not current.filter(message__icontains="required by").exists()
    assert not current.exclude(status="scored").filter(message="").exists()
