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
from typing import TYPE_CHECKING, NamedTuple

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
from pipeline.stages.linking.template import TemplateIndex

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
    advert_ids: list[int],
    contacts: dict[int, tuple[str, ...]],
    hashes: dict[int, tuple[int, ...]],
    blobs: dict[int, bytes],
    num_perm: int,
) -> tuple[list[LinkRecord], signatures.Signed | None]:
    records = [LinkRecord(a, "", contacts.get(a, ()), hashes.get(a, ())) for a in advert_ids]
    signed = signatures.matrix([blobs[a] for a in advert_ids], num_perm) if blobs else None
    return records, signed


class Mark(NamedTuple):
    """Where the last run stopped: its highest advert version and image hash ids."""

    version_id: int
    image_id: int


def _refresh(
    session: Session,
    linker: Linker,
    key: str,
    state: tuple[dict[int, bytes], dict[int, bytes]],
    fresh: list[int],
    sign: bool,
) -> None:
    """Sign the texts (when template links are on) and pack the pHashes of `fresh` adverts
    into `state` (signatures, images), and store them."""
    blobs, images = state
    for part in chunked(fresh):
        if sign:
            texts = signatures.texts(session, part)
            made = signatures.to_bytes(linker.sign([texts[a] for a in part]))
            blobs.update(zip(part, made, strict=True))
        images.update(signatures.images_of(session, part))
    signatures.save(session, key, blobs, {a: images[a] for a in fresh})


def _changed(session: Session, last: Mark, key: str) -> tuple[set[int], set[int], bool]:
    """Adverts to search again; those of them whose text or images may have changed (a version
    or an image since the last run, or no stored state); and whether adverts were deleted
    (purged) since. Counts decide whether the whole-table checks must run."""
    edited = store.changed_since(session, last.version_id)
    edited |= store.images_since(session, last.image_id)
    tally = store.tally(session)
    listed = sorted(edited)
    if tally.adverts - signatures.count(session, key) != len(edited) - signatures.count(
        session, key, listed
    ):
        edited |= signatures.unsigned(session, key)
    new = edited - store.clustered(session, sorted(edited))
    if tally.adverts - tally.members != len(new):
        new = store.unclustered(session)
    purged = tally.members != tally.sized
    changed = edited | new | (store.shrunk_members(session) if purged else set())
    return changed, edited, purged


def bucket_mates(
    config: LinkingConfig, search: set[int], blobs: dict[int, bytes], images: dict[int, bytes]
) -> set[int]:
    """Adverts sharing an LSH band bucket or an image bucket with one in `search` (itself
    included); `blobs` and `images` are every advert's stored signature and pHashes."""
    enabled = set(config.links.enabled)
    found = set(search)
    wanted = np.fromiter(search, dtype=np.int64, count=len(search))
    if "template" in enabled and blobs:
        ids = np.fromiter(blobs, dtype=np.int64, count=len(blobs))
        matrix, valid = signatures.matrix(list(blobs.values()), config.links.template.num_perm)
        in_bucket = TemplateIndex(config.links.template).bucket_mates(
            matrix, valid, np.isin(ids, wanted)
        )
        found.update(ids[in_bucket].tolist())
    owners, hashes = signatures.image_arrays(images)
    if "image" in enabled and len(owners):
        in_bucket = ImageIndex(config.links.image).bucket_mates(hashes, np.isin(owners, wanted))
        found.update(owners[in_bucket].tolist())
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
    state: tuple[dict[int, bytes], dict[int, bytes]]
    if last is None:
        ids = store.advert_ids(session)
        changed = edited = search = neighbourhood = set(ids)
        old, state, purged = store.memberships(session), ({}, {}), True
    else:
        changed, edited, purged = _changed(session, last, key)
        if not changed:  # nothing to search or index
            return Searched([], {}, {}, [], changed, purged)
        # Stored links are a spanning forest: dropping a changed advert's links can cut a
        # path between its neighbours, so they are searched again (their own links stay).
        search = changed | store.linked_to(session, sorted(changed))
        state = signatures.load(session, key)
    blobs, images = state
    fresh = sorted(edited)
    _refresh(session, linker, key, state, fresh, "template" in enabled)
    summary.signed = len(fresh) if "template" in enabled else 0
    if last is not None:
        mates = bucket_mates(rules.config, search, blobs, images)
        if "contact" in enabled:
            mates |= store.contact_mates(session, sorted(search))
        # Each statement sees what is committed when it runs (PostgreSQL's read committed): an
        # advert a crawl stored after this run read what changed has no state here (it failed
        # as KeyError(id) with workers crawling while linking). It is new, so the next run
        # searches it (unsigned and unclustered); this run keeps to the adverts it read.
        mates &= images.keys()
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
    hashes = {a: signatures.unpack(images[a]) for a in ordered}
    num_perm = rules.config.links.template.num_perm
    if "template" not in enabled:
        blobs = {}  # stored rows hold no signature; the linker signs nothing either
    rest = _records([a for a in ordered if a not in search], contacts, hashes, blobs, num_perm)
    linker.add(rest[0], search=False, signed=rest[1])
    sought = _records([a for a in ordered if a in search], contacts, hashes, blobs, num_perm)
    fresh_links = linker.add(sought[0], signed=sought[1])
    summary.searched, summary.indexed = len(search), len(ordered)
    summary.boilerplate = linker.boilerplate
    _save_links(session, changed, last is None, fresh_links)
    links = [x for x in kept + fresh_links if x.kind in enabled]
    return Searched(ordered, contacts, old, links, changed, last is None or purged)
