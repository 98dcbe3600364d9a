"""k-anonymity and l-diversity hold for any rows; pseudonyms are per recipient."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.core.keys import Keyring
from pipeline.reports.export.anonymity import check, classes, enforce
from pipeline.reports.export.generalise import age_band, nationality_group, neutralise
from pipeline.reports.export.rows import Pseudonymiser

QUASI = ["week", "region"]
rows_strategy = st.lists(
    st.fixed_dictionaries(
        {
            "week": st.sampled_from(["2026-W45", "2026-W46"]),
            "region": st.sampled_from(["Hovedstaden", "Sjælland", "Midtjylland"]),
            "ind_youth": st.booleans(),
            "ind_voice": st.booleans(),
        }
    ),
    max_size=120,
)


@settings(max_examples=200, deadline=None)
@given(rows=rows_strategy, k=st.integers(2, 12), l_div=st.integers(1, 3))
def test_export_every_class_has_k_rows_and_l_diversity(
    rows: list[dict], k: int, l_div: int
) -> None:
    result = enforce(rows, QUASI, ["ind_youth", "ind_voice"], k, l_div)
    assert all(len(members) >= k for members in classes(result.kept, QUASI).values())
    assert check(result.kept, QUASI, ["ind_youth", "ind_voice"], k, l_div)
    assert len(result.kept) + result.suppressed_total == len(rows)


def test_export_crafted_unique_record_is_suppressed() -> None:
    common = [
        {"week": "2026-W45", "region": "Hovedstaden", "ind_youth": n % 2 == 0} for n in range(12)
    ]
    unique = {"week": "2026-W46", "region": "Nordjylland", "ind_youth": True}
    result = enforce([*common, unique], QUASI, ["ind_youth"], 10, 2)
    assert unique not in result.kept and len(result.kept) == 12
    assert result.suppressed == {"k-anonymity": 1, "l-diversity": 0}


def test_export_homogeneous_class_breaks_l_diversity() -> None:
    rows = [{"week": "w", "region": "r", "ind_youth": True} for _ in range(10)]
    assert enforce(rows, QUASI, ["ind_youth"], 10, 2).suppressed["l-diversity"] == 10
    absent = [{**row, "ind_youth": False} for row in rows]
    assert len(enforce(absent, QUASI, ["ind_youth"], 10, 2).kept) == 10


def test_export_pseudonyms_per_recipient() -> None:
    keyring = Keyring(bytes(range(32)))
    uni, ngo = Pseudonymiser(keyring, "Uni A"), Pseudonymiser(keyring, "NGO B")
    assert uni("advert", 5) == Pseudonymiser(keyring, " uni a ")("advert", 5)
    assert uni("advert", 5) != ngo("advert", 5)
    assert uni("advert", 5) != uni("advert", 6) and uni("advert", 5) != uni("cluster", 5)
    assert keyring.pseudonym("advert", "5")[:20] != uni("advert", 5)


def test_export_generalisation() -> None:
    assert [age_band(a) for a in (17, 18, 23, 24, 35, 52, None)] == [
        "under 18",
        "18-23",
        "18-23",
        "24-29",
        "30-39",
        "40+",
        "unknown",
    ]
    assert nationality_group(["thai"]) == "Asia"
    assert nationality_group(["rumænsk", "exotic"]) == "Eastern Europe"
    assert nationality_group(["thai", "rumænsk"]) == "several groups"
    assert nationality_group([]) == "not stated"
    assert [neutralise(c) for c in ("=1+1", "+45", "-x", "@h", "\tx", "ok", 3)] == [
        "'=1+1",
        "'+45",
        "'-x",
        "'@h",
        "'\tx",
        "ok",
        3,
    ]


def _person(row: dict) -> str:
    return row["cluster"]


def test_rule12_k_counts_distinct_clusters_not_advert_rows() -> None:
    """Audit rule 12: ten adverts of three persons are not a class of ten."""
    rows = [
        {"week": "w", "region": "r", "cluster": f"c{n % 3}", "ind_youth": n % 2 == 0}
        for n in range(10)
    ]
    assert len(enforce(rows, QUASI, ["ind_youth"], 10, 2).kept) == 10  # rows: looks fine
    refused = enforce(rows, QUASI, ["ind_youth"], 10, 2, _person)
    assert refused.kept == [] and refused.suppressed["k-anonymity"] == 10
    assert not check(rows, QUASI, ["ind_youth"], 10, 2, _person)
    many = [{**row, "cluster": f"c{n}"} for n, row in enumerate(rows)]
    assert len(enforce(many, QUASI, ["ind_youth"], 10, 2, _person).kept) == 10
