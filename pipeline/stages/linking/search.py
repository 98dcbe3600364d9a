"""The linking step of a run: keep stored links, search new and changed adverts for new ones.

A full run indexes and searches every advert. An incremental run searches the changed
adverts (new, with new versions, in no cluster, without a signature, or left in a cluster
that a purge shrank) and their stored-link neighbours, and indexes only their
**neighbourhood**: every advert sharing a contact point, an LSH band bucket or an image
bucket with a searched one, closed over stored clusters. That is all the linker needs to
find the pairs it would find holding every advert:

- a searched advert is paired within whole buckets (every record in them is held, in the
  same order), and with the first holder of each of its contact points;
- the groups deciding stock text and the per-kind forests deciding which pairs are new
  links only ever span one stored cluster, and whole clusters are held.

So the run costs what the change touches, plus a few whole-table reads of short columns
(signatures, image hashes) done in numpy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import delete, insert, or_
from sqlalchemy.orm import Session

from models import AdvertLink
from pipeline.core import clock
from pipeline.core.batches import chunked
from pipeline.stages.linking import signatures, store
from pipeline.stages.linking.config import LinkingConfig, LinkingRules
from pipeline.stages.linking.images import ImageIndex
from pipeline.stages.linking.linker import Link, Linker, LinkRecord
from pipeline.stages.linking.signatures import Stored
from pipeline.stages.linking.template import TemplateIndex
from pipeline.stages.linking.watermark import Mark

if TYPE_CHECKING:
    from pipeline.stages.linking.summary import LinkSummary


@dataclass
class Searched:
    """What a run's linking step leaves for clustering."""

    ids: list[int]  # the adverts to cluster: every advert, or the neighbourhood (sorted)
    contacts: dict[int, tuple[str, ...]]  # their contact pseudonyms
    old: dict[int, int]  # their stored cluster memberships
    links: list[Link]  # kept and new links among them, of the enabled kinds
    changed: set[int]  # adverts searched for being new or changed
    purged: bool = True  # adverts were deleted since the last run (always checked if unknown)


def _records(
    advert_ids: list[int], contacts: dict[int, tuple[str, ...]], stored: Stored, template: bool
) -> tuple[list[LinkRecord], signatures.Signed | None]:
    phashes = stored.phashes(advert_ids)
    records = [
        LinkRecord(a, "", contacts.get(a, ()), hashes)
        for a, hashes in zip(advert_ids, phashes, strict=True)
    ]
    return records, stored.signed(advert_ids) if template else None


def _refresh(
    session: Session, linker: Linker, key: str, stored: Stored, fresh: list[int], sign: bool
) -> Stored:
    """Sign the texts (when template links are on) and read the pHashes of the `fresh`
    adverts (ascending), store them, and return `stored` with them."""
    matrices, valid, images = [], [], []
    for part in chunked(fresh):
        if sign:
            texts = signatures.texts(session, part)
            matrix, ok = linker.sign([texts[a] for a in part])
            matrices.append(matrix)
            valid.append(ok)
        images += signatures.images_of(session, part)
    perm = stored.matrix.shape[1]
    signed = (
        (np.concatenate(matrices), np.concatenate(valid))
        if matrices
        else (np.zeros((len(fresh), perm), dtype=np.uint32), np.zeros(len(fresh), dtype=bool))
    )
    made = Stored.of(fresh, signed, images)
    signatures.save(session, key, made)
    return stored.replaced(made) if len(stored.ids) else made


def _changed(
    session: Session, last: Mark, key: str, num_perm: int
) -> tuple[set[int], set[int], bool, Stored | None]:
    """Adverts to search again; those of them whose text or images may have changed (a version
    or an image since the last run, or no stored state); whether adverts were deleted
    (purged) since; and the stored state when it was read. Counts decide whether the
    whole-table checks must run."""
    edited = store.changed_since(session, last.version_id, last.version_gaps)
    edited |= store.images_since(session, last.image_id, last.image_gaps)
    tally = store.tally(session)
    listed = sorted(edited)
    stored = None
    if edited:
        # The run reads every stored state anyway: count them there, not in two more scans
        # of the table.
        stored = signatures.load(session, key, num_perm)
        held = np.isin(np.array(listed, dtype=np.int64), stored.ids)
        unsigned = tally.adverts - len(stored.ids) != len(edited) - int(held.sum())
    else:
        unsigned = tally.adverts != signatures.count(session, key)
    if unsigned:
        edited |= signatures.unsigned(session, key)
    new = edited - store.clustered(session, sorted(edited))
    if tally.adverts - tally.members != len(new):
        new = store.unclustered(session)
    purged = tally.members != tally.sized
    changed = edited | new | (store.shrunk_members(session) if purged else set())
    return changed, edited, purged, stored


