"""DICOM test studies made with pydicom (MR series with realistic vendor headers) and highdicom
(TID 1500 measurement reports as a viewer writes them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import highdicom as hd
import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sr.codedict import codes
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, MRImageStorage, generate_uid

GADOBUTROL = "Gadobutrol (Gadovist) 1.0 mmol/ml"


@dataclass(frozen=True)
class SeriesSpec:
    description: str
    acquisition: str = "2D"
    thickness: float = 5.0
    contrast: str = ""
    protocol: str = ""


# A Siemens brain-metastasis protocol (Kaufmann et al. 2020), with the names the scanner gives.
MR_PROTOCOL = {
    "localizer": SeriesSpec("localizer", "2D", 7.0),
    "t1_pre_3d": SeriesSpec("t1_mprage_sag_p2_iso", "3D", 1.0),
    "t2": SeriesSpec("t2_tse_tra_p2", "2D", 5.0),
    "flair": SeriesSpec("t2_space_dark-fluid_sag_p2_iso", "3D", 1.0),
    "dwi": SeriesSpec("ep2d_diff_tra_b1000", "2D", 5.0),
    "adc": SeriesSpec("ep2d_diff_tra_b1000_ADC", "2D", 5.0),
    "swi": SeriesSpec("SWI_Images", "3D", 2.0, protocol="swi_tra_p2"),
    "dsc": SeriesSpec("ep2d_perf_p2", "2D", 5.0, contrast=GADOBUTROL),
    "t1_post_3d": SeriesSpec("t1_mprage_sag_p2_iso_POST", "3D", 1.0, contrast=GADOBUTROL),
}


@dataclass
class Study:
    patient_id: str
    when: dt.datetime
    birth_date: dt.date = dt.date(1960, 5, 17)
    issuer: str = ""
    patient_name: str = "Jansen^Anna"
    modality: str = "MR"
    series: dict[str, SeriesSpec] = field(default_factory=lambda: dict(MR_PROTOCOL))
    instances_per_series: int = 2
    manufacturer: str = "Siemens Healthineers"
    model: str = "MAGNETOM Prisma"
    station: str = "MRC40123"
    field_strength: str = "2.89362"
    accession: str = ""
    study_uid: str = field(default_factory=generate_uid)

    def datasets(self) -> list[Dataset]:
        out = []
        for number, (_key, spec) in enumerate(self.series.items(), start=1):
            series_uid = generate_uid()
            for index in range(1, self.instances_per_series + 1):
                out.append(self._image(spec, number, series_uid, index))
        return out

    def _image(self, spec: SeriesSpec, number: int, series_uid: str, index: int) -> Dataset:
        mr = self.modality == "MR"
        sop_class = MRImageStorage if mr else CTImageStorage
        ds = Dataset()
        ds.file_meta = FileMetaDataset()
        ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
        ds.file_meta.MediaStorageSOPClassUID = sop_class
        ds.SOPClassUID = sop_class
        ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
        ds.StudyInstanceUID, ds.SeriesInstanceUID = self.study_uid, series_uid
        ds.PatientID, ds.PatientName, ds.PatientSex = self.patient_id, self.patient_name, "F"
        ds.PatientBirthDate = self.birth_date.strftime("%Y%m%d")
        if self.issuer:
            ds.IssuerOfPatientID = self.issuer
        local = self.when
        ds.StudyDate = ds.SeriesDate = ds.AcquisitionDate = ds.ContentDate = local.strftime("%Y%m%d")
        ds.StudyTime = local.strftime("%H%M%S")
        series_time = (local + dt.timedelta(minutes=number * 3)).strftime("%H%M%S")
        ds.SeriesTime = ds.AcquisitionTime = ds.ContentTime = series_time
        ds.AccessionNumber = self.accession or f"A{self.study_uid[-10:]}"
        ds.StudyID, ds.ReferringPhysicianName, ds.StudyDescription = "1", "", "MRT Schaedel" if mr else "CT Schaedel"
        ds.Modality, ds.SeriesNumber, ds.InstanceNumber = self.modality, number, index
        ds.SeriesDescription = spec.description
        ds.ProtocolName = spec.protocol or spec.description
        ds.Manufacturer, ds.ManufacturerModelName, ds.StationName = self.manufacturer, self.model, self.station
        ds.SliceThickness = str(spec.thickness)
        if mr:
            ds.MRAcquisitionType = spec.acquisition
            ds.MagneticFieldStrength = self.field_strength
        if spec.contrast:
            ds.ContrastBolusAgent = spec.contrast
        ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
        ds.ImagePositionPatient = [0, 0, float(index) * spec.thickness]
        ds.PixelSpacing = [1, 1]
        ds.Rows = ds.Columns = 8
        ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 12, 11, 0
        ds.PixelData = np.zeros((8, 8), dtype=np.uint16).tobytes()
        return ds


def measurement_report(image: Dataset, lesions: dict[str, tuple[float, float | None]], *,
                       tracking_uids: dict[str, str] | None = None, observer: str = "Reader^Rita") -> Dataset:
    """A TID 1500 Comprehensive 3D SR with one planar ROI group per lesion (long and short axis),
    each with its Tracking Identifier and Tracking UID, as OHIF's bidirectional tool saves them."""
    tracking_uids = tracking_uids or {}
    groups = []
    for label, (long_axis, short_axis) in lesions.items():
        measurements = [hd.sr.Measurement(name=codes.SCT.LongAxis, value=long_axis, unit=codes.UCUM.Millimeter)]
        if short_axis is not None:
            measurements.append(hd.sr.Measurement(name=codes.SCT.ShortAxis, value=short_axis,
                                                  unit=codes.UCUM.Millimeter))
        groups.append(hd.sr.PlanarROIMeasurementsAndQualitativeEvaluations(
            tracking_identifier=hd.sr.TrackingIdentifier(uid=tracking_uids.get(label) or generate_uid(),
                                                         identifier=label),
            referenced_region=hd.sr.ImageRegion(
                graphic_type=hd.sr.GraphicTypeValues.POLYLINE, graphic_data=np.array([[1.0, 1.0], [6.0, 6.0]]),
                source_image=hd.sr.SourceImageForRegion.from_source_image(image)),
            finding_type=codes.SCT.Lesion, measurements=measurements))
    context = hd.sr.ObservationContext(observer_person_context=hd.sr.ObserverContext(
        observer_type=codes.DCM.Person,
        observer_identifying_attributes=hd.sr.PersonObserverIdentifyingAttributes(name=observer)))
    report = hd.sr.MeasurementReport(observation_context=context, procedure_reported=codes.SCT.ImagingProcedure,
                                     imaging_measurements=groups)
    return hd.sr.Comprehensive3DSR(evidence=[image], content=report, series_instance_uid=generate_uid(),
                                   series_number=900, sop_instance_uid=generate_uid(), instance_number=1,
                                   manufacturer="OHIF", series_description="Measurements")
