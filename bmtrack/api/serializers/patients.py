"""Patients: the public id is the identifier; the integer key never leaves the database."""

from __future__ import annotations

from rest_framework import serializers

from bmtrack.accounts.access import colleagues_for, teams_for
from bmtrack.api.fields import BoundedDateField, ModelSerializer
from bmtrack.patients.models import Patient
from bmtrack.patients.models.choices import PatientStatus


class CareTeamField(serializers.PrimaryKeyRelatedField):
    """One of the user's own care teams (a superuser may choose any)."""

    def get_queryset(self):
        return teams_for(self.context["request"].user)


class NurseField(serializers.SlugRelatedField):
    """A colleague's username: anyone else's is "does not exist", as is a name no one has (no oracle)."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="username", **kwargs)

    def get_queryset(self):
        return colleagues_for(self.context["request"].user).filter(is_active=True)


def default_care_team(user):
    teams = list(teams_for(user)[:2])
    return teams[0] if len(teams) == 1 else None


class PatientSerializer(ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    care_team = CareTeamField(required=False, help_text="Id of one of your care teams (default: your only team).")
    responsible_nurse = NurseField(required=False, allow_null=True, help_text="Username of a member of the team.")
    status = serializers.ChoiceField(choices=PatientStatus.choices, required=False)
    deceased_on = BoundedDateField(required=False, allow_null=True)

    class Meta:
        model = Patient
        fields = ["id", "mrn", "given_name", "family_name", "birth_date", "sex", "care_team", "responsible_nurse",
                  "status", "deceased_on", "last_contact_on", "phones", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]

    def validate(self, attrs):
        instance = self.instance
        team = attrs.get("care_team", instance.care_team if instance else None)
        if team is None:
            team = default_care_team(self.context["request"].user)
            if team is None:
                raise serializers.ValidationError({"care_team": ["Choose the care team (you belong to several)."]})
            attrs["care_team"] = team
        nurse = attrs.get("responsible_nurse", instance.responsible_nurse if instance else None)
        if nurse is not None and not team.members.filter(pk=nurse.pk).exists():
            raise serializers.ValidationError({"responsible_nurse": ["The nurse must be a member of the care team."]})
        if "status" not in attrs and "deceased_on" not in attrs:
            return attrs
        status = attrs.get("status", instance.status if instance else PatientStatus.ACTIVE)
        if "deceased_on" in attrs:
            deceased_on = attrs["deceased_on"]
        elif status == PatientStatus.DECEASED and instance is not None:
            deceased_on = instance.deceased_on
        else:
            deceased_on = None
        attrs["status"], attrs["deceased_on"] = status, deceased_on
        if status == PatientStatus.DECEASED and deceased_on is None:
            raise serializers.ValidationError({"deceased_on": ["A deceased patient needs a date of death."]})
        if status != PatientStatus.DECEASED and deceased_on is not None:
            raise serializers.ValidationError({"deceased_on": ["Only a deceased patient has a date of death."]})
        return attrs


class PatientLookupSerializer(serializers.Serializer):
    """Find a patient by MRN without putting the MRN in a URL (URLs are logged)."""

    mrn = serializers.CharField(max_length=32)
