"""Calculators: the clinical core over HTTP, with no stored patient.

The JSON body goes unchanged to the command of the clinical CLI contract (DESIGN.md), so the API,
the CLI and the web pages give the same answer and the same field-named error (a 400).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from bmtrack.api.serializers import calculators as shapes
from bmtrack.clinical.cli import run_command


class CalculatorView(APIView):
    permission_classes = [IsAuthenticated]


def calculator(command: str, request_shape, result_shape, summary: str):
    @extend_schema(request=request_shape, responses=result_shape, summary=summary, tags=["calculators"],
                   operation_id=f"calculators_{command}")
    def post(self, request):
        return Response(run_command(command, request.data))

    view = type(f"{command.title()}CalculatorView", (CalculatorView,), {"post": post, "__doc__": summary})
    return view.as_view()


gpa = calculator("gpa", shapes.GpaRequestSerializer, shapes.GpaResultSerializer,
                 "Graded Prognostic Assessment (docs/clinical/gpa.md)")
rano = calculator("rano", shapes.RanoRequestSerializer, shapes.RanoResultSerializer,
                  "RANO-BM / iRANO response over a series of timepoints (docs/clinical/rano-bm.md)")
screening = calculator("screening", shapes.ScreeningRequestSerializer, shapes.ScreeningResultSerializer,
                       "Whether to screen for brain metastases (docs/clinical/screening.md)")
protocol = calculator("protocol", shapes.ProtocolRequestSerializer, shapes.ProtocolResultSerializer,
                      "MRI protocol check (docs/clinical/screening.md)")
schedule = calculator("schedule", shapes.ScheduleRequestSerializer, shapes.ScheduleResultSerializer,
                      "Surveillance schedule from a history (docs/clinical/schedule.md)")
