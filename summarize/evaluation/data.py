"""The named evaluation data sets and their local cache (``summarize data``).

One table, :data:`DATASETS`, says for each data set where every file comes from (a raw
URL at a pinned commit), its sha256, its licence (and the licence file kept beside it)
and how to cite it. ``summarize data pull NAME`` (:mod:`summarize.evaluation.download`)
fetches the files into the cache; suites name a data set (``data = "nusax-mt"``) and
read its files from there. Nothing is downloaded while evaluating: a data set that is
missing or whose files do not match their checksums stops the run with the pull command.

The cache is ``$SUMMARIZE_DATA`` if set, else ``<cache root>/data`` (``$SUMMARIZE_CACHE``
or ``~/.cache/summarize``). Its layout is ``<cache>/<folder>/<file>``, one folder per data
set, so a plain copy of the files in that layout can serve as the cache or as a mirror.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from summarize.errors import DataNotAvailableError, UnknownDataSetError


@dataclass(frozen=True)
class DataFile:
    """One file of a data set, as it lies in the cache.

    ``sha256`` is the checksum of the cached file. A file that is a cut of a bigger
    download (``head_lines``: its first N lines) also records the download's own checksum
    in ``source_sha256``; both are checked."""

    name: str
    url: str
    sha256: str
    licence: bool = False  # the licence (or the README stating it), kept beside the data
    head_lines: int | None = None
    source_sha256: str | None = None


@dataclass(frozen=True)
class DataSet:
    name: str
    folder: str
    description: str
    source: str  # "owner/repo @ commit"
    licence: str
    licence_url: str
    citation: str
    files: tuple[DataFile, ...]
    note: str = ""

    @property
    def data_files(self) -> tuple[DataFile, ...]:
        return tuple(f for f in self.files if not f.licence)

    @property
    def licence_files(self) -> tuple[DataFile, ...]:
        return tuple(f for f in self.files if f.licence)


def _raw(repo: str, commit: str, path: str) -> str:
    return f"https://raw.githubusercontent.com/{repo}/{commit}/{path}"


def _pinned(
    repo: tuple[str, str],
    path: str,
    sha256: str,
    *,
    name: str = "",
    licence: bool = False,
    head_lines: int | None = None,
    source_sha256: str | None = None,
) -> DataFile:
    """The file at ``path`` of GitHub ``repo`` (``(owner/name, commit)``), cached as ``name``
    (default: the last part of ``path``)."""
    return DataFile(
        name or path.rsplit("/", 1)[-1],
        _raw(*repo, path),
        sha256,
        licence=licence,
        head_lines=head_lines,
        source_sha256=source_sha256,
    )


_NUSAX = ("IndoNLP/nusax", "75b0be5d982348332509f296e10d9bf9cb66d60f")
_OPUS = ("Helsinki-NLP/OPUS-MT-testsets", "ac0f19c0be3cb4e0d9450fcb2d7a9847c4bdd180")
_TALPCO = ("matbahasa/TALPCo", "eb4746249830e2c0a8b192a464a74616da3e0453")
_INDOSUM = ("CalDev-id/INDOSUM2", "9280c93074959f0d99f1d48e9a2369373ff84248")
_MOZILLA = ("mozilla/firefox-translations-models", "e7957fc407441a5e3e35bbcbf9d60d9b35764618")

#: sha256 of Mozilla's six systems' outputs on FLORES-200 dev (id-en), with the BLEU and
#: COMET they published for each (files ``flores-dev.SYSTEM.en[.bleu|.comet]``).
_MT_OUTPUTS = {
    "argos": (
        "e14513d503328ea35e130b862c762a5e07c7bfbb661a098e8b8e4010f3034510",
        "f8c401299dc0eeb1128de6fef212c7c49faad26017bd4ad8d86d3a21483117e1",
        "f3449680866cca2b64f8f0c9078db151a49bf9d22853740772da2052da6882d6",
    ),
    "bergamot-tiny": (
        "9b17e436852eb8047c802591b784ce4d792b9eefcd0ad1eea0503a3596c1eafc",
        "221d7f17e34a74cdfd9ee3b93ad7fdb036812223ed3d38d549c2ba72fca13c0c",
        "1eeeeba344a4b724c638742859371ee7ab79fb5fbbdfb7b87465286e480ee2ba",
    ),
    "google": (
        "f0775c4855e7af86c8cdd01be402dd2739f8877ec67341726703a12271deb5f0",
        "4df039d4f526fc26aff863d5abb39aeea905b70ae06265b62279af7e23f6be44",
        "75df6481919cd166f937eb31d60311ca23359821ae7eeeb463605eb2279d0c84",
    ),
    "microsoft": (
        "0ff4dde27790534a84fd06df03fb84ddc8b9cb0670551d4b60cfa16f5f6383c8",
        "7f7ccb2ed43d006587d285c91cf4621b80762a091b1ad13612fe10fb08c8e9e7",
        "830d437f6d4beef2764b8b727d2a0e4b7c277fde7cd98ce5887d639146d5cb7d",
    ),
    "nllb": (
        "640d62d05b0b74614aabfa84fa27d744317cb7033d96be0c9d8a502a8bd1acf1",
        "7b285a5b180e1127828f36821533ab67d4d515768df366152294e0c3eb60798c",
        "335a8bece7534bd5df7369e70b20a3d5e6cea6140749d83dec3daf4ccd466b92",
    ),
    "opusmt": (
        "2c8c3928e87ffed433d3468095df2958eae359533af0407829e8dc577aab1ec3",
        "4c2c667ce2d9913bed8a2eebc3e85f576fb813692efaa9d05f1561f3a9eed21f",
        "649b2e724aa8e82549f9388b32895f7538bf20fe8b495c036eff7825f686aa53",
    ),
}

_FLORES_SOURCE = _pinned(
    _MOZILLA,
    "evaluation/id-en/flores-dev.id",
    "bf26d9a91c0ac76d2b9be2afe969d6e3af641ae947b930b830d4025c8961ce12",
)
_FLORES_REFERENCE = _pinned(
    _MOZILLA,
    "evaluation/id-en/flores-dev.en",
    "51a25f527fd81f428b6933d85a2f5e5544af92aa82042c7fbf0c4120327fba0a",
)
_FLORES_CITATION = (
    "NLLB Team et al. 2022. No Language Left Behind: Scaling Human-Centered Machine "
    "Translation. arXiv:2207.04672; Goyal et al. 2022. The Flores-101 Evaluation Benchmark "
    "for Low-Resource and Multilingual Machine Translation. TACL 10."
)

_TABLE: tuple[DataSet, ...] = (
    DataSet(
        name="nusax-mt",
        folder="nusax_mt",
        description="NusaX-MT: Indonesian-English parallel sentences (plus 10 local "
        "languages), 500 train + 100 valid; the English is a human translation",
        source=f"{_NUSAX[0]} @ {_NUSAX[1]}",
        licence="CC BY-SA 4.0",
        licence_url="https://creativecommons.org/licenses/by-sa/4.0/",
        citation="Winata et al. 2023. NusaX: Multilingual Parallel Sentiment Dataset for "
        "10 Indonesian Local Languages. EACL 2023 (arXiv:2205.15960).",
        files=(
            _pinned(
                _NUSAX,
                "datasets/mt/train.csv",
                "cf4276730de04f0cb3369c48b67d454f4aae52646315f19eb71b908f5dfaae0e",
            ),
            _pinned(
                _NUSAX,
                "datasets/mt/valid.csv",
                "fd148ce931676460bb89ce94205f5cea3fb0fbd1fc4b561a016dc25ceb8e049a",
            ),
            _pinned(
                _NUSAX,
                "datasets/LICENSE",
                "5e436ff8ffbb77d8607220e9bce20c8915d860010feeb6c1ebef5a85688e9b39",
                licence=True,
            ),
        ),
    ),
    DataSet(
        name="tatoeba",
        folder="tatoeba_eng_ind",
        description="Tatoeba test v2021-08-07 (OPUS-MT-testsets), Indonesian-English: "
        "4289 short sentence pairs, aligned by line",
        source=f"{_OPUS[0]} @ {_OPUS[1]}",
        licence="CC BY 2.0 FR",
        licence_url="https://creativecommons.org/licenses/by/2.0/fr/",
        citation="Tiedemann 2020. The Tatoeba Translation Challenge - Realistic Data Sets "
        "for Low Resource and Multilingual MT. WMT 2020.",
        files=(
            _pinned(
                _OPUS,
                "testsets/eng-ind/tatoeba-test-v2021-08-07.eng",
                "5be2580c047332ab45c37458c90b809d6acc8a825b5ffaa1186a10d95cc760c6",
            ),
            _pinned(
                _OPUS,
                "testsets/eng-ind/tatoeba-test-v2021-08-07.ind",
                "54a22a42977ed8fe8363ff890a4d29b10258c85b38c89828e65597fffe561445",
            ),
        ),
        note="the source repository ships no licence file for the Tatoeba sentences; "
        "their licence is CC BY 2.0 FR (tatoeba.org)",
    ),
    DataSet(
        name="talpco",
        folder="talpco",
        description="TALPCo: 1372 basic-vocabulary sentences, Indonesian and English "
        "files joined on their IDs",
        source=f"{_TALPCO[0]} @ {_TALPCO[1]}",
        licence="CC BY 4.0",
        licence_url="https://creativecommons.org/licenses/by/4.0/",
        citation="Nomoto, Okano, Moeljadi and Sawada 2018. TUFS Asian Language Parallel "
        "Corpus (TALPCo). Proceedings of the 24th Annual Meeting of the Association for "
        "Natural Language Processing, 436-439.",
        files=(
            _pinned(
                _TALPCO,
                "ind/data_ind.txt",
                "2ab889fba9590d13594f465887475105a518b90262463c0908c5976e10bf62c9",
            ),
            _pinned(
                _TALPCO,
                "eng/data_eng.txt",
                "11b6d7820b7a1fa36c19578a0f4bc3ab3baa46392c6c2d5b2e0488e81a1cd5cc",
            ),
            _pinned(
                _TALPCO,
                "readme.md",
                "47ea899b57b39fa3b6b0b2345cc8fb3f1040d624417ccd1e984b1ca55fa99a39",
                licence=True,
            ),
        ),
    ),
    DataSet(
        name="indosum",
        folder="indosum",
        description="IndoSum: the first 150 articles of dev fold 1, Indonesian news with "
        "abstractive reference summaries (pre-tokenised JSON Lines)",
        source=f"{_INDOSUM[0]} @ {_INDOSUM[1]}",
        licence="CC BY-SA 4.0",
        licence_url="https://creativecommons.org/licenses/by-sa/4.0/",
        citation="Kurniawan and Louvan 2018. IndoSum: A New Benchmark Dataset for "
        "Indonesian Text Summarization. IALP 2018, 215-220.",
        files=(
            _pinned(
                _INDOSUM,
                "indosum/dev.01.jsonl",
                "3a1090c80948e8066f6c30d73dde9c49803eda14a8a9162cf2b7bf466747d484",
                name="dev.01.first150.jsonl",
                head_lines=150,
                source_sha256="f57fd914e820f5ba929c96934a831117c1ba09fafdd0576178b0da905b57195b",
            ),
            _pinned(
                _INDOSUM,
                "indosum/README.txt",
                "6f482c4bc3996688635e0a947e633767354d3a2564804edc777b0ba762d9a413",
                licence=True,
            ),
        ),
        note="dev.01.first150.jsonl is the first 150 lines of dev.01.jsonl (3.2 MB); "
        "both checksums are checked",
    ),
    DataSet(
        name="flores200-dev",
        folder="mt_outputs_flores_dev",
        description="FLORES-200 dev, Indonesian source and English reference "
        "(997 sentences), as published with Mozilla's Firefox Translations evaluation",
        source=f"{_MOZILLA[0]} @ {_MOZILLA[1]}",
        licence="CC BY-SA 4.0",
        licence_url="https://creativecommons.org/licenses/by-sa/4.0/",
        citation=_FLORES_CITATION,
        files=(
            _FLORES_SOURCE,
            _FLORES_REFERENCE,
            _pinned(
                _OPUS,
                "LICENSE-CC-BY-SA",
                "387de84dbfb3abdbf918f748b5bf74f9c3d8ee64d13cd61af00fc68db88cdc35",
                licence=True,
            ),
        ),
        note="the licence text is the CC BY-SA 4.0 file that OPUS-MT-testsets ships for "
        "FLORES (Helsinki-NLP/OPUS-MT-testsets @ ac0f19c0)",
    ),
    DataSet(
        name="mt-outputs-flores-dev",
        folder="mt_outputs_flores_dev",
        description="Six real MT systems' English outputs for FLORES-200 dev (id-en) with "
        "the BLEU and COMET Mozilla published: opusmt, nllb, bergamot-tiny, argos, google, "
        "microsoft (plus the FLORES source and reference)",
        source=f"{_MOZILLA[0]} @ {_MOZILLA[1]}",
        licence="MPL-2.0 (FLORES-200 itself: CC BY-SA 4.0)",
        licence_url="https://www.mozilla.org/en-US/MPL/2.0/",
        citation="Mozilla, firefox-translations-models, evaluation/id-en "
        "(https://github.com/mozilla/firefox-translations-models); FLORES-200: " + _FLORES_CITATION,
        files=(
            _FLORES_SOURCE,
            _FLORES_REFERENCE,
            *(
                DataFile(
                    f"flores-dev.{system}.en{ext}",
                    _raw(*_MOZILLA, f"evaluation/id-en/flores-dev.{system}.en{ext}"),
                    digest,
                )
                for system, digests in _MT_OUTPUTS.items()
                for ext, digest in zip(("", ".bleu", ".comet"), digests, strict=True)
            ),
            _pinned(
                _MOZILLA,
                "LICENSE",
                "1f256ecad192880510e84ad60474eab7589218784b9a50bc7ceee34c2b91f1d5",
                licence=True,
            ),
        ),
        note="the error annotations of these outputs (annotations.jsonl) are not published "
        "anywhere to download from, so they are not part of this data set",
    ),
)

#: name -> data set. Read through :func:`get_dataset` (tests swap entries).
DATASETS: dict[str, DataSet] = {d.name: d for d in _TABLE}


def get_dataset(name: str) -> DataSet:
    try:
        return DATASETS[name]
    except KeyError:
        raise UnknownDataSetError(
            f"no data set named {name!r} (known: {', '.join(DATASETS)}; see `summarize data list`)"
        ) from None


def data_dir() -> Path:
    """The data cache: ``$SUMMARIZE_DATA``, else ``<cache root>/data``."""
    env = os.environ.get("SUMMARIZE_DATA")
    if env:
        return Path(env).expanduser()
    from summarize.engines.ct2.cache import cache_root

    return cache_root() / "data"


def dataset_dir(name: str, root: Path | None = None) -> Path:
    """The folder of data set ``name`` in the cache (which may not exist yet)."""
    return (root or data_dir()) / get_dataset(name).folder


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def file_state(path: Path, expected: str) -> str:
    """``ok``, ``missing`` or ``corrupt`` (present, but not the expected bytes)."""
    if not path.is_file():
        return "missing"
    try:
        return "ok" if file_sha256(path) == expected else "corrupt"
    except OSError:
        return "corrupt"


@dataclass(frozen=True)
class DataStatus:
    name: str
    folder: Path
    files: dict[str, str]  # file name -> ok | missing | corrupt (data and licence files)

    @property
    def ready(self) -> bool:
        """Every data file is there with its checksum (licence files do not count)."""
        data = {f.name for f in get_dataset(self.name).data_files}
        return all(state == "ok" for f, state in self.files.items() if f in data)

    def summary(self) -> str:
        bad = {f: s for f, s in self.files.items() if s != "ok"}
        if not bad:
            return "ok"
        if all(s == "missing" for s in bad.values()) and len(bad) == len(self.files):
            return "not downloaded"
        return ", ".join(f"{f} {s}" for f, s in bad.items())


def status(name: str, root: Path | None = None) -> DataStatus:
    ds = get_dataset(name)
    folder = dataset_dir(name, root)
    return DataStatus(
        name, folder, {f.name: file_state(folder / f.name, f.sha256) for f in ds.files}
    )


def pull_command(name: str) -> str:
    return f"summarize data pull {name}"


def require(name: str, root: Path | None = None) -> Path:
    """The folder of data set ``name`` once every data file is in the cache with its
    checksum; else :class:`DataNotAvailableError` naming the pull command."""
    st = status(name, root)
    ds = get_dataset(name)
    for f in ds.data_files:
        state = st.files[f.name]
        if state == "missing":
            raise DataNotAvailableError(
                f"data set {name!r} is not downloaded ({st.folder / f.name} is missing); "
                f"fetch it with `{pull_command(name)}`"
            )
        if state == "corrupt":
            raise DataNotAvailableError(
                f"data set {name!r}: {st.folder / f.name} does not match its sha256 (changed or "
                f"damaged); fetch it again with `{pull_command(name)}`"
            )
    return st.folder
