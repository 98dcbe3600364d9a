"""Issue 16: each job-advert indicator, with an example in each language it covers, and
honest adverts that show none of the signs."""

from __future__ import annotations

import pytest

from nlp.pipeline import analyse_texts

EXAMPLES: dict[str, dict[str, str]] = {
    "recruitment_fee": {
        "da": "Job i drivhus. Formidlingsgebyr 2000 kr. betales før afrejse.",
        "en": "Farm work in Denmark. Registration fee of 150 EUR before you travel.",
        "pl": "Praca w Danii. Opłata rekrutacyjna 800 zł płatna przed wyjazdem.",
        "ro": "Muncă în Danemarca. Taxă de recrutare 300 euro, plătită înainte.",
        "bg": "Работа в Дания. Такса за посредничество 200 лв. преди тръгване.",
        "lt": "Darbas Danijoje. Įdarbinimo mokestis 150 eurų prieš išvykstant.",
        "uk": "Робота в Данії. Плата за працевлаштування 200 євро до виїзду.",
    },
    "wage_deductions": {
        "da": "Husleje og transport trækkes fra lønnen hver uge.",
        "en": "Housing and transport are deducted from wages every week.",
        "pl": "Mieszkanie i transport potrącane z wypłaty co tydzień.",
        "ro": "Cazarea și transportul se scade din salariu în fiecare săptămână.",
        "bg": "Квартирата и транспортът: удържа се от заплатата всяка седмица.",
        "lt": "Būstas ir kelionė išskaičiuojama iš atlyginimo kas savaitę.",
        "uk": "Житло і проїзд: утримується із зарплати щотижня.",
    },
    "cash_only": {
        "da": "Løn udbetales kun kontant hver fredag.",
        "en": "Wages are cash only, every Friday.",
        "pl": "Wypłata w gotówce co piątek.",
        "ro": "Plata în numerar în fiecare vineri.",
        "bg": "Плащане в брой всеки петък.",
        "lt": "Atlyginimas grynais kiekvieną penktadienį.",
        "uk": "Оплата готівкою щоп'ятниці.",
    },
    "housing_tied_to_employer": {
        "da": "Bolig stilles af firmaet tæt på marken.",
        "en": "Housing provided by the company next to the farm.",
        "pl": "Zakwaterowanie u pracodawcy obok szklarni.",
        "ro": "Cazare la angajator lângă fermă.",
        "bg": "Квартира от работодателя до фермата.",
        "lt": "Apgyvendinimas pas darbdavį prie ūkio.",
        "uk": "Житло від роботодавця біля ферми.",
    },
    "documents_kept": {
        "da": "Ved ankomst: vi beholder dit pas på kontoret.",
        "en": "On arrival you hand over your passport to the supervisor.",
        "pl": "Po przyjeździe paszport do depozytu u brygadzisty.",
        "ro": "La sosire pașaportul rămâne la coordonator.",
        "bg": "При пристигане паспортът остава при бригадира.",
        "lt": "Atvykus pasas paliekamas pas vadovą.",
        "uk": "Після приїзду паспорт залишається у бригадира.",
    },
    "no_language_needed": {
        "da": "Dansk ikke nødvendigt, du lærer det hele på stedet.",
        "en": "No language needed, we show you everything.",
        "pl": "Praca bez znajomości języka, wszystko pokażemy.",
        "ro": "Lucru fără cunoașterea limbii, vă arătăm totul.",
        "bg": "Работа без владеене на език, ще ви покажем всичко.",
        "lt": "Darbas be kalbos žinių, viską parodysime.",
        "uk": "Робота без знання мови, все покажемо.",
    },
    "no_experience_start_now": {
        "da": "Ingen erfaring nødvendig, start i morgen.",
        "en": "No experience needed, start tomorrow.",
        "pl": "Bez doświadczenia, praca od zaraz.",
        "ro": "Fără experiență, începere imediată.",
        "bg": "Без опит, започване веднага.",
        "lt": "Be patirties, pradžia rytoj.",
        "uk": "Без досвіду, початок завтра.",
    },
    "transport_from_abroad": {
        "da": "Vi sørger for transport fra Polen og Rumænien.",
        "en": "Transport from Romania is arranged by us.",
        "pl": "Zapewniamy transport do Danii autobusem.",
        "ro": "Transport din România cu microbuzul firmei.",
        "bg": "Осигурен транспорт до Дания с микробус.",
        "lt": "Transportas iš Lietuvos mikroautobusu.",
        "uk": "Транспорт з України мікроавтобусом.",
    },
    "collective_agreement_stated": {
        "da": "Løn efter overenskomst med 3F.",
        "en": "Pay under the Danish collective agreement.",
        "pl": "Wynagrodzenie według układu zbiorowego.",
        "ro": "Salariu conform contractului colectiv.",
        "bg": "Заплата по колективен трудов договор.",
        "lt": "Atlyginimas pagal kolektyvinę sutartį.",
        "uk": "Оплата за колективним договором.",
    },
}

