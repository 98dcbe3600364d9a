"""Read and validate the linking rule file (`nlp/rules/linking/linking.yaml`)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from nlp import yamlfiles
from nlp.rules import linking_rule_file
from pipeline.core.errors import ScoutError

LINKING_FILE = linking_rule_file()
LinkKind = Literal["contact", "template", "image"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TemplateConfig(_Strict):
    shingle_chars: int = Field(5, ge=2, le=12)
    num_perm: int = Field(64, ge=16, le=512)
    bands: int = Field(8, ge=1)
    threshold: float = Field(0.8, gt=0, le=1)
    min_shingles: int = Field(40, ge=1)
    max_bucket_compare: int = Field(20, ge=1)
    max_bucket_contacts: int = Field(15, ge=1)


class ImageConfig(_Strict):
    max_hamming: int = Field(6, ge=0, le=16)


class LinksConfig(_Strict):
    enabled: tuple[LinkKind, ...] = ("contact", "template", "image")
    template: TemplateConfig = TemplateConfig()
    image: ImageConfig = ImageConfig()


class ClustersConfig(_Strict):
    active_days: int = Field(3, ge=1)


class IndicatorConfig(_Strict):
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


class LinkingConfig(_Strict):
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


def parse_linking(raw: bytes, where: str = "linking.yaml") -> LinkingRules:
    """Validate rule-file bytes; a broken file is a ScoutError naming the field."""
    try:
        data: Any = yamlfiles.safe_load(raw) or {}
        config = LinkingConfig.model_validate(data)
    except (yaml.YAMLError, ValidationError) as exc:
        first = str(exc).strip().splitlines()
        raise ScoutError(f"{where}: {' '.join(first[:3])}") from exc
    if config.links.template.num_perm % config.links.template.bands:
        raise ScoutError(f"{where}: links.template.num_perm must be a multiple of bands")
    return LinkingRules(config, hashlib.sha256(raw).hexdigest()[:12])


def load_linking(path: Path | None = None) -> LinkingRules:
    """The linking rules in `path` (default: the bundled file); ScoutError if broken."""
    path = path or LINKING_FILE
    return parse_linking(path.read_bytes(), str(path))


def target_threshold(rules_dir: Path | None = None) -> float:
    """The score at or above which an active cluster is a contact target: the linking rules'
    `target_threshold` (its default is `LinkingConfig`'s). The target list, the digest,
    `scout link` and rule evaluation all read it here."""
    return load_linking(linking_rule_file(rules_dir)).config.target_threshold
