"""A real Orthanc (Debian's orthanc + orthanc-dicomweb packages) for the PACS tests and benchmark.

Started on a free local port with a temporary storage folder and HTTP basic auth, DICOM network
off; ``stop()``/``start()`` simulate a PACS going down and coming back with its data intact.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

import requests
from dicomweb_client import DICOMwebClient
from dicomweb_client.session_utils import create_session_from_user_pass

from tests.support.processes import free_port, wait_until

USER, PASSWORD = "bmtrack", "pacs-test-secret"


def dicomweb_plugin() -> str:
    """The plugin's shared library, wherever the orthanc-dicomweb package put it."""
    listed = subprocess.run(["dpkg", "-L", "orthanc-dicomweb"], capture_output=True, text=True, check=True).stdout
    candidates = [line for line in listed.splitlines() if line.endswith(".so") and "DicomWeb" in line]
    if not candidates:
        raise RuntimeError("orthanc-dicomweb installs no plugin library")
    return candidates[0]


class Orthanc:
    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        storage = folder / "storage"
        storage.mkdir(parents=True, exist_ok=True)
        self.config = folder / "orthanc.json"
        self.config.write_text(json.dumps({
            "Name": "bmtrack-test-pacs",
            "StorageDirectory": str(storage), "IndexDirectory": str(storage),
            "HttpPort": self.port, "DicomServerEnabled": False, "RemoteAccessAllowed": False,
            "AuthenticationEnabled": True, "RegisteredUsers": {USER: PASSWORD},
            "Plugins": [dicomweb_plugin()],
            "DicomWeb": {"Enable": True, "Root": "/dicom-web/", "EnableWado": False},
            "ConcurrentJobs": 1, "SaveJobs": False, "HttpThreadsCount": 20, "StorageCompression": False,
        }))

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def dicomweb_url(self) -> str:
        return f"{self.base}/dicom-web"

    def start(self) -> None:
        orthanc = shutil.which("Orthanc") or "/usr/sbin/Orthanc"
        log = (self.folder / "orthanc.log").open("ab")
        self.process = subprocess.Popen([orthanc, str(self.config)], stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        wait_until(self._answers, timeout=30, message="Orthanc to answer")

    def _answers(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"Orthanc exited: {(self.folder / 'orthanc.log').read_text()[-2000:]}")
        try:
            return requests.get(f"{self.base}/system", auth=(USER, PASSWORD), timeout=1).ok
        except requests.ConnectionError:
            return False

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        self.process = None
        # The port is free again when nothing answers on it.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                requests.get(f"{self.base}/system", timeout=0.2)
            except requests.ConnectionError:
                return
            time.sleep(0.05)

    def clear(self) -> None:
        """Delete every study (the REST API; the DICOMweb plugin has no DELETE)."""
        for study in requests.get(f"{self.base}/studies", auth=(USER, PASSWORD), timeout=10).json():
            requests.delete(f"{self.base}/studies/{study}", auth=(USER, PASSWORD), timeout=10).raise_for_status()

    def stow(self, datasets) -> None:
        """Upload by STOW-RS, as a modality or a viewer would."""
        client = DICOMwebClient(self.dicomweb_url, session=create_session_from_user_pass(USER, PASSWORD))
        client.store_instances(list(datasets))
