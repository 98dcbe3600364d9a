"""Read and validate the linking rule file (`nlp/rules/linking/linking.yaml`)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from nlp.rules import linking_rule_file
from pipeline.core import datafiles
from pipeline.core.datafiles import StrictModel

LINKING_FILE = linking_rule_file()  # the bundled file; load_linking() looks it up per call
LinkKind = Literal["contact", "template", "image"]


class TemplateConfig(StrictModel):
    shingle_chars: int = Field(5, ge=2, le=12)
    num_perm: int = Field(64, ge=16, le=512)
    bands: int = Field(8, ge=1)
    threshold: float = Field(0.8, gt=0, le=1)
    min_shingles: int = Field(40, ge=1)
    max_bucket_compare: int = Field(20, ge=1)
    max_bucket_contacts: int = Field(15, ge=1)

    @model_validator(mode="after")
    def _whole_bands(self) -> TemplateConfig:
        if self.num_perm % self.bands:
            raise ValueError("num_perm must be a multiple of bands")
        return self


class ImageConfig(StrictModel):
    max_hamming: int = Field(6, ge=0, le=16)


class LinksConfig(StrictModel):
    enabled: tuple[LinkKind, ...] = ("contact", "template", "image")
    template: TemplateConfig = TemplateConfig()
    image: ImageConfig = ImageConfig()


class ClustersConfig(StrictModel):
    active_days: int = Field(3, ge=1)


class IndicatorConfig(StrictModel):
    id: str = Field(pattern=r"^[a-z0-9_]{3,64}$")
    description: str
    weight: float = Field(ge=-2, le=2)
    evidence_grade: str
    source: str
    note: str | None = None
    min_personas: int = 2
    min_cities: int = 3
    within_days: int = 10
    per_week: int = 6


class LinkingConfig(StrictModel):
    links: LinksConfig = LinksConfig()
    clusters: ClustersConfig = ClustersConfig()
    target_threshold: float = 1.5
    indicators: tuple[IndicatorConfig, ...] = ()


@dataclass(frozen=True)
class LinkingRules:
    """The validated file plus its version (first 12 hex digits of a SHA-256 of its bytes)."""

    config: LinkingConfig
    version: str

    def indicator(self, rule_id: str) -> IndicatorConfig | None:
        return next((i for i in self.config.indicators if i.id == rule_id), None)


def load_linking(path: Path | None = None) -> LinkingRules:
    """The linking rules in `path` (default: the live rule folder's); DataFileError if broken."""
    path = path or linking_rule_file()
    raw = datafiles.read_bytes(path)
    file = datafiles.display_path(path)
    config = datafiles.validate(LinkingConfig, datafiles.parse_yaml(raw, file) or {}, file)
    return LinkingRules(config, hashlib.sha256(raw).hexdigest()[:12])


def target_threshold(rules_dir: Path | None = None) -> float:
    """The score at or above which an active cluster is a contact target: the linking rules'
    `target_threshold` (its default is `LinkingConfig`'s). The target list, the digest,
    `scout link` and rule evaluation all read it here."""
    return load_linking(linking_rule_file(rules_dir)).config.target_threshold
