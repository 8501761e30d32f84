"""The meeting packet as a PDF: real WeasyPrint, one page per case, the record's figures in the text,
and a page turned into a PNG (test-artifacts/boards/) so a person can look at it."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from bmtrack.boards import services
from bmtrack.boards.pdf import render_packet_pdf
from bmtrack.boards.summary import build_packet, visible_cases
from bmtrack.boards.templatetags.boards_extras import num, pct
from tests.boards.conftest import History
from tests.conftest import at

pytestmark = pytest.mark.django_db

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "boards"
D = dt.date


def pdf_pages(pdf: bytes, tmp_path: Path, *, layout: bool = False) -> list[str]:
    """The text of each page (pdftotext from poppler-utils; pages are separated by form feeds).
    With ``layout`` a line of text is a line of the page, so a table row reads as one line."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    source = tmp_path / "packet.pdf"
    source.write_bytes(pdf)
    text = subprocess.run(["pdftotext", *(["-layout"] if layout else []), str(source), "-"], check=True,
                          capture_output=True, text=True, timeout=60).stdout
    return [page for page in text.split("\f") if page.strip()]


def collapse(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def three_cases(meeting, dora, bob, progressing_patient, make_patient):
    resected = make_patient(given_name="Henk", family_name="de Boer", sex="male", birth_date=D(1958, 8, 14))
    h = History(resected)
    h.primary(D(2025, 6, 1), type_="colorectal", bm=D(2026, 5, 1), stage="IVB",
              markers=[{"marker": "ras", "result": "positive", "detail": "KRAS G12D"}])
    h.status(D(2026, 5, 1), kps=80, extracranial_metastases=True, dexamethasone_mg=Decimal("8"), neuro_status="worse")
    h.mri(D(2026, 5, 1), {"L1": 31, "L2": 9}, purpose="diagnosis")
    h.treat("surgery", D(2026, 5, 20), end=D(2026, 5, 20), lesions=["L1"])
    h.mri(D(2026, 5, 21), {"L1": 12, "L2": 9}, purpose="post_operative", sequences=["t1_pre_3d", "t1_post_3d"])

    new = make_patient(given_name="Fenna", family_name="Mulder", birth_date=D(1972, 1, 30))
    h = History(new)
    h.primary(D(2026, 5, 2), type_="breast", bm=D(2026, 6, 1), stage="IV", markers=[
        {"marker": "er", "result": "positive", "value_pct": Decimal("90")},
        {"marker": "pr", "result": "positive", "value_pct": Decimal("40")},
        {"marker": "her2", "result": "negative"}])
    h.status(D(2026, 6, 1), kps=90, extracranial_metastases=False)
    h.mri(D(2026, 6, 1), {"L1": 14, "L2": 6, "L3": 5}, purpose="diagnosis")

    cases = [
        services.add_case(meeting, progressing_patient, presenter=bob, user=dora,
                          question="Progression of the SRS-treated left frontal lesion on osimertinib: radiation "
                                   "necrosis or tumour? Re-irradiation, resection or advanced imaging?"),
        services.add_case(meeting, resected, presenter=bob, user=dora,
                          question="Residual tumour after resection: SRS to the cavity and residue?"),
        services.add_case(meeting, new, presenter=dora, user=dora,
                          question="Three new brain metastases in luminal A breast cancer: SRS to all three?"),
    ]
    return cases


def test_the_packet_pdf_has_one_page_per_case_in_order_with_the_records_gpa_and_response_figures(
        meeting, dora, three_cases, tmp_path, progressing_patient):
    pdf = render_packet_pdf(meeting, build_packet(list(visible_cases(meeting, dora))), generated_at=at(2026, 6, 8, 9))

    assert pdf.startswith(b"%PDF")
    pages = pdf_pages(pdf, tmp_path)
    assert len(pages) == 1 + len(three_cases)  # the cover with the agenda, then one page per case
    assert "Tumour board packet" in pages[0] and "Agenda" in pages[0]
    for number, (page, case) in enumerate(zip(pages[1:], three_cases, strict=True), start=1):
        assert f"Case {number} of 3" in page
        assert f"{case.patient.family_name}, {case.patient.given_name}" in page
        assert f"MRN {case.patient.mrn}" in page
        assert f"Page {number + 1} of 4" in page

    page = collapse(pages[1])
    current = progressing_patient.gpa_assessments.get(moment="current", current=True)
    previous = (progressing_patient.gpa_assessments.filter(moment="current", status="scored", current=False)
                .exclude(score=current.score).latest("computed_at", "pk"))
    assert f"Current ({current.assessed_on:%-d %b %Y}): GPA {num(current.score)}" in page
    assert f"Previously {num(previous.score)}" in page
    assert f"estimated median survival {num(current.median_survival_months)} months" in page
    assert "At diagnosis of brain metastases (1 Nov 2025): GPA" in page
    assert "KPS 70" in page
    responses = list(progressing_patient.responses.order_by("scan__at"))
    # The SRS-treated lesion grew inside its radiation-necrosis window: not PD on size alone (rano-bm.md).
    assert [r.category for r in responses] == ["baseline", "PR", "PR", "unconfirmed PD"]
    rows = [collapse(line) for line in pdf_pages(pdf, tmp_path, layout=True)[1].splitlines()]
    for r in responses[1:]:
        category = f"{r.category} confirmed" if r.confirmed else r.category
        row = (f"{r.scan.at:%-d %b %Y} {category} {num(r.sum_mm)} {pct(r.change_from_baseline_pct)} "
               f"{pct(r.change_from_nadir_pct)}")
        assert any(line.startswith(row) for line in rows), row
    assert "Possible radiation necrosis" in page
    assert "EGFR positive (exon 19 deletion)" in page
    assert "osimertinib" in page
    # The case is about an enlarging treated lesion in a watch window: the work-up is suggested.
    assert "Perfusion MRI" in page and "Amino-acid PET" in page
    # The latest MRI lacked a sequence of its baseline's protocol.
    assert "missing 3D T1 pre-contrast" in page


def test_a_page_of_the_packet_is_turned_into_a_png_to_look_at(meeting, dora, three_cases, tmp_path):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    pdf = render_packet_pdf(meeting, build_packet(list(visible_cases(meeting, dora))), generated_at=at(2026, 6, 8, 9))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "packet.pdf").write_bytes(pdf)
    for page, name in ((1, "packet-cover"), (2, "packet-case-1"), (3, "packet-case-2")):
        subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", str(page), "-l", str(page), "-singlefile",
                        str(ARTIFACTS / "packet.pdf"), str(ARTIFACTS / name)], check=True, timeout=60)

    image = (ARTIFACTS / "packet-case-1.png").read_bytes()
    assert image.startswith(b"\x89PNG")
    width, height = int.from_bytes(image[16:20], "big"), int.from_bytes(image[20:24], "big")
    assert abs(height / width - 297 / 210) < 0.01  # A4 portrait
