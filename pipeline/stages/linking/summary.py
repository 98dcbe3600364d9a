"""What one `scout link` run did: the summary the stage returns and the CLI prints."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class LinkSummary:
    ruleset_version: str
    full: bool
    adverts: int = 0
    searched: int = 0
    signed: int = 0  # texts read and signed (new, changed or without a stored signature)
    indexed: int = 0  # adverts the linker held: every one in a full run, else the neighbourhood
    links_by_kind: dict[str, int] = field(default_factory=dict)
    clusters: int = 0
    active_clusters: int = 0
    targets: int = 0
    boilerplate: int = 0  # (advert, band) entries not linked: text shared by many contacts
    events: dict[str, int] = field(default_factory=dict)
    rewritten: int = 0  # clusters rewritten and rescored (dirty ones; all in a full run)
