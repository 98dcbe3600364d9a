"""Stable cluster ids across runs: a component keeps the id of the old cluster it holds most of.

A component that takes members from several old clusters is a merge (the others point to
it through merged_into_id); an old cluster whose members now lie in several components is
a split (the largest part keeps the id).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field


@dataclass
class Assignment:
    cluster_of: dict[int, int | None]  # component label -> kept old cluster id, None = new
    merged: dict[int, list[int]] = field(default_factory=dict)  # kept id -> absorbed ids
    split_from: dict[int, int] = field(default_factory=dict)  # component label -> old id
    emptied: list[int] = field(default_factory=list)  # old ids without members now


def assign(components: dict[int, list[int]], old: dict[int, int]) -> Assignment:
    """components: label -> advert ids; old: advert id -> previous cluster id."""
    votes = {
        label: Counter(old[a] for a in adverts if a in old) for label, adverts in components.items()
    }
    # Each old id goes to the component holding most of its members (ties: smallest label).
    claim: dict[int, tuple[int, int]] = {}
    for label, counter in sorted(votes.items()):
        for cluster_id, count in counter.items():
            if cluster_id not in claim or count > claim[cluster_id][0]:
                claim[cluster_id] = (count, label)
    owned: dict[int, list[int]] = defaultdict(list)
    for cluster_id, (_, label) in claim.items():
        owned[label].append(cluster_id)
    result = Assignment({})
    for label, counter in votes.items():
        mine = sorted(owned.get(label, []), key=lambda c: (-counter[c], c))
        result.cluster_of[label] = mine[0] if mine else None
        if len(mine) > 1:
            result.merged[mine[0]] = mine[1:]
        if not mine and counter:
            result.split_from[label] = min(counter, key=lambda c: (-counter[c], c))
    kept = {c for c in result.cluster_of.values() if c is not None}
    absorbed = {c for ids in result.merged.values() for c in ids}
    result.emptied = sorted(set(old.values()) - kept - absorbed)
    return result