def bucket_mates(config: LinkingConfig, search: set[int], stored: Stored) -> set[int]:
    """Adverts sharing an LSH band bucket or an image bucket with one in `search` (itself
    included); `stored` holds every advert's signature and pHashes."""
    enabled = set(config.links.enabled)
    found = set(search)
    wanted = np.fromiter(search, dtype=np.int64, count=len(search))
    if "template" in enabled and stored.valid.any():
        in_bucket = TemplateIndex(config.links.template).bucket_mates(
            stored.matrix, stored.valid, np.isin(stored.ids, wanted)
        )
        found.update(stored.ids[in_bucket].tolist())
    if "image" in enabled and len(stored.owners):
        in_bucket = ImageIndex(config.links.image).bucket_mates(
            stored.hashes, np.isin(stored.owners, wanted)
        )
        found.update(stored.owners[in_bucket].tolist())
    return found


def _save_links(session: Session, changed: set[int], full: bool, fresh: list[Link]) -> None:
    """Drop the changed adverts' stored links (every link in a full run), insert the new."""
    if full:
        session.execute(delete(AdvertLink))
    else:
        for part in chunked(sorted(changed)):
            session.execute(
                delete(AdvertLink).where(
                    or_(AdvertLink.advert_a_id.in_(part), AdvertLink.advert_b_id.in_(part))
                )
            )
    if fresh:
        now = clock.now()
        session.execute(
            insert(AdvertLink),
            [
                {
                    "advert_a_id": x.a,
                    "advert_b_id": x.b,
                    "kind": x.kind,
                    "strength": x.strength,
                    "evidence": x.evidence,
                    "created_at": now,
                }
                for x in fresh
            ],
        )


def search_links(
    session: Session, rules: LinkingRules, last: Mark | None, summary: LinkSummary
) -> Searched:
    """Search new links: of every advert when there is no `last` run to go on, else of the
    changed adverts and their stored-link neighbours, within their neighbourhood; stored links
    among unchanged adverts are kept."""
    enabled = set(rules.config.links.enabled)
    key = signatures.config_key(rules.config.links.template)
    linker = Linker(rules.config)
    num_perm = rules.config.links.template.num_perm
    stored = Stored.empty(num_perm)
    if last is None:
        ids = store.advert_ids(session)
        changed = edited = search = neighbourhood = set(ids)
        old, purged = store.memberships(session), True
    else:
        changed, edited, purged, read = _changed(session, last, key, num_perm)
        if not changed:  # nothing to search or index
            return Searched([], {}, {}, [], changed, purged)
        # Stored links are a spanning forest: dropping a changed advert's links can cut a
        # path between its neighbours, so they are searched again (their own links stay).
        search = changed | store.linked_to(session, sorted(changed))
        stored = read if read is not None else signatures.load(session, key, num_perm)
    template = "template" in enabled
    stored = _refresh(session, linker, key, stored, sorted(edited), template)
    summary.signed = len(edited) if template else 0
    if last is not None:
        mates = bucket_mates(rules.config, search, stored)
        if "contact" in enabled:
            mates |= store.contact_mates(session, sorted(search))
        # Each statement sees what is committed when it runs (PostgreSQL's read committed): an
        # advert a crawl stored after this run read what changed has no state here (it failed
        # as KeyError(id) with workers crawling while linking). It is new, so the next run
        # searches it (unsigned and unclustered); this run keeps to the adverts it read.
        mates = stored.held(mates)
        old = store.cluster_closure(session, sorted(mates))
        neighbourhood = mates | set(old)
    ordered = sorted(neighbourhood)
    contacts = store.contacts(session, None if last is None else ordered)
    kept = (
        []
        if last is None
        else [
            x
            for x in store.stored_links(session, ordered)
            if x.b in neighbourhood and x.a not in changed and x.b not in changed
        ]
    )
    linker.connect(kept)
    # Stored rows of template-less settings hold no signature: the linker signs nothing.
    rest = _records([a for a in ordered if a not in search], contacts, stored, template)
    linker.add(rest[0], search=False, signed=rest[1])
    sought = _records([a for a in ordered if a in search], contacts, stored, template)
    fresh_links = linker.add(sought[0], signed=sought[1])
    summary.searched, summary.indexed = len(search), len(ordered)
    summary.boilerplate = linker.boilerplate
    _save_links(session, changed, last is None, fresh_links)
    links = [x for x in kept + fresh_links if x.kind in enabled]
    return Searched(ordered, contacts, old, links, changed, last is None or purged)
