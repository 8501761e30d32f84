"""Tumour boards, read-only: boards, meetings and the cases discussed (cases only of visible patients)."""

from __future__ import annotations

from rest_framework import serializers

from bmtrack.api.fields import ModelSerializer, PatientRefField, UsernameReadField
from bmtrack.api.serializers.derived import ObjectField
from bmtrack.boards.models import Board, BoardCase, Decision, Meeting


class BoardSerializer(ModelSerializer):
    class Meta:
        model = Board
        fields = ["id", "name", "care_teams", "is_active"]
        read_only_fields = fields


class MeetingSerializer(ModelSerializer):
    class Meta:
        model = Meeting
        fields = ["id", "board", "date", "starts_at", "location", "created_at"]
        read_only_fields = fields


class BoardCaseSerializer(ModelSerializer):
    patient = PatientRefField(read_only=True)
    presenter = UsernameReadField()
    decided_by = UsernameReadField()
    # Blank until the board decides (a read-only model field would lose allow_blank, and the schema the "").
    decision = serializers.ChoiceField(choices=Decision.choices, allow_blank=True, read_only=True)
    reasons = serializers.ListField(child=ObjectField(), read_only=True,
                                    help_text="The accepted suggestions that put the case on the agenda.")

    class Meta:
        model = BoardCase
        fields = ["id", "meeting", "patient", "order", "question", "presenter", "reasons", "decision",
                  "decision_note", "decided_at", "decided_by", "planned_treatment", "followup_item", "created_at"]
        read_only_fields = fields