CASES = [(rule, lang, text) for rule, texts in EXAMPLES.items() for lang, text in texts.items()]


def _rules(text: str) -> set[str]:
    (result,) = analyse_texts([text], kind="job")
    return {hit.rule_id for hit in result.hits}


def test_every_text_indicator_has_an_example_in_all_seven_languages() -> None:
    for texts in EXAMPLES.values():
        assert set(texts) == {"da", "en", "pl", "ro", "bg", "lt", "uk"}


@pytest.mark.parametrize(
    ("rule", "lang", "text"), CASES, ids=[f"{r}-{lang}" for r, lang, _ in CASES]
)
def test_indicator_fires_on_its_example(rule: str, lang: str, text: str) -> None:
    assert rule in _rules(text)


def test_the_hit_names_the_language_of_the_pattern() -> None:
    (result,) = analyse_texts([EXAMPLES["cash_only"]["pl"]], kind="job")
    (hit,) = [h for h in result.hits if h.rule_id == "cash_only"]
    assert hit.detail["lang"] == "pl" and hit.weight > 0


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Rengøring i Odense. Løn 70 kr. i timen.", "wage_below_minimum"),
        ("Sezon w szklarni. 30 zł/h netto.", "wage_below_minimum"),
        ("Cules de căpșuni: 50 € net per day, 10 ore pe zi.", "wage_below_minimum"),
        ("Arbejde 12 timer om dagen på byggepladsen.", "long_hours"),
        ("Praca 7 dni w tygodniu na budowie.", "seven_day_week"),
        ("Hjælper søges til lager. Ring til os.", "no_company_identity"),
        ("Lagerarbejde hos Nordlys Logistik ApS, CVR 12345678.", "invalid_cvr"),
    ],
)
def test_field_checks_fire(text: str, rule: str) -> None:
    assert rule in _rules(text)


HONEST = [
    "Rengøringsassistent til hotel i Aarhus. Løn efter overenskomst, 172 kr. i timen, "
    "37 timer om ugen. Nordlys Service ApS, CVR 91234564.",
    "Chauffør til lager i Vejle. Timeløn kr. 185 efter overenskomst, 5 dage om ugen. "
    "Fjordvej Transport A/S, CVR-nr. 91234572. Dansk eller engelsk.",
    "Kitchen porter wanted in Copenhagen, 165 kr./t under the collective agreement. "
    "Havnekøkken ApS, CVR 91234599.",
]


@pytest.mark.parametrize("text", HONEST)
def test_honest_adverts_show_no_sign(text: str) -> None:
    (result,) = analyse_texts([text], kind="job")
    assert [h.rule_id for h in result.hits if h.weight > 0] == []
    assert result.kind_fields.cvr_valid is True


def test_escort_pipeline_does_not_apply_job_rules() -> None:
    (result,) = analyse_texts([EXAMPLES["documents_kept"]["en"]])
    assert "documents_kept" not in {hit.rule_id for hit in result.hits}
    assert result.kind == "escort" and result.kind_fields is None
