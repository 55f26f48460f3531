"""Training text for the tiny tokenizers.

The Indonesian side comes from the repository's ``seeds/*.txt`` news articles (or a
small built-in sample when that directory is missing, e.g. in an installed wheel); the
English side is a built-in list of short news-like sentences so that target-side
vocabularies (Marian's ``target.spm``, the English half of shared vocabularies) exist.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

FALLBACK_INDONESIAN: tuple[str, ...] = (
    "Sekretaris Jenderal NATO mengatakan aliansi akan terus memberikan bantuan kepada Ukraina.",
    "Pemerintah Indonesia mengumumkan kebijakan baru untuk membantu para petani di desa.",
    "Serangan terhadap infrastruktur listrik menyebabkan jutaan orang kehilangan aliran listrik.",
    "Presiden bertemu dengan para menteri di Jakarta pada hari Senin untuk membahas anggaran.",
    "Harga beras naik di beberapa daerah karena musim kemarau yang panjang.",
    "Juru bicara kementerian luar negeri mengatakan kepada wartawan bahwa pertemuan berjalan lancar.",
    "Bank Indonesia mempertahankan suku bunga acuan untuk menjaga stabilitas nilai tukar rupiah.",
    "Banjir melanda sejumlah wilayah di Jawa Barat setelah hujan deras sepanjang malam.",
    "Para pemimpin negara anggota berkumpul di ibu kota untuk pertemuan puncak tahunan.",
    "Polisi masih menyelidiki penyebab kebakaran yang terjadi di pasar tradisional itu.",
    "Menurut laporan terbaru, jumlah wisatawan asing yang datang ke Bali terus meningkat.",
    "Dia meminta semua pihak untuk menahan diri dan menyelesaikan konflik melalui dialog.",
)

ENGLISH_SENTENCES: tuple[str, ...] = (
    "NATO Secretary General Jens Stoltenberg said the alliance would keep supporting Ukraine.",
    "Russia has been accused of using winter as a weapon of war against Ukraine.",
    "Millions of people were left without electricity and water after the attacks.",
    "The foreign ministers met in Bucharest, the capital of Romania, on Tuesday.",
    "Leaders of the military alliance gathered in Lithuania for a two-day summit.",
    "A spokeswoman for the Russian foreign ministry told Al Jazeera that the plan was dangerous.",
    "The government said on Monday that the new policy would help farmers and fishermen.",
    "Officials in Jakarta announced the results of the regional election on Wednesday.",
    "Indonesia's central bank kept its benchmark interest rate unchanged to support the rupiah.",
    "Floods hit several districts in West Java after heavy rain fell throughout the night.",
    "The president met ministers at the palace to discuss next year's state budget.",
    "Police are still investigating the cause of the fire at the traditional market.",
    "The number of foreign tourists visiting Bali continued to rise this year.",
    "He urged all parties to show restraint and resolve the conflict through dialogue.",
    "The minister said the country needs more investment in roads, ports and power plants.",
    "Prices of rice and cooking oil rose in many provinces because of the long dry season.",
    "The alliance agreed to strengthen its mission to coordinate military aid to Kyiv.",
    "Member states promised to send more air defence systems before the end of the year.",
    "The summit was dominated by the war in Ukraine and Kyiv's wish to join the alliance.",
    "Moscow warned that the decision would have serious consequences for European security.",
    "The company reported higher profits in the third quarter thanks to strong exports.",
    "Doctors said the patients were in stable condition after being taken to hospital.",
    "The court sentenced the former official to eight years in prison for corruption.",
    "Students and teachers returned to school after the holiday on Monday morning.",
    "The earthquake damaged hundreds of houses, but no deaths were reported.",
    "According to the latest report, inflation slowed to three percent in November.",
    "The agreement will take effect next month after it is signed by both countries.",
    "Thousands of people joined the protest in front of the parliament building.",
    "The weather agency warned of strong winds and high waves along the southern coast.",
    "Experts said the new rules could make it easier for small businesses to get loans.",
    "The ministry of health launched a vaccination campaign for children in rural areas.",
    "The train service between the two cities will resume after repairs are completed.",
    "In a statement, the ministers condemned the continued attacks on civilian infrastructure.",
    "The talks ended without an agreement, but both sides said they would meet again.",
    "Stoltenberg said the stronger mission would not make NATO a party to the conflict.",
    "The United States and its allies have sent weapons and money to help Ukraine.",
)


@dataclass(frozen=True)
class SeedCorpus:
    """Indonesian and English training lines for the tiny tokenizers."""

    indonesian: tuple[str, ...]
    english: tuple[str, ...]

    @property
    def all_lines(self) -> tuple[str, ...]:
        """Indonesian lines followed by English lines."""
        return self.indonesian + self.english

    def fingerprint(self) -> str:
        """A short stable hash of the corpus (used to invalidate cached models)."""
        digest = hashlib.sha256()
        for line in self.all_lines:
            digest.update(line.encode("utf-8"))
            digest.update(b"\n")
        return digest.hexdigest()[:16]


def default_seeds_dir() -> Path:
    """The repository's ``seeds/`` directory (may not exist in an installed wheel)."""
    import summarize

    return Path(summarize.__file__).resolve().parent.parent / "seeds"


def _split_lines(text: str) -> list[str]:
    """Non-empty, whitespace-normalised lines of ``text``."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def read_seed_lines(seeds_dir: Path | None) -> tuple[str, ...]:
    """Lines of every ``*.txt`` in ``seeds_dir`` (sorted by name), or the built-in sample."""
    directory = default_seeds_dir() if seeds_dir is None else Path(seeds_dir)
    lines: list[str] = []
    if directory.is_dir():
        for path in sorted(directory.glob("*.txt")):
            lines.extend(_split_lines(path.read_text(encoding="utf-8", errors="replace")))
    return tuple(lines) if lines else FALLBACK_INDONESIAN


def load_corpus(seeds_dir: str | os.PathLike[str] | None = None) -> SeedCorpus:
    """Build the training corpus from ``seeds_dir`` (default: the repo's ``seeds/``)."""
    path = None if seeds_dir is None else Path(seeds_dir)
    return SeedCorpus(indonesian=read_seed_lines(path), english=ENGLISH_SENTENCES)
