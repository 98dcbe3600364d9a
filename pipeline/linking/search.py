"""The linking step of a run: keep stored links, search new and changed adverts for new ones."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import delete, insert, or_
from sqlalchemy.orm import Session

from models import AdvertLink
from pipeline import clock
from pipeline.linking import signatures, store
from pipeline.linking.config import LinkingRules
from pipeline.linking.linker import Link, Linker, LinkRecord

if TYPE_CHECKING:
    from pipeline.linking.run import LinkSummary


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


def _sign(
    session: Session,
    linker: Linker,
    rules: LinkingRules,
    full: bool,
    changed: set[int],
    ids: list[int],
) -> tuple[dict[int, bytes], int]:
    """Every advert's signature bytes: stored ones, and fresh ones for new and changed texts
    (and any advert without one under the current template settings), which are saved."""
    if "template" not in rules.config.links.enabled:
        return {}, 0
    key = signatures.config_key(rules.config.links.template)
    blobs = {} if full else signatures.load(session, key)
    fresh = [a for a in ids if a in changed or a not in blobs]
    for start in range(0, len(fresh), 5000):
        part = fresh[start : start + 5000]
        texts = signatures.texts(session, part)
        made = signatures.to_bytes(linker.sign([texts[a] for a in part]))
        blobs.update(zip(part, made, strict=True))
    signatures.save(session, key, {a: blobs[a] for a in fresh})
    return blobs, len(fresh)


def search_links(
    session: Session,
    ids: list[int],
    contacts: dict[int, tuple[str, ...]],
    old_members: dict[int, int],
    rules: LinkingRules,
    last: int | None,
    summary: LinkSummary,
) -> tuple[list[Link], set[int]]:
    """Kept links among unchanged adverts plus new links of new and changed ones; and the
    changed adverts (new, or with versions since the last run; every one when `last` is
    None)."""
    stored = store.stored_links(session)
    if last is None:
        changed = set(ids)
    else:
        changed = store.changed_since(session, last) | {a for a in ids if a not in old_members}
    enabled = set(rules.config.links.enabled)
    if not changed:  # nothing to search: no signatures, hashes or index needed
        return [x for x in stored if x.kind in enabled], changed
    kept = [link for link in stored if link.a not in changed and link.b not in changed]
    # Stored links are a spanning forest: dropping a changed advert's links can cut a path
    # between its neighbours, so they are searched again (their own links stay).
    search = changed | {
        x.b if x.a in changed else x.a for x in stored if x.a in changed or x.b in changed
    }
    linker = Linker(rules.config)
    linker.connect(kept)
    blobs, summary.signed = _sign(session, linker, rules, last is None, changed, ids)
    hashes = signatures.phashes(session)
    num_perm = rules.config.links.template.num_perm
    rest = _records([a for a in ids if a not in search], contacts, hashes, blobs, num_perm)
    linker.add(rest[0], search=False, signed=rest[1])
    sought = _records([a for a in ids if a in search], contacts, hashes, blobs, num_perm)
    fresh = linker.add(sought[0], signed=sought[1])
    summary.searched = len(search)
    summary.boilerplate = linker.boilerplate
    if changed:
        touched = list(changed)
        for start in range(0, len(touched), 5000):
            part = touched[start : start + 5000]
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
    return [x for x in kept + fresh if x.kind in enabled], changed
