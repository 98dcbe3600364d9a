"""A stream of ground-truth advert dicts in any number, for linking and NLP benchmarks.

The small world's phrase pools hold only a few thousand distinct templates per language, so
at 10^4-10^6 adverts unrelated controllers would share templates by chance and chain true
clusters together. Here every owner (a controller, or an independent worker) also writes two
"style" sentences of its own, drawn from its language's vocabulary with the owner's own RNG
stream, and its e-mail and Telegram handle carry a token unique to it. Phones are already
unique (the persona factory's taken set); a shared number stays within one controller.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date
from functools import cache
from typing import Any

from demo.model import Advert, Persona, Version
from demo.personas import PersonaFactory
from demo.phrases import phrases
from demo.schedule import AdvertBuilder, schedule_controlled, schedule_independent
from demo.truth import advert_truth

# Same mix as the default world: five independent workers for each controller.
INDEPENDENTS_PER_CONTROLLER = 5
DAYS = 14
# Pools whose words may appear in a style sentence, per person: never "she" words in a
# first-person advert, which would fake the third-person-wording indicator.
_POOLS: dict[str, tuple[str, ...]] = {
    "first": ("title_first", "intro_first", "body_first", "contact_first"),
    "third": ("title_third", "intro_third", "body_third", "contact_third"),
}
_SHARED_POOLS = ("price", "hours", "place", "date", "button")
_STRIP = ".,!?:;()[]\"'-–—·/"
_TOKEN_SPACE = 36**6  # tokens are six base-36 characters
_TOKEN_STEP = 1_000_003  # prime, so coprime to 36**6: index -> token is a bijection


@cache
def vocabulary(lang: str, person: str) -> tuple[str, ...]:
    """The slot-free, digit-free words of one language's phrases in one grammatical person."""
    p = phrases(lang)
    words: set[str] = set()
    for pool in (*_POOLS[person], *_SHARED_POOLS):
        for phrase in p[pool]:
            for raw in phrase.split():
                word = raw.strip(_STRIP).lower()
                if word and "{" not in word and not any(c.isdigit() for c in word):
                    words.add(word)
    return tuple(sorted(words))


def owner_token(index: int, seed: int) -> str:
    """A six-character base-36 token, distinct for every index below 36**6 (per seed)."""
    n = (index * _TOKEN_STEP + seed * 7_919) % _TOKEN_SPACE
    chars = []
    for _ in range(6):
        n, digit = divmod(n, 36)
        chars.append("0123456789abcdefghijklmnopqrstuvwxyz"[digit])
    return "".join(chars)


class StyleBook:
    """Each owner's two style sentences and where the first goes; drawn once, reused."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._styles: dict[tuple[str, str], tuple[str, str, bool]] = {}

    def style(self, owner: str, lang: str, person: str) -> tuple[str, str, bool]:
        """(sentence for the about paragraph, sentence for the facts, about-sentence first?)."""
        key = (owner, lang)
        found = self._styles.get(key)
        if found is None:
            # The owner's own stream: its style does not depend on who came before it.
            rng = random.Random(f"{self.seed}:{owner}:{lang}")
            words = vocabulary(lang, person)
            found = (_sentence(rng, words), _sentence(rng, words), rng.random() < 0.5)
            self._styles[key] = found
        return found

    def restyle(self, advert: Advert) -> None:
        """Write the owner's style sentences into every version of `advert`."""
        owner = advert.controller_id or advert.persona_ids[0]
        person = "first" if advert.wording == "first" else "third"
        about, facts, lead = self.style(owner, advert.languages[0], person)
        advert.versions = [_with_style(v, about, facts, lead) for v in advert.versions]

    def forget(self) -> None:
        """Drop the batch's owners: they never advertise again, so the stream stays small."""
        self._styles.clear()


def _sentence(rng: random.Random, words: tuple[str, ...]) -> str:
    picked = rng.sample(words, k=min(len(words), rng.randint(6, 9)))
    return " ".join(picked).capitalize() + rng.choice((".", ".", "!"))


def _with_style(v: Version, about: str, facts: str, lead: bool) -> Version:
    """Insert the sentences into the text (paragraphs split by blank lines) and the HTML."""
    parts = v.text.split("\n\n", 2)
    parts[0] = f"{about} {parts[0]}" if lead else f"{parts[0]} {about}"
    parts[1] = f"{parts[1]} {facts}"
    # The HTML is "<p>about</p><p>facts</p>[<p>contacts</p>]"; the sentences need no escaping
    # (words only), so the same insertion applies.
    html = v.html[3:].split("</p><p>", 2)
    html[0] = f"{about} {html[0]}" if lead else f"{html[0]} {about}"
    html[1] = f"{html[1]} {facts}"
    # Built directly: dataclasses.replace costs 5 % of the whole stream here.
    text, markup = "\n\n".join(parts), "<p>" + "</p><p>".join(html)
    return Version(v.from_day, v.title, text, markup, v.city, v.contacts, v.distractors)


def _own_contacts(p: Persona, seed: int, handle: str | None) -> None:
    """Give the persona's e-mail a token unique to her and use her owner's unique handle."""
    if p.email:
        name, _, domain = p.email.partition("@")
        user = name.rstrip("0123456789")
        p.email = f"{user}.{owner_token(int(p.id[1:]), seed)}@{domain}"
    p.telegram = handle


def _handle(existing: str | None, index: int, seed: int) -> str | None:
    # "anna_vip123" -> "anna_vip" + token; names never read "team", so controllers and
    # independents cannot collide.
    return existing.rstrip("0123456789") + owner_token(index, seed) if existing else None


def iter_adverts(n: int, seed: int = 7) -> Iterator[dict[str, Any]]:
    """Yield `n` advert dicts (ground-truth shape), built a few personas at a time."""
    rng = random.Random(seed)
    factory = PersonaFactory(rng)
    builder = AdvertBuilder(rng, date(2026, 11, 2), DAYS, factory.taken_phones)
    styles = StyleBook(seed)
    left = n
    while left > 0:
        for _ in range(INDEPENDENTS_PER_CONTROLLER):
            p = factory.independent()
            _own_contacts(p, seed, _handle(p.telegram, int(p.id[1:]), seed))
            schedule_independent(builder, p)
        ctrl, members = factory.controller()
        ctrl.telegram = _handle(ctrl.telegram, int(ctrl.id[1:]), seed)
        for p in members:
            _own_contacts(p, seed, ctrl.telegram)
            schedule_controlled(builder, p, [q for q in members if q is not p])
        batch, builder.adverts = builder.adverts, []
        for advert in batch[:left]:
            styles.restyle(advert)
            yield advert_truth(advert, DAYS)
        styles.forget()
        left -= min(left, len(batch))
