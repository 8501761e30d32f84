"""The compose file's Orthanc (read, not run: no Docker engine here) is the PACS the app points at."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import yaml

COMPOSE = yaml.safe_load((Path(__file__).resolve().parents[2] / "docker" / "compose.yaml").read_text())


def test_compose_runs_an_orthanc_with_dicomweb_that_the_app_polls():
    orthanc = COMPOSE["services"]["orthanc"]
    assert orthanc["environment"]["DICOM_WEB_PLUGIN_ENABLED"] == "true"
    url = COMPOSE["x-app"]["environment"]["PACS_DICOMWEB_URL"].split(":-", 1)[1].rstrip("}")
    parsed = urlparse(url)
    assert parsed.hostname == "orthanc" and parsed.port == 8042 and parsed.path == "/dicom-web"
    assert "8042:8042" in orthanc["ports"]
