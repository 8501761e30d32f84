"""Seed the sequence mapping with the names the big vendors give the brain-metastasis protocol
(Kaufmann et al. 2020: 3D T1 pre/post ≤ 1.5 mm, T2, FLAIR, DWI; SWI and perfusion as options).
Sites edit these in the admin; the rows are data, so no app code is imported here."""

from django.db import migrations

T1 = r"(?<![a-z0-9])t1(?![0-9])|mp.?rage|bravo|spgr|tfe|vibe|fl3d"
DEFAULTS = [
    # order, pattern, acquisition, contrast, max slice mm, sequence, note
    (10, r"locali[sz]er|scout|survey|aahead|3.?plane|calibration|asset|sense.?ref|ref.?scan", "any", "any", None, "",
     "Localisers and calibration scans"),
    (20, r"flair|dark.?fluid|tirm", "any", "any", None, "flair", ""),
    (30, r"swi|swan|susc|t2\*|t2.?star|hemo|mag_images|pha_images|minip", "any", "any", None, "swi", ""),
    (40, r"dwi|diff|dti|(?<![a-z])trace(?![a-z])|(?<![a-z])adc(?![a-z])|resolve", "any", "any", None, "dwi", ""),
    (50, r"perf|dsc|pwi|bolus", "any", "any", None, "dsc", ""),
    (60, r"dce|(?<![a-z])dyn|twist|tricks|permeab|disco", "any", "any", None, "dce", ""),
    (70, r"(?<![a-z])(p?c?asl|easl)(?![a-z])", "any", "any", None, "asl", ""),
    (80, r"spectro|(?<![a-z])(svs|csi|mrs|press|steam)(?![a-z])", "any", "any", None, "mrs", ""),
    (90, T1, "3d", "with", "1.5", "t1_post_3d", "3D T1 after contrast, slices of at most 1.5 mm"),
    (100, T1, "3d", "without", "1.5", "t1_pre_3d", "3D T1 before contrast, slices of at most 1.5 mm"),
    (110, T1, "2d", "any", None, "", "2D T1: not a protocol sequence"),
    (120, r"(?<![a-z0-9])t2(?![0-9])", "any", "any", None, "t2", ""),
]


def seed(apps, schema_editor):
    SequenceMapping = apps.get_model("pacs", "SequenceMapping")
    if SequenceMapping.objects.exists():
        return
    SequenceMapping.objects.bulk_create([
        SequenceMapping(order=order, pattern=pattern, acquisition=acquisition, contrast=contrast,
                        max_slice_thickness_mm=thickness, sequence=sequence, note=note)
        for order, pattern, acquisition, contrast, thickness, sequence, note in DEFAULTS
    ])


class Migration(migrations.Migration):
    dependencies = [("pacs", "0001_pacs_ledger_and_drafts")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
