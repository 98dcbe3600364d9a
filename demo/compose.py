"""Turn a phrase template, slot values and rendered contacts into an advert's words and HTML."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import lru_cache
from html import escape

from demo.phones import Rendered
from demo.phrases import phrases

_NUMBER = re.compile(r"\d(?:[\d.,\-]*\d)?")


@lru_cache(maxsize=1 << 16)
def _escaped(sentence: str) -> str:
    # Sentences repeat across adverts a lot; caching makes the million-advert stream 1.5x faster.
    return escape(sentence)


@lru_cache(maxsize=1 << 16)
def _numbers(sentence: str) -> tuple[str, ...]:
    return tuple(_NUMBER.findall(sentence))


@dataclass(frozen=True, slots=True)
class Template:
    """The phrases an advert uses (indices into its language's pools); controllers reuse one."""

    lang: str
    wording: str  # "first", "third" or "multi" (several persons in one advert)
    title: int
    intro: int
    body: tuple[int, ...]
    price: int
    extras: tuple[str, ...]  # which of "hours", "place", "date" appear, in order
    extra_idx: tuple[int, ...]
    contact: int
    button: int
    mix_lang: str | None  # a second language for one sentence (mixed-language adverts)
    mix_body: int
    price_fmt: int


def random_template(
    rng: random.Random, lang: str, wording: str, mix_lang: str | None = None
) -> Template:
    """Pick phrases for a new template; the index choices are what makes two texts alike."""
    p = phrases(lang)
    person = "first" if wording == "first" else "third"
    body_pool = p[f"body_{person}"]
    body = tuple(rng.sample(range(len(body_pool)), k=min(len(body_pool), rng.randint(2, 3))))
    extras = tuple(e for e in ("hours", "place", "date") if rng.random() < 0.6)
    mix_pool = phrases(mix_lang)[f"body_{person}"] if mix_lang else [""]
    return Template(
        lang=lang,
        wording=wording,
        title=rng.randrange(len(p[f"title_{wording}"])),
        intro=rng.randrange(len(p[f"intro_{wording}"])),
        body=body,
        price=rng.randrange(len(p["price"])),
        extras=extras,
        extra_idx=tuple(rng.randrange(len(p[e])) for e in extras),
        contact=rng.randrange(len(p[f"contact_{person}"])),
        button=rng.randrange(len(p["button"])),
        mix_lang=mix_lang,
        mix_body=rng.randrange(len(mix_pool)),
        price_fmt=rng.randrange(4),
    )


def format_price(amount: int, currency: str, fmt: int) -> str:
    """Write a price the ways adverts do ("1500 kr", "1.500,-", "DKK 1500", "150 roses")."""
    if currency == "DKK":
        dotted = f"{amount:,}".replace(",", ".")
        return (f"{amount} kr", f"{dotted},-", f"{dotted} kr.", f"DKK {amount}")[fmt]
    return (f"{amount} EUR", f"€{amount}", f"{amount} roses", f"{amount} euro")[fmt]


@dataclass(frozen=True, slots=True)
class Composed:
    """One advert's words: title, visible text, body HTML and the non-phone numbers in it."""

    title: str
    text: str
    html: str
    distractors: tuple[str, ...]


@lru_cache(maxsize=1 << 14)
def _fixed(t: Template, slot_items: tuple[tuple[str, str], ...]) -> Composed:
    """Title and the contact-free paragraphs; repeated across sites and days, so cached."""
    slots = dict(slot_items)
    p = phrases(t.lang)
    person = "first" if t.wording == "first" else "third"
    about = [p[f"intro_{t.wording}"][t.intro].format(**slots)]
    about += [p[f"body_{person}"][i].format(**slots) for i in t.body]
    if t.mix_lang:
        about.append(phrases(t.mix_lang)[f"body_{person}"][t.mix_body].format(**slots))
    facts = [p["price"][t.price].format(**slots)]
    facts += [p[e][i].format(**slots) for e, i in zip(t.extras, t.extra_idx, strict=True)]
    text = " ".join(about) + "\n\n" + " ".join(facts)
    html = "<p>" + " ".join(map(_escaped, about)) + "</p><p>" + " ".join(map(_escaped, facts))
    numbers = tuple(n for s in (*about, *facts) for n in _numbers(s))
    title = p[f"title_{t.wording}"][t.title].format(**slots)
    return Composed(title, text, html + "</p>", numbers)


def compose(
    t: Template, slots: dict[str, str], contacts: list[Rendered], phone_hidden: bool
) -> Composed:
    """Fill the template; `contacts[0]` is the phone (dropped from the text when hidden)."""
    fixed = _fixed(t, tuple(slots.items()))
    p = phrases(t.lang)
    texts: list[str] = []
    htmls: list[str] = []
    phone, others = (contacts[0], contacts[1:]) if contacts else (None, [])
    if phone is not None and phone_hidden:
        texts.append(p["button"][t.button])
        htmls.append(_escaped(texts[-1]))
    elif phone is not None:
        person = "first" if t.wording == "first" else "third"
        phrase = p[f"contact_{person}"][t.contact].format(**{**slots, "contact": "\0"})
        head, _, tail = phrase.partition("\0")
        texts.append(head + phone.text + tail)
        htmls.append(_escaped(head) + phone.html + _escaped(tail))
    texts += [r.text for r in others]
    htmls += [r.html for r in others]
    if not texts:
        return fixed
    # Contacts are set apart, as adverts list them.
    text = fixed.text + "\n\n" + " · ".join(texts)
    html = fixed.html + "<p>" + " · ".join(htmls) + "</p>"
    return Composed(fixed.title, text, html, fixed.distractors)
