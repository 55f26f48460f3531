"""Named evaluation data sets: the table, `summarize data pull/list`, the cache, and suites
that read from it. Every download goes to a local http.server (tests/conftest.py)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from summarize.cli import main
from summarize.cli_errors import EXIT_FATAL, EXIT_USAGE
from summarize.errors import DataDownloadError, DataNotAvailableError
from summarize.evaluation import data
from summarize.evaluation.data import DATASETS, DataFile, get_dataset, require, status
from summarize.evaluation.download import pull
from summarize.testing.fileserver import serve_directory

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "data" / "evaldata" / "nusax_mt"
SHARED_EVALDATA = ROOT.parent / "shared" / "evaldata"


def invoke(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ------------------------------------------------------------------------- the table


def test_every_data_set_has_pinned_sources_checksums_licence_and_citation() -> None:
    assert {"nusax-mt", "tatoeba", "talpco", "indosum", "flores200-dev"} <= set(DATASETS)
    assert "mt-outputs-flores-dev" in DATASETS
    raw = re.compile(r"^https://raw\.githubusercontent\.com/[\w.-]+/[\w.-]+/[0-9a-f]{40}/\S+$")
    by_path: dict[str, str] = {}
    for name, ds in DATASETS.items():
        assert ds.name == name and ds.licence and ds.licence_url.startswith("https://")
        assert ds.citation and ds.data_files, name
        assert re.fullmatch(r"[\w.-]+/[\w.-]+ @ [0-9a-f]{40}", ds.source), ds.source
        assert ds.licence_files or "licence" in ds.note, name  # a file, or why there is none
        for f in ds.files:
            assert raw.match(f.url), f.url
            assert re.fullmatch(r"[0-9a-f]{64}", f.sha256), f.name
            assert (f.head_lines is None) == (f.source_sha256 is None)
            # a file two data sets share (one folder) is the same file in both
            assert by_path.setdefault(f"{ds.folder}/{f.name}", f.sha256) == f.sha256


def test_unknown_data_set_is_a_usage_error() -> None:
    result = invoke("data", "pull", "no-such-set")
    assert result.exit_code == EXIT_USAGE
    assert result.output.startswith("Error: no data set named 'no-such-set' (known: nusax-mt")


def test_the_package_holds_no_machine_paths() -> None:
    """No absolute path of one machine, and no folder beside the checkout, in the package."""
    offenders = []
    for path in (ROOT / "summarize").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"/work/|shared/evaldata|\.\./shared|\"shared\"\s*/", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


# ------------------------------------------------------------- pull, cache, checksum


def test_pull_downloads_checks_caches_and_reports_the_licence(tiny_data: Any) -> None:
    result = invoke("data", "pull", "nusax-mt")
    assert result.exit_code == 0, result.output
    folder = tiny_data.cache / "nusax_mt"
    assert f"nusax-mt: 3 file(s) fetched, 0 already cached, sha256 ok -> {folder}" in result.output
    assert "licence: CC BY-SA 4.0" in result.output and "licence file: LICENSE" in result.output
    assert "cite: Winata et al. 2023" in result.output
    for name in ("train.csv", "valid.csv", "LICENSE"):  # the licence lies beside the data
        assert (folder / name).read_bytes() == (FIXTURE / name).read_bytes()
    assert sorted(p.name for p in folder.iterdir()) == ["LICENSE", "train.csv", "valid.csv"]
    again = invoke("data", "pull", "nusax-mt")
    assert "0 file(s) fetched, 3 already cached" in again.output
    listed = invoke("data", "list")
    assert f"data cache: {tiny_data.cache}" in listed.output
    assert re.search(r"^nusax-mt\s+ok\s+CC BY-SA 4.0", listed.output, re.M)
    assert re.search(r"^tatoeba\s+not downloaded", listed.output, re.M)


def test_eval_reads_the_data_set_from_the_cache(tiny_data: Any, tmp_path: Path) -> None:
    tiny_data.pull()
    out = tmp_path / "out"
    result = invoke("eval", "nusax-mt", "--system", "copy-source", "--no-plot", "-o", str(out))
    assert result.exit_code == 0, result.output
    dataset = json.loads((out / "results.json").read_text(encoding="utf-8"))["signature"]["dataset"]
    assert dataset["data"] == "nusax-mt" and dataset["items"] == 6
    assert dataset["paths"]["path"] == str(tiny_data.cache / "nusax_mt" / "valid.csv")
    assert dataset["sha256"] == sha((FIXTURE / "valid.csv").read_bytes())


def test_a_missing_data_set_names_the_pull_command(tiny_data: Any, tmp_path: Path) -> None:
    result = invoke("eval", "nusax-mt", "--system", "copy-source", "-o", str(tmp_path))
    assert result.exit_code == EXIT_USAGE
    assert result.output.strip().splitlines() == [
        f"Error: data set 'nusax-mt' is not downloaded ({tiny_data.cache}/nusax_mt/train.csv "
        "is missing); fetch it with `summarize data pull nusax-mt`"
    ]
    trust = invoke("eval", "trust", "--limit", "3", "-o", str(tmp_path))
    assert trust.exit_code == EXIT_USAGE and "`summarize data pull nusax-mt`" in trust.output


def test_a_corrupted_cached_file_is_detected_and_fetched_again(
    tiny_data: Any, tmp_path: Path
) -> None:
    folder = tiny_data.pull()
    good = (folder / "valid.csv").read_bytes()
    (folder / "valid.csv").write_bytes(good.replace(b"cabai", b"cabe"))
    assert status("nusax-mt").files == {"train.csv": "ok", "valid.csv": "corrupt", "LICENSE": "ok"}
    assert re.search(r"^nusax-mt\s+valid\.csv corrupt", invoke("data", "list").output, re.M)
    result = invoke("eval", "nusax-mt", "--system", "copy-source", "-o", str(tmp_path))
    assert result.exit_code == EXIT_USAGE
    assert "valid.csv does not match its sha256" in result.output
    assert "fetch it again with `summarize data pull nusax-mt`" in result.output
    pulled = invoke("data", "pull", "nusax-mt")
    assert "1 file(s) fetched, 2 already cached" in pulled.output
    assert "fetched again (checksum failed): valid.csv" in pulled.output
    assert (folder / "valid.csv").read_bytes() == good
    assert require("nusax-mt") == folder


def test_a_download_that_fails_its_checksum_caches_nothing(
    tiny_data: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    ds = get_dataset("nusax-mt")
    wrong = tuple(
        dataclasses.replace(f, sha256="0" * 64) if f.name == "valid.csv" else f for f in ds.files
    )
    monkeypatch.setitem(DATASETS, "nusax-mt", dataclasses.replace(ds, files=wrong))
    result = invoke("data", "pull", "nusax-mt")
    assert result.exit_code == EXIT_FATAL
    assert "valid.csv does not match its recorded sha256" in result.output
    folder = tiny_data.cache / "nusax_mt"
    assert sorted(p.name for p in folder.iterdir()) == ["train.csv"]  # no valid.csv, no .part


def test_http_errors_are_one_line(tiny_data: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUMMARIZE_DATA_MIRROR", tiny_data.url + "/nowhere")
    result = invoke("data", "pull", "nusax-mt")
    assert result.exit_code == EXIT_FATAL
    assert result.output.strip().splitlines() == [
        f"Error: cannot download {tiny_data.url}/nowhere/nusax_mt/train.csv: HTTP 404"
    ]
    with pytest.raises(DataNotAvailableError):
        require("nusax-mt")


def test_from_the_source_a_cut_file_checks_the_download_and_the_cut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a mirror each file comes from its own URL; a file kept as the first N lines
    of a download checks both the download's checksum and the cut's."""
    origin = tmp_path / "origin"
    origin.mkdir()
    lines = [json.dumps({"id": i, "text": f"baris {i}"}).encode() + b"\n" for i in range(10)]
    (origin / "dev.jsonl").write_bytes(b"".join(lines))
    (origin / "README").write_bytes(b"licence: CC BY-SA 4.0\n")
    monkeypatch.delenv("SUMMARIZE_DATA_MIRROR", raising=False)
    with serve_directory(origin) as url:
        cut = DataFile(
            "dev.first4.jsonl",
            f"{url}/dev.jsonl",
            sha(b"".join(lines[:4])),
            head_lines=4,
            source_sha256=sha(b"".join(lines)),
        )
        readme = DataFile("README", f"{url}/README", sha(b"licence: CC BY-SA 4.0\n"), licence=True)
        entry = dataclasses.replace(get_dataset("indosum"), files=(cut, readme))
        monkeypatch.setitem(DATASETS, "indosum", entry)
        result = pull("indosum", root=tmp_path / "cache", progress=False)
        assert result.fetched == ("dev.first4.jsonl", "README")
        assert (tmp_path / "cache" / "indosum" / "dev.first4.jsonl").read_bytes() == b"".join(
            lines[:4]
        )
        (origin / "dev.jsonl").write_bytes(b"".join(lines[:9]))  # the source changed
        (tmp_path / "cache" / "indosum" / "dev.first4.jsonl").unlink()
        with pytest.raises(DataDownloadError, match=r"dev.jsonl does not match"):
            pull("indosum", root=tmp_path / "cache", progress=False)
        assert not (tmp_path / "cache" / "indosum" / "dev.first4.jsonl").exists()


def test_the_stories_bench_reads_indosum_from_the_data_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from summarize.bench.stories import main as bench_main

    monkeypatch.setenv("SUMMARIZE_DATA", str(tmp_path / "empty"))
    assert bench_main(["--size", "10"]) == 2
    assert "`summarize data pull indosum`" in capsys.readouterr().err


# ------------------------------------------------------------------ the real files


@pytest.mark.skipif(not SHARED_EVALDATA.is_dir(), reason=f"no {SHARED_EVALDATA} to check against")
def test_the_table_matches_the_real_files() -> None:
    """The checksums in the table are those of the real files (CI keeps a copy in the
    cache layout beside the checkout)."""
    for ds in DATASETS.values():
        for f in ds.data_files:
            path = SHARED_EVALDATA / ds.folder / f.name
            assert data.file_sha256(path) == f.sha256, path


def test_the_real_data_sets_are_pulled_through_the_local_server(evaldata: Path) -> None:
    for name in ("nusax-mt", "tatoeba", "talpco", "indosum"):
        assert status(name).ready, name
        assert require(name) == evaldata / get_dataset(name).folder
