"""Which protocol sequence a series is, from its headers and the site's mapping rules.

The rules live in the ``SequenceMapping`` table (editable in the admin, seeded with common vendor
names); this module is the pure matching over plain data. A rule matches a series when its pattern
(a case-insensitive regular expression) is found in the series description or protocol name, and
the acquisition attributes agree: MRAcquisitionType 3D/2D, slice thickness at most the rule's
maximum, and contrast given or not (ContrastBolusAgent, or the description saying post/Gd/+C).
Rules are tried in order; the first match wins. A rule with no sequence marks series that are known
but are not a protocol sequence (localisers, 2D T1), so they are not listed as unrecognised.

Sequence ids: docs/clinical/schedule.md ("MRI sequence ids").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bmtrack.pacs.dicom import SeriesInfo

ANY, WITH, WITHOUT = "any", "with", "without"
ACQ_3D, ACQ_2D = "3d", "2d"

# Words by which a technologist marks a post-contrast series when the agent tag is not filled in.
CONTRAST_WORDS = re.compile(r"(?<![a-z])(post|gd|gado\w*|contrast|kontrast|km|ce|\+c|\+gd)(?![a-z])", re.IGNORECASE)
# Only image series of the MR modality are protocol sequences; SR, PR, KO, SEG... are not images.
SEQUENCE_MODALITIES = {"MR"}


@dataclass(frozen=True)
class Rule:
    pattern: str
    sequence: str                       # "" = recognised, not a protocol sequence
    acquisition: str = ANY              # any | 3d | 2d
    contrast: str = ANY                 # any | with | without
    max_slice_thickness_mm: float | None = None

    def matches(self, series: SeriesInfo) -> bool:
        text = f"{series.description} {series.protocol}"
        if not re.search(self.pattern, text, re.IGNORECASE):
            return False
        if self.acquisition != ANY and series.acquisition.lower() != self.acquisition:
            return False
        if self.contrast != ANY and has_contrast(series) != (self.contrast == WITH):
            return False
        limit = self.max_slice_thickness_mm
        return limit is None or (series.slice_thickness_mm is not None and series.slice_thickness_mm <= limit)


def has_contrast(series: SeriesInfo) -> bool:
    return bool(series.contrast_agent) or bool(CONTRAST_WORDS.search(f"{series.description} {series.protocol}"))


def recognise(series: SeriesInfo, rules: list[Rule]) -> Rule | None:
    return next((rule for rule in rules if rule.matches(series)), None)


@dataclass(frozen=True)
class Protocol:
    sequences: list[str]
    unrecognised: list[dict]


def protocol_of(series: list[SeriesInfo], rules: list[Rule], order: list[str]) -> Protocol:
    """The sequence ids of a study (in ``order``), and its MR series that no rule recognises."""
    found, unrecognised = set(), []
    for item in sorted(series, key=lambda s: (s.number is None, s.number or 0)):
        if item.modality not in SEQUENCE_MODALITIES:
            continue
        rule = recognise(item, rules)
        if rule is None:
            unrecognised.append(item.as_dict())
        elif rule.sequence:
            found.add(rule.sequence)
    return Protocol(sorted(found, key=order.index), unrecognised)
