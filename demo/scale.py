"""A stream of ground-truth advert dicts in any number, for linking and NLP benchmarks."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date
from typing import Any

from demo.personas import PersonaFactory
from demo.schedule import AdvertBuilder, schedule_controlled, schedule_independent
from demo.truth import advert_truth

# Same mix as the default world: five independent workers for each controller.
INDEPENDENTS_PER_CONTROLLER = 5
DAYS = 14


def iter_adverts(n: int, seed: int = 7) -> Iterator[dict[str, Any]]:
    """Yield `n` advert dicts (ground-truth shape), built a few personas at a time."""
    rng = random.Random(seed)
    factory = PersonaFactory(rng)
    builder = AdvertBuilder(rng, date(2026, 11, 2), DAYS, factory.taken_phones)
    left = n
    while left > 0:
        for _ in range(INDEPENDENTS_PER_CONTROLLER):
            schedule_independent(builder, factory.independent())
        _, members = factory.controller()
        for p in members:
            schedule_controlled(builder, p, [q for q in members if q is not p])
        batch, builder.adverts = builder.adverts, []
        for advert in batch[:left]:
            yield advert_truth(advert, DAYS)
        left -= min(left, len(batch))
