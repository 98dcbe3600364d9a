"""The job-advert demo world (issue 16): honest Danish employers and exploitative
recruiters, in Danish, English, Polish, Romanian, Bulgarian, Lithuanian and Ukrainian,
with obfuscated contacts and ground truth. Synthetic only: every company, CVR number
(9xxxxxxx, outside the ranges issued) and phone number is made up.

`build_job_world(seed)` makes the adverts; `JobSite` serves them as a server-rendered
site (listing pages and advert pages) for the site file `spiders/sites/demo_jobs.yaml`.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape
from typing import Any

from demo.phones import make_number, render_phone
from demo.server import SiteServer
from demo.web import Response, before_routing, html, text

CITIES = ("København", "Aarhus", "Odense", "Aalborg", "Esbjerg", "Vejle", "Randers", "Kolding")
INDUSTRIES = ("cleaning", "agriculture", "construction", "hotels_restaurants", "transport",
              "car_wash")  # fmt: skip
# What the work is called, per industry and language (the words nlp/jobs/industries.yaml knows).
WORK: dict[str, dict[str, str]] = {
    "cleaning": {"da": "Rengøringsassistent", "en": "Cleaner", "pl": "Sprzątanie",
                 "ro": "Curățenie", "bg": "Почистване", "lt": "Valymas", "uk": "Прибирання"},
    "agriculture": {"da": "Plukning i gartneri", "en": "Greenhouse harvest",
                    "pl": "Zbiór truskawek w szklarni", "ro": "Cules de căpșuni în seră",
                    "bg": "Бране на ягоди в оранжерия", "lt": "Braškių skynimas šiltnamyje",
                    "uk": "Збір полуниці в теплиці"},
    "construction": {"da": "Murer til byggeplads", "en": "Construction worker",
                     "pl": "Praca na budowie", "ro": "Muncitor pe șantier",
                     "bg": "Строител на обект", "lt": "Statybos darbai",
                     "uk": "Будівельник на будові"},
    "hotels_restaurants": {"da": "Køkkenmedhjælper til restaurant", "en": "Kitchen porter",
                           "pl": "Zmywak w restauracji", "ro": "Bucătărie restaurant",
                           "bg": "Кухня в ресторант", "lt": "Virtuvėje restorane",
                           "uk": "Кухня в ресторані"},
    "transport": {"da": "Lagerarbejder", "en": "Warehouse worker", "pl": "Magazynier",
                  "ro": "Lucrător în depozit", "bg": "Работник в склад",
                  "lt": "Darbas sandėlyje", "uk": "Робота на складі"},
    "car_wash": {"da": "Medarbejder til bilvask", "en": "Car wash worker",
                 "pl": "Myjnia samochodowa", "ro": "Spălătorie auto", "bg": "Автомивка",
                 "lt": "Automobilių plovykla", "uk": "Робота на автомийці"},
}  # fmt: skip
# An exploitative recruiter's advert in each language: (wage, unit words, currency word,
# amount) and the signs, as a recruiter would write them.
BAD: dict[str, dict[str, Any]] = {
    "pl": {"wage": "{n} zł/h netto", "n": (22, 30), "signs": [
        "Praca od zaraz, bez znajomości języka.", "Zapewniamy transport do Danii.",
        "Zakwaterowanie u pracodawcy, potrącane z wypłaty.", "Opłata rekrutacyjna 600 zł.",
        "12 godzin dziennie, 7 dni w tygodniu.", "Wypłata w gotówce co tydzień."],
        "call": "Dzwoń"},
    "ro": {"wage": "{n} € net per day", "n": (45, 60), "signs": [
        "Începere imediată, fără cunoașterea limbii.", "Transport din România asigurat.",
        "Cazare la angajator, se scade din salariu.", "Taxă de recrutare 250 euro.",
        "12 ore pe zi, 7 zile pe săptămână.", "Plata în numerar."],
        "call": "Sunați"},
    "bg": {"wage": "{n} лв. на ден", "n": (70, 95), "signs": [
        "Започване веднага, без владеене на език.", "Транспорт от България до Дания.",
        "Квартира от работодателя, удържа се от заплатата.",
        "Такса за посредничество 300 лв.", "12 часа на ден, 7 дни в седмицата.",
        "Плащане в брой."], "call": "Обадете се"},
    "lt": {"wage": "{n} € per dieną", "n": (50, 65), "signs": [
        "Pradžia rytoj, be kalbos žinių.", "Transportas iš Lietuvos.",
        "Apgyvendinimas pas darbdavį, išskaičiuojama iš atlyginimo.",
        "Įdarbinimo mokestis 200 eurų.", "12 valandų per dieną, 7 dienas per savaitę.",
        "Atlyginimas grynais."], "call": "Skambinkite"},
    "uk": {"wage": "{n} грн/год", "n": (250, 380), "signs": [
        "Початок завтра, без знання мови.", "Транспорт з України.",
        "Житло від роботодавця, утримується із зарплати.",
        "Плата за працевлаштування 150 євро.", "12 годин на день, 7 днів на тиждень.",
        "Оплата готівкою."], "call": "Телефонуйте"},
    "da": {"wage": "{n} kr./t", "n": (75, 95), "signs": [
        "Start i morgen, intet sprog nødvendigt.", "Vi sørger for transport fra Polen.",
        "Bolig stilles af firmaet, trækkes fra lønnen.", "Formidlingsgebyr 2000 kr.",
        "12 timer om dagen, 7 dage om ugen.", "Kun kontant."], "call": "Ring"},
}  # fmt: skip
GOOD: dict[str, dict[str, Any]] = {
    "da": {"wage": "Løn efter overenskomst, {n} kr./t, 37 timer om ugen.", "n": (172, 195),
           "more": ["Ansættelseskontrakt på dansk og engelsk.", "Dansk eller engelsk.",
                    "Vi har været i branchen i mange år.", "Frokostordning og pension.",
                    "Fast arbejdstid mandag til fredag.", "Sikkerhedsudstyr stilles til rådighed.",
                    "Oplæring af en erfaren kollega.", "Mulighed for fastansættelse.",
                    "Søg via vores hjemmeside eller ring.", "Vi holder til tæt på banegården.",
                    "Godt arbejdsmiljø og faste kolleger.", "Tillægsløn for aftenarbejde."],
           "call": "Ring"},
    "en": {"wage": "Pay under the collective agreement, {n} kr./t, 37 hours a week.",
           "n": (172, 195),
           "more": ["Written contract.", "English or Danish.", "Pension from day one.",
                    "Regular hours Monday to Friday.", "Safety gear provided.",
                    "Training by an experienced colleague.", "Permanent position possible.",
                    "Apply on our website or call us.", "Friendly team and canteen.",
                    "Evening work paid extra."],
           "call": "Call"},
}  # fmt: skip
_NAMES = ("Nordlys", "Fjordvej", "Havbris", "Lyngbo", "Skovly", "Engholm", "Bakkegård",
          "Strandvang", "Søbred", "Klitrose", "Mosegård", "Vesterled", "Østerhøj",
          "Granly", "Birkelund", "Elmely")  # fmt: skip
_FORMS = ("ApS", "A/S", "I/S")
_WORK_WORD = {
    "cleaning": "Service", "agriculture": "Gartneri", "construction": "Byg",
    "hotels_restaurants": "Køkken", "transport": "Logistik", "car_wash": "Bilvask",
}  # fmt: skip


def synthetic_cvr(rng: random.Random, taken: set[str]) -> str:
    """A made-up CVR number that passes the modulus-11 check: 9xxxxxxx (not issued)."""
    while True:
        head = "9" + "".join(rng.choice("0123456789") for _ in range(6))
        for last in "0123456789":
            number = head + last
            weights = (2, 7, 6, 5, 4, 3, 2, 1)
            checked = sum(int(d) * w for d, w in zip(number, weights, strict=True)) % 11 == 0
            if checked and number not in taken:
                taken.add(number)
                return number


def broken_cvr(valid: str) -> str:
    """A CVR-looking number whose check digit fails (the last digit moved by one)."""
    return valid[:7] + str((int(valid[7]) + 1) % 10)


@dataclass
class JobAdvert:
    external_id: str
    recruiter: str
    exploitative: bool
    lang: str
    industry: str
    city: str
    title: str
    text: str
    text_html: str
    employer: str | None
    phone: str  # E.164, for ground truth only; the page shows it obfuscated
    first_day: int
    live_days: list[int] = field(default_factory=list)


@dataclass
class JobWorld:
    seed: int
    days: int
    adverts: list[JobAdvert]

    def live(self, day: int) -> list[JobAdvert]:
        return [a for a in self.adverts if day in a.live_days]

    def ground_truth(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "adverts": [
                {
                    "external_id": a.external_id,
                    "recruiter": a.recruiter,
                    "exploitative": a.exploitative,
                    "lang": a.lang,
                    "industry": a.industry,
                    "city": a.city,
                    "title": a.title,
                    "text": a.text,
                    "employer": a.employer,
                    "phone": a.phone,
                    "live_days": a.live_days,
                }
                for a in self.adverts
            ],
        }


def _company(rng: random.Random, industry: str) -> str:
    return f"{rng.choice(_NAMES)} {_WORK_WORD[industry]} {rng.choice(_FORMS)}"


def _phone_text(rng: random.Random, e164: str, call: str, styles: tuple[str, ...]) -> str:
    return render_phone(e164, rng.choice(styles), rng, "skriv til mig", call).text


def _advert(
    rng: random.Random,
    who: tuple[str, str, bool, str, str, str],
    title: str,
    body: str,
    employer: str | None,
    phone: str,
    first: int,
    days: int,
    shortest: int,
    longest: int,
) -> JobAdvert:
    """One advert (id, recruiter, exploitative, language, industry, city in `who`), live from
    `first` for `shortest` to `longest` days."""
    live = list(range(first, min(days, first + rng.randint(shortest, longest))))
    return JobAdvert(*who, title, body, escape(body), employer, phone, first, live)


def _honest(
    rng: random.Random, index: int, taken: set[str], cvrs: set[str], days: int
) -> list[JobAdvert]:
    lang = rng.choice(("da", "da", "en"))
    industry = rng.choice(INDUSTRIES)
    company, cvr = _company(rng, industry), synthetic_cvr(rng, cvrs)
    phone = make_number(rng, "DK", taken)
    spec = GOOD[lang]
    adverts = []
    for n in range(rng.randint(1, 2)):
        city = rng.choice(CITIES)
        first = rng.randrange(0, max(1, days - 3))
        wage = spec["wage"].format(n=rng.randint(*spec["n"]))
        contact = _phone_text(rng, phone, spec["call"], ("plain", "spaced", "dotted"))
        title = f"{WORK[industry][lang]} – {city}"
        more = " ".join(rng.sample(spec["more"], k=4))
        work = WORK[industry][lang]
        body = f"{company}, CVR {cvr}. {work} – {city}. {wage} {more} {spec['call']}: {contact}"
        who = (f"h{index}-{n}", f"honest{index}", False, lang, industry, city)
        adverts.append(_advert(rng, who, title, body, company, phone, first, days, 4, 10))
    return adverts


def _recruiter(
    rng: random.Random, index: int, taken: set[str], cvrs: set[str], days: int
) -> list[JobAdvert]:
    lang = ("pl", "ro", "bg", "lt", "uk", "da")[index % 6]
    spec = BAD[lang]
    industry = INDUSTRIES[(index + index // 6) % len(INDUSTRIES)]
    phone = make_number(rng, rng.choice(("PL", "RO", "DK")), taken)
    # several "employers" behind one phone: names without CVR, a broken CVR, or none at all
    employers: list[tuple[str | None, str]] = []
    for _ in range(rng.randint(2, 4)):
        choice = rng.random()
        name = _company(rng, industry)
        if choice < 0.4:
            employers.append((name, f"{name}."))
        elif choice < 0.7:
            employers.append((name, f"{name}, CVR {broken_cvr(synthetic_cvr(rng, cvrs))}."))
        else:
            employers.append((None, ""))
    # each recruiter has a template of its own: its signs in its own order
    signs = rng.sample(spec["signs"], k=rng.randint(4, len(spec["signs"])))
    adverts = []
    for n in range(rng.randint(4, 8)):
        employer, intro = employers[n % len(employers)]
        city = rng.choice(CITIES)
        first = rng.randrange(0, max(1, days - 3))
        wage = spec["wage"].format(n=rng.randint(*spec["n"]))
        styles = ("plain", "spaced", "lookalike", "dotted", "prefix_paren")
        contact = _phone_text(rng, phone, spec["call"], styles)
        title = f"{WORK[industry][lang]} – {city}"
        body = " ".join([intro, f"{WORK[industry][lang]}, {city}.", wage, *signs,
                         f"{spec['call']}: {contact}"]).strip()  # fmt: skip
        who = (f"r{index}-{n}", f"recruiter{index}", True, lang, industry, city)
        adverts.append(_advert(rng, who, title, body, employer, phone, first, days, 3, 8))
    return adverts


def build_job_world(
    seed: int = 16, days: int = 14, honest: int = 24, recruiters: int = 12
) -> JobWorld:
    """The demo's job adverts: `honest` employers (1-2 adverts each) and `recruiters`
    exploitative recruiters (4-8 adverts each under 2-4 employer names, one phone)."""
    rng = random.Random(seed)
    taken: set[str] = set()
    cvrs: set[str] = set()
    adverts: list[JobAdvert] = []
    for i in range(honest):
        adverts += _honest(rng, i, taken, cvrs, days)
    for i in range(recruiters):
        adverts += _recruiter(rng, i, taken, cvrs, days)
    rng.shuffle(adverts)
    return JobWorld(seed, days, adverts)


_AD = re.compile(r"^/jobs/ad/([\w-]+)$")
PAGE_SIZE = 20


class JobSite:
    """Server-rendered job board: `/jobs/?page=N` lists the adverts live on the day,
    `/jobs/ad/<id>` shows one (title, place, text with the obfuscated contact)."""

    name = "jobs"

    def __init__(self, world: JobWorld, day: int = 0) -> None:
        self.world, self.day = world, day

    def handle(
        self, method: str, path: str, query: dict[str, str],
        headers: Mapping[str, str] | None = None, body: bytes = b"",
    ) -> Response:  # fmt: skip
        if (answer := before_routing(method, path)) is not None:
            return answer
        if path in ("/", "/jobs", "/jobs/"):
            wanted = query.get("page", "1")
            page = int(wanted) if wanted.isdigit() else 1
            return html(self._listing(max(page, 1)))
        if m := _AD.match(path):
            live = self.world.live(self.day)
            advert = next((a for a in live if a.external_id == m.group(1)), None)
            if advert is not None:
                return html(self._detail(advert))
            return text("gone", 410)
        return text("not found", 404)

    def _listing(self, page: int) -> str:
        live = self.world.live(self.day)
        items = live[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        links = "".join(
            f'<li><a class="job-link" href="/jobs/ad/{a.external_id}">{escape(a.title)}</a></li>'
            for a in items
        )
        more = (
            f'<a class="next" href="/jobs/?page={page + 1}">Næste</a>'
            if len(live) > page * PAGE_SIZE
            else ""
        )
        return (
            "<!doctype html><html><head><meta charset='utf-8'><title>Job</title></head>"
            f"<body><ul>{links}</ul>{more}</body></html>"
        )

    def _detail(self, a: JobAdvert) -> str:
        return (
            "<!doctype html><html><head><meta charset='utf-8'>"
            f"<title>{escape(a.title)}</title></head><body>"
            f'<article class="job" data-id="{a.external_id}">'
            f'<h1 class="job-title">{escape(a.title)}</h1>'
            f'<span class="job-city">{escape(a.city)}</span>'
            f'<div class="job-text">{a.text_html}</div></article></body></html>'
        )


class JobServer(SiteServer):
    """The job board on loopback in a background thread (a context manager)."""

    def __init__(self, world: JobWorld, day: int = 0, host: str = "127.0.0.1", port: int = 0):
        super().__init__(JobSite(world, day), host, port)
