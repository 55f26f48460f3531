"""Story grouping with MinHash LSH + an exact containment check."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from summarize.bench.stories import pairwise
from summarize.stories import (
    StoryIndex,
    StorySettings,
    group_stories,
    shingle_hashes,
    signature,
)
from summarize.text import prepare_article

ROOT = Path(__file__).resolve().parent.parent

A = (
    "Pemerintah Kota Bandung menambah armada bus sekolah gratis mulai bulan depan. "
    "Wali kota mengatakan dua puluh bus baru akan melayani rute di pinggiran kota. "
    "Program ini dibiayai dari anggaran daerah tahun ini. "
    "Para orang tua menyambut baik rencana tersebut karena ongkos angkot terus naik. "
    "Dinas Perhubungan akan mengumumkan jadwal lengkap pekan depan."
)
C = (
    "Harga cabai rawit di Pasar Induk Kramat Jati naik dua kali lipat sepekan terakhir. "
    "Pedagang menyebut pasokan dari Jawa Tengah berkurang akibat hujan deras. "
    "Kementerian Perdagangan berjanji menggelar operasi pasar di sejumlah titik. "
    "Pembeli mengeluhkan kenaikan harga yang terjadi menjelang hari raya."
)


def _seed_sources() -> dict[str, str]:
    return {
        p.stem[:3]: prepare_article(p.read_bytes()).text
        for p in sorted((ROOT / "seeds").glob("*.txt"))
    }


def test_seeds_002_and_004_share_a_story_and_no_other_pair_does() -> None:
    sources = _seed_sources()
    result = {a.id: a for a in group_stories(sources.items())}
    assert result["004"].story == result["002"].story == "002"
    for seed in ("000", "001", "003"):
        assert result[seed].story == seed
    assert len({a.story for a in result.values()}) == 4
    assert all(a.duplicate_of is None for a in result.values())  # rewrites, not copies


def test_near_copy_gets_duplicate_of_the_earlier_article() -> None:
    copy = A.replace(" Dinas Perhubungan akan mengumumkan jadwal lengkap pekan depan.", "")
    index = StoryIndex()
    first = index.add("a", A)
    second = index.add("a-copy", copy)
    third = index.add("c", C)
    assert (first.story, first.duplicate_of) == ("a", None)
    assert (second.story, second.duplicate_of) == ("a", "a")
    assert (third.story, third.duplicate_of) == ("c", None)


def test_a_later_article_can_join_two_stories() -> None:
    bridge = " ".join(A.split(". ")[:3]) + ". " + " ".join(C.split(". ")[:3]) + "."
    index = StoryIndex()
    index.add("a", A)
    assert index.add("c", C).story == "c"
    assert index.add("bridge", bridge).story == "a"
    assert index.story_of("c") == "a"  # the earlier story's id wins
    assert index.moved({"a": "a", "c": "c", "bridge": "a"}) == {"c": "a"}
    assert index.stories() == {"a": ["a", "c", "bridge"]}


def test_incremental_equals_batch_and_rejects_repeated_ids() -> None:
    sources = list(_seed_sources().items())
    batch = group_stories(sources, batch_size=2)
    index = StoryIndex()
    for key, text in sources:
        index.add(key, text)
    assert index.assignments() == batch
    with pytest.raises(ValueError, match="already added"):
        index.add("000", "teks")


def test_signatures_computed_elsewhere_give_the_same_grouping() -> None:
    import pickle

    sources = _seed_sources()
    index = StoryIndex()
    # signatures travel between processes (a distributed engine's workers) pickled
    shipped = [(k, pickle.loads(pickle.dumps(signature(t)))) for k, t in sources.items()]
    index.add_signatures(shipped)
    assert index.story_of("004") == "002"
    assert index.assignments() == group_stories(sources.items())


def test_shingles_are_stable_across_processes() -> None:
    code = "from summarize.stories import shingle_hashes; print(shingle_hashes('Harga cabai naik lagi di pasar').tolist())"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert out.strip() == str(shingle_hashes("Harga cabai naik lagi di pasar").tolist())


def test_shingles_skip_stop_word_only_runs() -> None:
    # 6 words -> 4 three-word shingles; "dan di yang" is stop words only.
    assert len(shingle_hashes("presiden dan di yang menteri rapat")) == 3
    assert len(shingle_hashes("")) == 0
    assert len(shingle_hashes("Jakarta")) == 1  # shorter than a shingle: one shingle
    assert shingle_hashes("A b, C!").dtype == np.uint32


def test_empty_text_is_its_own_story() -> None:
    index = StoryIndex()
    index.add("a", A)
    assert index.add("empty", "").story == "empty"


def test_settings_are_checked() -> None:
    with pytest.raises(ValueError, match="bands"):
        StoryIndex(StorySettings(num_perm=16, bands=8, rows=4))


def test_pairwise_scores_hand_checked() -> None:
    # truth {a,b,c} {d}; predicted {a,b} {c,d}: 1 of 2 predicted pairs right, 1 of 3 found.
    scores = pairwise(["x", "x", "x", "y"], ["p", "p", "q", "q"])
    assert scores["precision"] == 0.5
    assert scores["recall"] == pytest.approx(1 / 3)


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_ray_output_grouped_in_input_order(tmp_path: Path, fmt: str) -> None:
    """The Ray engine's pass over finished part files: records get the story they would
    have got when written in input order (whatever part file holds them), part files are
    rewritten in place, and the merge goes to OUTDIR.stories.json as the local engine's."""
    pytest.importorskip("pyarrow")
    from summarize.distributed import output
    from summarize.distributed.grouping import assign_stories, stories_path

    bridge = " ".join(A.split(". ")[:3]) + ". " + " ".join(C.split(". ")[:3]) + "."
    rec = {"id": "", "source": "", "error": None, "story": None, "duplicate_of": None}
    out = tmp_path / "out"
    # actors finished out of order: the bridge's part file comes first
    output.write_part(out, [json.dumps({**rec, "id": "bridge", "source": bridge})], fmt)
    output.write_part(
        out,
        [
            json.dumps({**rec, "id": "c", "source": C}),
            json.dumps({**rec, "id": "bad", "error": "x"}),
        ],
        fmt,
    )
    output.write_part(out, [json.dumps({**rec, "id": "a", "source": A})], fmt)
    names = [p.name for p in output.part_files(out)]
    done = assign_stories(out, ["a", "bad", "c", "bridge"])
    got = {r["id"]: (r["story"], r["duplicate_of"]) for r in output.read_results(out)}
    assert got == {"a": ("a", None), "c": ("c", None), "bridge": ("a", None), "bad": (None, None)}
    assert [p.name for p in output.part_files(out)] == names  # rewritten in place
    assert (done.articles, done.stories, done.rewritten) == (3, 1, 3)
    assert done.merged_path == stories_path(out) == tmp_path / "out.stories.json"
    final = json.loads(done.merged_path.read_text(encoding="utf-8"))
    assert final == {"a": "a", "c": "a", "bridge": "a"}


