"""Property test for ``process_batch`` with the tiny models: any batch of hostile records
gives one result per input, in order, with the ids kept, and every result encodes as
strict UTF-8 JSON.

Short in CI; ``HYPOTHESIS_PROFILE=fuzz`` runs 10,000 batches (docs/hardening.md).
"""

from __future__ import annotations

import json
from typing import Any

import fuzz_settings  # noqa: F401  (registers and loads the profile)
import pytest
from hypothesis import given
from hypothesis import strategies as st

from summarize.io import strict_text
from summarize.pipeline import Pipeline, process_batch
from summarize.types import GenerationSettings

pytestmark = pytest.mark.fuzz

PIECES = [
    "Presiden Joko Widodo meresmikan jalan tol baru di Jawa Tengah. ",
    "Menurut dia, proyek itu selesai tahun depan. ",
    "a", ".", "@", "<p>", "<a ", "<!--", "&amp;", "\n\n", "\u00a0", "\ud800", "\udc80",
    "\x00", "Dr. ", "http://x.y ", "The minister said. ",
]  # fmt: skip

TEXT = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(PIECES), max_size=12).map("".join),
)
IDS = st.one_of(st.none(), st.text(max_size=8), st.integers(-5, 5), st.just(""))


def record() -> st.SearchStrategy[Any]:
    return st.one_of(
        TEXT,
        TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.fixed_dictionaries(
            {"id": IDS, "text": st.one_of(TEXT, st.none(), st.integers())},
            optional={"title": st.one_of(TEXT, st.none()), "extra": TEXT, "html": st.booleans()},
        ),
        st.integers(),
    )


@pytest.fixture(scope="module")
def pipe(tiny_models: dict[str, str]) -> Pipeline:
    return Pipeline(
        "translate-summarize",
        mt_model=tiny_models["marian"],
        sum_model=tiny_models["bart"],
        translation=GenerationSettings(max_new_tokens=4, num_beams=1),
        summary=GenerationSettings(max_new_tokens=4, num_beams=1),
    ).load()


def expected_id(item: Any, position: int) -> str:
    if isinstance(item, dict) and item.get("id") not in (None, ""):
        return strict_text(str(item["id"]))  # lone surrogates become U+FFFD
    return str(position)


@given(batch=st.lists(record(), max_size=6))
def test_process_batch_one_result_per_input_in_order(pipe: Pipeline, batch: list[Any]) -> None:
    results = process_batch(batch, pipeline=pipe)
    assert len(results) == len(batch)
    for position, (item, result) in enumerate(zip(batch, results, strict=True), start=1):
        rid = expected_id(item, position)
        assert result.id == rid
        line = json.dumps(result.to_dict(), ensure_ascii=False, allow_nan=False)
        line.encode("utf-8")  # strict UTF-8: no lone surrogates anywhere
        if result.error is None:
            assert result.summary.strip()


@given(batch=st.lists(st.tuples(IDS, TEXT), max_size=6))
def test_columnar_batch_keeps_ids_and_order(pipe: Pipeline, batch: list[tuple[Any, str]]) -> None:
    columns = {"id": [i for i, _ in batch], "text": [t for _, t in batch]}
    out = process_batch(columns, pipeline=pipe)
    assert len(out.get("id", [])) == len(batch)
    json.dumps(out, ensure_ascii=False, allow_nan=False).encode("utf-8")
