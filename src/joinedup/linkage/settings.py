"""The person comparison settings and blocking rules (see docs/linkage.md for the reasons).

Comparisons read the prepared columns of :mod:`joinedup.linkage.prepare`. Every blocking rule
is an equality on one or more prepared columns, held as plain data (:data:`BlockingKey`) so
that blocking recall can be measured outside the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pyarrow as pa
import pyarrow.compute as pc
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on

from joinedup.linkage.prepare import IDENTIFIER_COLUMNS

SWAPPED_WITH_TYPO = "Forename and surname swapped, with a typo"
#: Levels outside the specific-to-loose order (the monotone guard leaves them alone).
UNORDERED_LEVEL_LABELS: frozenset[str] = frozenset({SWAPPED_WITH_TYPO})

LinkType = Literal["dedupe_only", "link_only", "link_and_dedupe"]
BlockingKey = tuple[str, ...]

#: Candidate pairs: a pair is scored when the records agree on every column of any key.
PREDICTION_BLOCKING_KEYS: tuple[BlockingKey, ...] = (
    ("name_pair",),  # both names (canonical), in either order: swapped names
    ("forename_canon", "date_of_birth"),
    ("surname_canon", "date_of_birth"),
    ("dob_dm_key", "forename_initial"),  # day/month swapped or exact date, any surname
    ("dob_dm_key", "surname_initial"),
    ("dob_dm_key", "initials"),  # swapped names with typos, exact or day/month swapped date
    ("surname_canon", "forename_initial", "dob_year"),  # mistyped day or month
    ("forename_canon", "surname_initial", "dob_year"),
    ("date_of_birth", "postcode"),  # both names mistyped, or swapped with a typo
    ("postcode", "forename_initial"),  # mistyped date, same home
    ("postcode", "surname_initial"),
    ("address", "surname_initial"),  # optional address columns, when ingest has them
    ("locality", "date_of_birth"),
    ("locality", "surname_initial"),
    ("locality", "forename_initial"),
    ("nhs_number",),
    ("upn",),
    ("police_id",),
    ("phone",),  # optional key columns, when the sources have them
    ("local_id",),
)

#: EM training sessions: together they leave every comparison free in at least one.
TRAINING_BLOCKING_KEYS: tuple[BlockingKey, ...] = (
    ("date_of_birth",),
    # name pair *and* postcode: on the name pair alone, people who share a common name
    # (Ahmed Ali) swamp the block and EM learns that matches often disagree on date of birth
    ("name_pair", "postcode"),
)


#: Near-certain matches, used (with an assumed recall) to estimate the prior match rate.
DETERMINISTIC_KEYS: tuple[BlockingKey, ...] = (
    ("forename_key", "surname_key", "date_of_birth"),
    ("nhs_number",),
    ("upn",),
    ("police_id",),
)


@dataclass(frozen=True)
class PersonSettingsOptions:
    """Tuning knobs of the person model (defaults are the documented settings)."""

    link_type: LinkType = "dedupe_only"
    name_jw_thresholds: tuple[float, float] = (0.92, 0.82)
    tf_adjustment_weight: float = 1.0
    probability_two_random_records_match: float = 1e-5
    identifiers: tuple[str, ...] = IDENTIFIER_COLUMNS
    use_sex: bool = True
    use_address: bool = False
    use_locality: bool = False
    use_phone: bool = False
    use_local_id: bool = False
    use_school: bool = False
    use_birth_year: bool = False
    blocking_keys: tuple[BlockingKey, ...] = PREDICTION_BLOCKING_KEYS
    extra_retained: tuple[str, ...] = field(default_factory=tuple)


def populated_columns(table: pa.Table) -> set[str]:
    """Columns of ``table`` with at least one non-null value."""
    return {name for name in table.column_names if table[name].null_count < len(table)}


def options_for(table: pa.Table, link_type: LinkType = "dedupe_only") -> PersonSettingsOptions:
    """Options that only use the optional columns the prepared table actually fills."""
    filled = populated_columns(table)
    return PersonSettingsOptions(
        link_type=link_type,
        identifiers=tuple(c for c in IDENTIFIER_COLUMNS if c in filled),
        use_sex="sex" in filled,
        use_address="address" in filled,
        use_locality="locality" in filled,
        use_phone="phone" in filled,
        use_local_id="local_id" in filled,
        use_school="school" in filled,
        use_birth_year="birth_year" in filled,
        blocking_keys=tuple(k for k in PREDICTION_BLOCKING_KEYS if set(k) <= filled),
    )


def _name_comparison(own: str, other: str, options: PersonSettingsOptions) -> cl.CustomComparison:
    key, canon, alt = f"{own}_key", f"{own}_canon", f"{own}_alt"
    own_any, other_any = f"{own}_any", f"{other}_any"
    high, low = options.name_jw_thresholds
    return cl.CustomComparison(
        output_column_name=own,
        comparison_description=f"{own}: exact, swapped, variant table, Jaro-Winkler",
        comparison_levels=[
            cll.NullLevel(key),
            cll.ExactMatchLevel(key).configure(
                tf_adjustment_column=key, tf_adjustment_weight=options.tf_adjustment_weight
            ),
            cll.CustomLevel(
                f"{own_any}_l = {other_any}_r AND {other_any}_l = {own_any}_r",
                label_for_charts="Forename and surname swapped",
            ),
            cll.CustomLevel(
                f"({canon}_l = {canon}_r OR {alt}_l = {canon}_r OR {canon}_l = {alt}_r)",
                label_for_charts="Same canonical name (variant table)",
            ),
            cll.JaroWinklerLevel(key, high),
            cll.DamerauLevenshteinLevel(key, 1).configure(
                label_for_charts="One edit (Damerau-Levenshtein <= 1)"
            ),
            cll.JaroWinklerLevel(key, low),
            cll.And(
                cll.JaroWinklerLevel("name_low", high), cll.JaroWinklerLevel("name_high", high)
            ).configure(label_for_charts=SWAPPED_WITH_TYPO),
            cll.ElseLevel(),
        ],
    )


def _part(side: str, start: int, length: int) -> str:
    """A slice of a prepared ``YYYY-MM-DD`` date of birth, in SQL both back ends read."""
    return f"substr(date_of_birth_{side}, {start}, {length})"


def _number_gap(start: int, length: int) -> str:
    left, right = _part("l", start, length), _part("r", start, length)
    return f"abs(CAST({left} AS INTEGER) - CAST({right} AS INTEGER))"


def _dob_comparison() -> cl.CustomComparison:
    same_month = f"{_part('l', 6, 2)} = {_part('r', 6, 2)}"
    return cl.CustomComparison(
        output_column_name="date_of_birth",
        comparison_description=(
            "date of birth: exact, day/month swap, year one out, day mistyped, one typo, "
            "within a year"
        ),
        comparison_levels=[
            cll.NullLevel("date_of_birth"),
            cll.ExactMatchLevel("date_of_birth"),
            cll.CustomLevel(
                "dob_dm_key_l = dob_dm_key_r", label_for_charts="Day and month swapped"
            ),
            cll.CustomLevel(
                f"{same_month} AND {_number_gap(1, 4)} = 1 AND {_number_gap(9, 2)} <= 3",
                label_for_charts="Year one out (same month, day within 3)",
            ),
            cll.CustomLevel(
                f"{_part('l', 1, 7)} = {_part('r', 1, 7)}",
                label_for_charts="Day mistyped (same year and month)",
            ),
            cll.DamerauLevenshteinLevel("date_of_birth", 1).configure(
                label_for_charts="One other typo (Damerau-Levenshtein <= 1)"
            ),
            cll.AbsoluteDateDifferenceLevel(
                "date_of_birth", input_is_string=True, threshold=1, metric="year"
            ),
            cll.ElseLevel(),
        ],
    )


def _postcode_comparison(options: PersonSettingsOptions) -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="postcode",
        comparison_description="postcode: exact, typo, sector, district",
        comparison_levels=[
            cll.NullLevel("postcode"),
            cll.ExactMatchLevel("postcode").configure(
                tf_adjustment_column="postcode", tf_adjustment_weight=options.tf_adjustment_weight
            ),
            cll.DamerauLevenshteinLevel("postcode", 1),
            cll.ExactMatchLevel("postcode_sector"),
            cll.ExactMatchLevel("postcode_district"),
            cll.ElseLevel(),
        ],
    )


def _text_comparison(column: str, thresholds: tuple[float, ...]) -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name=column,
        comparison_levels=[
            cll.NullLevel(column),
            cll.ExactMatchLevel(column).configure(tf_adjustment_column=column),
            *[cll.JaroWinklerLevel(column, t) for t in thresholds],
            cll.ElseLevel(),
        ],
    )


def _exact_comparison(column: str) -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name=column,
        comparison_levels=[cll.NullLevel(column), cll.ExactMatchLevel(column), cll.ElseLevel()],
    )


def _local_id_comparison() -> cl.CustomComparison:
    # no null level: ids of different issuers never agree, so "else" holds every pair that
    # does not share one, and only a shared id is evidence
    return cl.CustomComparison(
        output_column_name="local_id",
        comparison_description="local id: the same agency's own number for the person",
        comparison_levels=[
            cll.ExactMatchLevel("local_id").configure(
                label_for_charts="Same agency number (client reference, local patient id)"
            ),
            cll.ElseLevel(),
        ],
    )


def _school_comparison() -> cl.CustomComparison:
    # enrolment periods (a concern's date as a period of one day) overlap; open ends allowed
    overlap = (
        "coalesce(school_from_l, '0000-00-00') <= coalesce(school_to_r, '9999-99-99') AND "
        "coalesce(school_from_r, '0000-00-00') <= coalesce(school_to_l, '9999-99-99')"
    )
    return cl.CustomComparison(
        output_column_name="school",
        comparison_description="school: the same school at the same time, the same school",
        comparison_levels=[
            cll.NullLevel("school"),
            cll.CustomLevel(
                f"school_l = school_r AND {overlap}",
                label_for_charts="Same school at the same time",
            ),
            cll.ExactMatchLevel("school"),
            cll.ElseLevel(),
        ],
    )


def _birth_year_comparison() -> cl.CustomComparison:
    # only for pairs where a side has no date of birth (the date comparison has the rest)
    both_dated = "date_of_birth_l IS NOT NULL AND date_of_birth_r IS NOT NULL"
    gap = "abs(CAST(birth_year_l AS INTEGER) - CAST(birth_year_r AS INTEGER))"
    return cl.CustomComparison(
        output_column_name="birth_year",
        comparison_description="estimated year of birth (from a recorded age), within a year",
        comparison_levels=[
            cll.CustomLevel(
                f"birth_year_l IS NULL OR birth_year_r IS NULL OR ({both_dated})",
                label_for_charts="Null, or both have a date of birth",
            ).configure(is_null_level=True),
            cll.CustomLevel(f"{gap} <= 1", label_for_charts="Within a year"),
            cll.ElseLevel(),
        ],
    )


def person_comparisons(options: PersonSettingsOptions) -> list[cl.CustomComparison]:
    """The comparisons of the person model, in output order."""
    comparisons = [
        _name_comparison("forename", "surname", options),
        _name_comparison("surname", "forename", options),
        _dob_comparison(),
        _postcode_comparison(options),
    ]
    if options.use_sex:
        comparisons.append(_exact_comparison("sex"))
    if options.use_address:
        comparisons.append(_text_comparison("address", (0.9, 0.8)))
    if options.use_locality:
        comparisons.append(_text_comparison("locality", (0.9,)))
    if options.use_phone:
        comparisons.append(_exact_comparison("phone"))
    if options.use_local_id:
        comparisons.append(_local_id_comparison())
    if options.use_school:
        comparisons.append(_school_comparison())
    if options.use_birth_year:
        comparisons.append(_birth_year_comparison())
    comparisons.extend(_exact_comparison(column) for column in options.identifiers)
    return comparisons


def blocking_rule(key: BlockingKey) -> Any:
    """A Splink blocking rule for one key (an equality on every column of the key)."""
    return block_on(*key)


def person_settings(options: PersonSettingsOptions | None = None) -> SettingsCreator:
    """The Splink settings of the person model (untrained)."""
    options = options or PersonSettingsOptions()
    return SettingsCreator(
        link_type=options.link_type,
        unique_id_column_name="record_id",
        comparisons=list(person_comparisons(options)),
        blocking_rules_to_generate_predictions=[blocking_rule(k) for k in options.blocking_keys],
        probability_two_random_records_match=options.probability_two_random_records_match,
        retain_matching_columns=True,
        additional_columns_to_retain=["agency", *options.extra_retained],
        max_iterations=20,
    )


def blocking_keys_from_model(model: dict[str, Any]) -> tuple[BlockingKey, ...]:
    """The equality keys behind a saved model's prediction blocking rules."""
    keys: list[BlockingKey] = []
    for rule in model.get("blocking_rules_to_generate_predictions", []):
        sql = rule["blocking_rule"] if isinstance(rule, dict) else str(rule)
        columns = []
        for part in sql.split(" AND "):
            left = part.split("=")[0].strip().strip("()")
            columns.append(left.removeprefix("l.").strip('"`'))
        keys.append(tuple(columns))
    return tuple(keys)


def key_array(table: pa.Table, key: Sequence[str]) -> pa.ChunkedArray | pa.Array:
    """Per-row blocking key values as Arrow (null when any column is null or absent)."""
    if not set(key) <= set(table.column_names):
        return pa.nulls(len(table), pa.string())
    return pc.binary_join_element_wise(*[table[c] for c in key], "\x1f")


def key_values(table: pa.Table, key: Sequence[str]) -> list[str | None]:
    """Per-row blocking key value (``None`` when any column of the key is null or absent)."""
    return [None if v is None else str(v) for v in key_array(table, key).to_pylist()]


def unique_keys(keys: Iterable[BlockingKey]) -> tuple[BlockingKey, ...]:
    """Keys without repeats, order kept."""
    return tuple(dict.fromkeys(keys))