def _mixed_articles(n: int = 200) -> list[dict[str, object]]:
    """``n`` records: stories of several articles sharing most sentences, exact and
    near copies (a word changed, a sentence dropped), articles of their own, bridges
    joining two stories, and a few bad records."""
    import random

    from summarize.testing.corpus import FALLBACK_INDONESIAN as sents

    rng = random.Random(22)
    seeds = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    out: list[dict[str, object]] = []
    for i in range(n):
        kind = i % 8
        if kind == 0:
            text = seeds[i % len(seeds)]  # an exact copy of a seed
        elif kind == 1:  # a near-copy of a seed: one sentence dropped, one word changed
            lines = [s for s in seeds[i % len(seeds)].split(". ") if s]
            del lines[rng.randrange(1, len(lines))]
            text = ". ".join(lines).replace(" dan ", " serta ", 1)
        elif kind == 2:
            text = A if i % 3 else C
        elif kind == 3:  # a bridge: half of A, half of C
            text = " ".join(A.split(". ")[:3]) + ". " + " ".join(C.split(". ")[:3]) + "."
        elif kind == 4:
            text = " ".join(rng.sample(sents, 4))  # an article of its own
        elif kind == 5 and i % 40 == 5:
            out.append({"id": f"m{i}", "text": 42})  # a bad record
            continue
        else:
            text = " ".join(sents[(i + k) % len(sents)] for k in range(3))
        out.append({"id": f"m{i}", "text": text})
    return out


def test_ray_stories_equal_the_local_engines_on_seeds_and_200_mixed_articles(
    tiny_models: dict[str, str], tmp_path: Path
) -> None:
    """``story`` and ``duplicate_of`` of every record: ``summarize run`` with the local
    engine against the Ray engine with 2 actors, on the seeds and 200 mixed articles."""
    pytest.importorskip("ray")
    pytest.importorskip("pyarrow")
    import os

    from summarize.distributed import read_results

    src = tmp_path / "mixed.jsonl"
    rows = _mixed_articles()
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    base = [sys.executable, "-m", "summarize", "run", str(ROOT / "seeds"), str(src)]
    base += ["-s", "extract-translate", "--mt-model", tiny_models["marian"], "--num-beams", "1"]
    base += ["--max-translation-length", "4", "--no-progress", "--no-repair"]
    env = {k: v for k, v in os.environ.items() if k != "RAY_ADDRESS"}
    local_out, ray_out = tmp_path / "local.jsonl", tmp_path / "ray"
    for cmd in (
        [*base, "-o", str(local_out), "-b", "8"],
        [*base, "-o", str(ray_out), "--engine", "ray", "--actors", "2", "-b", "8"],
    ):
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=900, env=env)
        assert done.returncode == 1, done.stderr[-3000:]  # the bad records
    lines = local_out.read_text(encoding="utf-8").splitlines()
    local = {r["id"]: (r["story"], r["duplicate_of"]) for r in map(json.loads, lines)}
    got = {r["id"]: (r["story"], r["duplicate_of"]) for r in read_results(ray_out)}
    assert len(local) == 5 + len(rows)
    assert got == local
    stories = {story for story, _ in local.values() if story}
    copies = sum(1 for _, dup in local.values() if dup)
    # the mix really groups: several stories of many articles, and many near-copies
    assert 5 < len(stories) < len(local) - 100 and copies > 50, (len(stories), copies)
