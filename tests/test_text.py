"""Tests for summarize.text: cleaning, HTML, sentences, language ID (no models, fast)."""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from summarize.errors import BinaryInputError, EmptyInputError, InputError
from summarize.text import (
    detect_language,
    html_to_text,
    is_boilerplate_line,
    looks_like_html,
    normalize_text,
    parse_source_line,
    prepare_article,
    split_dateline,
    split_paragraphs,
    split_sentences,
)
from summarize.text.stopwords import EN_STOPWORDS, ID_STOPWORDS
from summarize.types import PreparedArticle

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))

ENGLISH = (
    "NATO Secretary General Jens Stoltenberg said on Wednesday that strengthening the "
    "alliance's mission to coordinate aid to Ukraine would not make it a party to the "
    "conflict. He told reporters at the summit in Washington that the decision was taken "
    "by all members and that they were ready to take on the responsibility."
)


def seed(prefix: str) -> PreparedArticle:
    (path,) = [p for p in SEED_FILES if p.name.startswith(prefix)]
    return prepare_article(path.read_bytes())


# --- seeds -------------------------------------------------------------------------


def test_there_are_five_seeds() -> None:
    assert len(SEED_FILES) == 5


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name[:3])
def test_every_seed_is_clean_indonesian(path: Path) -> None:
    article = prepare_article(path.read_text(encoding="utf-8"))
    assert article.language == "id"
    assert article.metadata["language_confidence"] > 0.9
    assert article.warnings == ()
    for bad in ("\u201c", "\u201d", "\u2018", "\u2019", "\u2026", "\u00a0", "\n\n\n"):
        assert bad not in article.text
    for boilerplate in ("Estimated read time", "You May Also Like", "More From Author",
                        "There are no comments", "Add yours", "Sumber:"):  # fmt: skip
        assert boilerplate not in article.text
    # text is exactly the paragraphs' sentences joined
    assert article.text == "\n\n".join(" ".join(p) for p in article.paragraphs)
    assert all(s == s.strip() and s for s in article.sentences)
    # bytes and str input give the same result
    assert prepare_article(path.read_bytes()) == article


def test_seed_000_plain_article() -> None:
    a = seed("000")
    assert a.title is None
    assert a.removed == ()
    assert {"source", "dateline", "site", "agency"}.isdisjoint(a.metadata)
    assert len(a.paragraphs) == 8
    assert len(a.sentences) == 17
    assert a.text.startswith("Sekretaris Jenderal NATO, Jens Stoltenberg sebelumnya menuduh Rusia")
    assert '"mencoba menggunakan musim dingin sebagai senjata perang"' in a.text
    # the comma-quote does not end the sentence
    assert a.paragraphs[2] == (
        '"Pintu NATO terbuka," kata Stoltenberg, saat sekutu menjanjikan lebih banyak senjata'
        " untuk Kyiv dan peralatan untuk membantu memulihkan infrastruktur yang dihancurkan"
        " oleh Rusia.",
        "Di sisi lain, Stoltenberg mengatakan bahwa Rusia tidak memiliki hak veto akan"
        " bergabungnya Ukraina dengan NATO.",
    )
    # typos are not our business: kept as they are
    assert "dengna" in a.text


def test_seed_001_site_prefix() -> None:
    a = seed("001")
    assert a.metadata["site"] == "CakapCakap"
    assert a.metadata["prefix"] == "CakapCakap \u2013"
    assert "dateline" not in a.metadata and "source" not in a.metadata
    assert a.title is None
    assert "CakapCakap" not in a.text
    assert a.sentences[0].startswith("Sekretaris Jenderal NATO Jens Stoltenberg mengatakan")
    # the mid-text subheading stays in the text, straight-quoted, and is recorded
    assert ("'Perang nuklir tidak boleh dibiarkan'",) in a.paragraphs
    assert a.metadata["subheadings"] == ["'Perang nuklir tidak boleh dibiarkan'"]
    assert len(a.paragraphs) == 15
    assert len(a.sentences) == 17


def test_seed_002_dateline() -> None:
    a = seed("002")
    assert a.metadata["dateline"] == "MOSKWA"
    assert a.metadata["prefix"] == "MOSKWA -"
    assert "site" not in a.metadata and "agency" not in a.metadata
    assert a.sentences[0].startswith("Penguatan misi aliansi Pakta Pertahanan")
    assert "Rabu (10/7)." in a.sentences[0]
    assert ("Putusan NATO",) in a.paragraphs
    # "... diluncurkan. "Saya ..." splits before the opening quote
    assert a.paragraphs[2] == (
        "Seperti dikutip dari Antara, Stoltenberg mengatakan tidak tahu kapan misi untuk"
        " mengoordinasikan dukungan militer kepada Ukraina itu akan diluncurkan.",
        '"Saya tidak bisa memberi tahu Anda dengan pasti kapan, tetapi ini segera terjadi dan'
        ' kami sangat siap untuk mengambil alih tanggung jawab," kata Stoltenberg.',
    )
    assert "'tanpa batas'" in a.text
    assert len(a.paragraphs) == 17
    assert len(a.sentences) == 25


def test_seed_003_truncated_sentences_survive() -> None:
    a = seed("003")
    assert a.title is None
    assert {"source", "dateline", "site", "agency"}.isdisjoint(a.metadata)
    assert len(a.paragraphs) == 18
    assert len(a.sentences) == 22
    # a line cut off mid-sentence is kept whole, not glued to the next line
    assert a.paragraphs[3][-1].endswith("dengan NATO untuk menutup")
    assert a.paragraphs[6][-1] == "Dalam suasana inilah diskusi (di Vilnius) diadakan akan menjadi"
    assert a.paragraphs[7][0].startswith('"Kami memantau ini')
    # '"tidak masuk akal". bahwa' (lower-case continuation) is one sentence
    assert any('"tidak masuk akal". bahwa garis waktu' in s for s in a.sentences)
    # a free-standing ellipsis is an omission, not a sentence end; the en dash is kept
    assert any("aliansi ... Vilnius harus" in s for s in a.sentences)
    assert "pasukan Ukraina \u2013 janji" in a.text


def test_seed_004_headline_boilerplate_source_agency() -> None:
    a = seed("004")
    assert a.title == "Penguatan misi NATO tidak membuat aliansi jadi pihak dalam konflik"
    assert a.metadata["source"] == "Sputnik"
    assert a.metadata["dateline"] == "Moskow"
    assert a.metadata["agency"] == "ANTARA"
    assert a.removed == (
        "Estimated read time 2 min read",
        "You May Also Like",
        "More From Author",
        "+ There are no comments",
        "Add yours",
    )
    assert not a.text.startswith("Penguatan")
    assert a.sentences[0].startswith("Memperkuat misi Pakta Pertahanan Atlantik Utara (NATO)")
    assert "Moskow (ANTARA)" not in a.text
    assert a.sentences[-1] == (
        "Menteri Luar Negeri Rusia Sergei Lavrov mengatakan pengiriman senjata ke Ukraina"
        " akan menjadi target yang sah bagi Rusia."
    )
    # "KTT NATO. di Washington" (typo, lower-case next word) is not a boundary
    assert a.paragraphs[0][1].endswith("KTT NATO. di Washington, Amerika Serikat.")
    assert len(a.paragraphs) == 11
    assert len(a.sentences) == 12


# --- headline ------------------------------------------------------------------------


BODY = (
    "Pemerintah Indonesia mengumumkan kebijakan baru untuk mendukung petani di seluruh"
    " negeri pada hari Senin. Kebijakan itu mulai berlaku bulan depan."
)


def test_headline_detected() -> None:
    a = prepare_article(f"Pemerintah Umumkan Kebijakan Baru untuk Petani\n{BODY}")
    assert a.title == "Pemerintah Umumkan Kebijakan Baru untuk Petani"
    assert len(a.paragraphs) == 1
    assert a.sentences[0].startswith("Pemerintah Indonesia mengumumkan")


def test_first_sentence_is_not_a_headline() -> None:
    a = prepare_article(f"Harga beras naik lagi.\n{BODY}")
    assert a.title is None
    assert a.sentences[0] == "Harga beras naik lagi."


def test_truncated_first_line_is_not_a_headline() -> None:
    a = prepare_article(f"Harga beras di pasar tradisional\nnaik lagi minggu ini.\n{BODY}")
    assert a.title is None


def test_single_paragraph_has_no_headline() -> None:
    assert prepare_article("Harga beras naik lagi di pasar").title is None


def test_explicit_title_wins_and_duplicate_line_is_dropped() -> None:
    a = prepare_article(f"Judul Dari Teks\n{BODY}", title="Judul Resmi")
    assert a.title == "Judul Resmi"
    assert a.metadata["headline"] == "Judul Dari Teks"
    assert a.sentences[0].startswith("Pemerintah Indonesia")
    b = prepare_article(f"Judul \u201cResmi\u201d\n\n{BODY}", title='Judul "Resmi"')
    assert b.title == 'Judul "Resmi"'
    assert "headline" not in b.metadata
    assert b.sentences[0].startswith("Pemerintah Indonesia")


# --- HTML ----------------------------------------------------------------------------

HTML_DOC = """<!DOCTYPE html>
<html><head><title>Banjir Jakarta - Kompas.com</title>
<style>p { color: red; }</style><script>var s = "<p>bukan teks</p>";</script></head>
<body><nav><ul><li>Beranda</li><li>Nasional</li></ul></nav>
<article><h1>Banjir Melanda Jakarta</h1>
<p>JAKARTA, KOMPAS.com &ndash; Hujan deras sejak pagi membuat banjir di
banyak wilayah&nbsp;Jakarta. Warga &ldquo;terpaksa&rdquo; mengungsi.</p>
<div class="share-buttons"><a href="#">Facebook</a> <a href="#">Twitter</a></div>
<p>Baca juga: Hujan Deras Diperkirakan Turun Hingga Akhir Pekan</p>
<p>Petugas membuka posko pengungsian.<br>Bantuan makanan mulai &amp; terus datang.</p>
<aside>Berita terkait lainnya</aside></article>
<footer>Copyright &copy; 2024 Kompas</footer></body></html>"""


def test_html_is_detected_and_stripped() -> None:
    a = prepare_article(HTML_DOC)
    assert a.metadata["html"] is True
    assert a.title == "Banjir Melanda Jakarta"
    assert a.metadata["dateline"] == "JAKARTA"
    assert a.metadata["site"] == "KOMPAS.com"
    assert a.paragraphs == (
        ("Hujan deras sejak pagi membuat banjir di banyak wilayah Jakarta.",
         'Warga "terpaksa" mengungsi.'),
        ("Petugas membuka posko pengungsian.",),
        ("Bantuan makanan mulai & terus datang.",),
    )  # fmt: skip
    assert a.removed == ("Baca juga: Hujan Deras Diperkirakan Turun Hingga Akhir Pekan",)
    for gone in ("<", "bukan teks", "Beranda", "Facebook", "Copyright", "color"):
        assert gone not in a.text


def test_html_title_tag_used_without_h1() -> None:
    extracted = html_to_text("<title>Judul Berita | Situs</title><p>Isi berita.</p>")
    assert extracted.title == "Judul Berita"
    assert extracted.text == "Isi berita."


def test_html_detection() -> None:
    assert looks_like_html("<p>Halo</p>")
    assert looks_like_html("Baris satu<br>baris dua")
    assert looks_like_html("<div class='x'>a</div>")
    assert not looks_like_html("Indeks naik 5 < 6 dan R&D > 3")
    assert not looks_like_html(BODY)


def test_html_flag_overrides_detection() -> None:
    a = prepare_article("Tanda <p> dipakai dalam HTML untuk paragraf baru.", html=False)
    assert "html" not in a.metadata
    assert a.text == "Tanda <p> dipakai dalam HTML untuk paragraf baru."
    b = prepare_article("Teks &amp; lainnya", html=True)
    assert b.metadata["html"] is True
    assert b.text == "Teks & lainnya"


def test_entities_in_plain_text_are_unescaped_conservatively() -> None:
    a = prepare_article("Penjualan R&D naik &amp; laba &#8220;stabil&#8221;.")
    assert a.text == 'Penjualan R&D naik & laba "stabil".'


# --- normalisation -------------------------------------------------------------------


def test_nfc_normalisation() -> None:
    decomposed = "Cafe\u0301 di Jakarta ramai."
    assert unicodedata.is_normalized("NFD", decomposed)
    a = prepare_article(decomposed)
    assert a.text == "Caf\u00e9 di Jakarta ramai."
    assert "\u0301" not in a.text


def test_quotes_and_whitespace_normalised() -> None:
    raw = (
        "\u201cYa,\u201d kata \u2018dia\u2019 \u201eok\u201c \u00abnon\u00bb"
        "\u00a0dan\t\u200bitu  sini."
    )
    assert normalize_text(raw) == '"Ya," kata \'dia\' "ok" "non" dan itu sini.'


def test_dashes_kept_and_ellipsis_normalised() -> None:
    assert normalize_text("A \u2013 B \u2014 C\u2026") == "A \u2013 B \u2014 C..."


def test_line_structure_normalised() -> None:
    assert normalize_text("  a  \r\n\r\n\r\n\n b\u2028c ") == "a\n\nb\nc"


# --- boilerplate, source lines, datelines ----------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Estimated read time 2 min read",
        "You May Also Like",
        "More From Author",
        "+ There are no comments",
        "Add yours",
        "Baca juga: Rusia Serang Kyiv dengan Drone",
        "Baca Juga",
        "BACA JUGA: Harga BBM Naik",
        "Editor: Budi Santoso",
        "Copyright \u00a9 2024 ANTARA",
        "\u00a9 Kompas.com",
        "Share on Facebook",
        "Facebook Twitter WhatsApp",
        "Bagikan:",
        "Tags: NATO, Ukraina",
        "Foto: ANTARA/Budi",
        "Advertisement",
    ],
)
def test_boilerplate_lines(line: str) -> None:
    assert is_boilerplate_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Putusan NATO",
        "Editor buku itu menolak berkomentar tentang isi naskah tersebut.",
        "Bagikan kebahagiaan kepada sesama di hari raya.",
        "Rusia telah melakukan operasi militer khusus di Ukraina sejak 24 Februari 2022.",
        "Sumber: Sputnik",
    ],
)
def test_not_boilerplate(line: str) -> None:
    assert not is_boilerplate_line(line)


@pytest.mark.parametrize(
    ("line", "source"),
    [
        ("Sumber: Sputnik", "Sputnik"),
        ("Sumber : Al Jazeera", "Al Jazeera"),
        ("Source: Reuters.", "Reuters"),
        ("(Sumber: AP)", "AP"),
        ("Sumber dana berasal dari APBN: Rp 10 triliun untuk program", None),
        ("Sumber foto: ANTARA", None),
    ],
)
def test_source_lines(line: str, source: str | None) -> None:
    assert parse_source_line(line) == source


def test_boilerplate_and_source_moved_out_of_text() -> None:
    raw = (
        "Baca Juga\nRusia Serang Kyiv Lagi\n"
        f"{BODY}\nEditor: Budi\nSumber : Al Jazeera\nCopyright 2024 Situs Berita\n"
        "Artikel Terkait\nBerita Satu\nBerita Dua"
    )
    a = prepare_article(raw)
    assert a.metadata["source"] == "Al Jazeera"
    assert a.removed == (
        "Baca Juga",
        "Rusia Serang Kyiv Lagi",
        "Editor: Budi",
        "Copyright 2024 Situs Berita",
        "Artikel Terkait",
        "Berita Satu",
        "Berita Dua",
    )
    assert a.text == " ".join(split_sentences(BODY))


@pytest.mark.parametrize(
    ("paragraph", "expected", "rest"),
    [
        ("MOSKWA - Penguatan misi", {"dateline": "MOSKWA"}, "Penguatan misi"),
        ("KYIV, KOMPAS.com - Rusia menyerang", {"dateline": "KYIV", "site": "KOMPAS.com"},
         "Rusia menyerang"),
        ("Moskow (ANTARA) \u2013 Memperkuat misi", {"dateline": "Moskow", "agency": "ANTARA"},
         "Memperkuat misi"),
        ("CakapCakap \u2013 Sekretaris Jenderal", {"site": "CakapCakap"}, "Sekretaris Jenderal"),
        ("Liputan6.com, Jakarta - Presiden", {"site": "Liputan6.com", "dateline": "Jakarta"},
         "Presiden"),
        ("NEW YORK \u2014 The UN", {"dateline": "NEW YORK"}, "The UN"),
        ("JAKARTA, Kamis (10/7/2024) - Presiden", {"dateline": "JAKARTA",
                                                   "date": "Kamis, 10/7/2024"}, "Presiden"),
    ],
)  # fmt: skip
def test_datelines(paragraph: str, expected: dict[str, str], rest: str) -> None:
    result = split_dateline(paragraph)
    assert result is not None
    meta, remainder = result
    assert {k: v for k, v in meta.items() if k != "prefix"} == expected
    assert remainder == rest
    assert paragraph.startswith(meta["prefix"])


@pytest.mark.parametrize(
    "paragraph",
    [
        "Presiden Joko Widodo \u2013 yang juga ketua partai \u2013 datang.",
        "Sekretaris Jenderal NATO \u2013 Jens Stoltenberg \u2013 datang.",
        "Perang Rusia-Ukraina, yang dimulai pada 24 Februari, berlanjut.",
        "Namun \u2013 Kata dia \u2013 itu salah.",
        "Jakarta - banjir melanda",
        "Sekretaris Jenderal NATO, Jens Stoltenberg sebelumnya menuduh Rusia.",
    ],
)
def test_normal_sentence_starts_are_not_datelines(paragraph: str) -> None:
    assert split_dateline(paragraph) is None
    assert prepare_article(paragraph).text == paragraph


# --- sentences and paragraphs --------------------------------------------------------

SPLIT_CASES = [
    # abbreviations
    ("Buku, pena, dll. Semua dibawa.", ["Buku, pena, dll.", "Semua dibawa."]),
    ("Dia membawa buku dsb. untuk sekolah.", ["Dia membawa buku dsb. untuk sekolah."]),
    ("Kepada Yth. Bapak Menteri. Salam.", ["Kepada Yth. Bapak Menteri.", "Salam."]),
    ("Kantor di Jl. Sudirman No. 5 Jakarta. Rumahnya besar.",
     ["Kantor di Jl. Sudirman No. 5 Jakarta.", "Rumahnya besar."]),
    ("Prof. Dr. H. Ahmad, M.Sc. hadir. Ia berpidato.",
     ["Prof. Dr. H. Ahmad, M.Sc. hadir.", "Ia berpidato."]),
    ("Hj. Siti dan Sdr. Budi datang. St. Yohanes juga.",
     ["Hj. Siti dan Sdr. Budi datang.", "St. Yohanes juga."]),
    ("Surat a.n. Direktur u.p. Bagian Umum dikirim. Balasan belum ada.",
     ["Surat a.n. Direktur u.p. Bagian Umum dikirim.", "Balasan belum ada."]),
    ("Gelar S.H. Budi diakui.", ["Gelar S.H. Budi diakui."]),
    ("Pengacara Budi Santoso, S.H. Menjadi saksi.",
     ["Pengacara Budi Santoso, S.H.", "Menjadi saksi."]),
    ("Sekjen NATO J. Stoltenberg datang. Dia bicara.",
     ["Sekjen NATO J. Stoltenberg datang.", "Dia bicara."]),
    ("Mr. Smith met U.S. President Biden. They talked.",
     ["Mr. Smith met U.S. President Biden.", "They talked."]),
    ("Dia belajar di A.S. Dia kembali tahun lalu.",
     ["Dia belajar di A.S.", "Dia kembali tahun lalu."]),
    ("Some fruit, e.g. apples, are red. Others are not.",
     ["Some fruit, e.g. apples, are red.", "Others are not."]),
    ("Sejak 24 Feb. 2022 perang terjadi. Rapat digelar 5 Jan. Semua hadir.",
     ["Sejak 24 Feb. 2022 perang terjadi.", "Rapat digelar 5 Jan.", "Semua hadir."]),
    # numbers
    ("Harga Rp. 10.000 per kg. Pemerintah membantah.",
     ["Harga Rp. 10.000 per kg.", "Pemerintah membantah."]),
    ("Sebanyak 1.000.000 orang. Sebanyak 3,5 juta lainnya.",
     ["Sebanyak 1.000.000 orang.", "Sebanyak 3,5 juta lainnya."]),
    ("Rapat pukul 10.30 WIB. Jaraknya 2.500 km. Versi 2.5.1 dirilis.",
     ["Rapat pukul 10.30 WIB.", "Jaraknya 2.500 km.", "Versi 2.5.1 dirilis."]),
    ("Perang dimulai tahun 2022. 700 personel dikirim.",
     ["Perang dimulai tahun 2022.", "700 personel dikirim."]),
    # quotations
    ('Itu penting, kata dia. "Kami siap."', ["Itu penting, kata dia.", '"Kami siap."']),
    ('"Lebih cepat, lebih cepat," kata Kuleba. Dia pergi.',
     ['"Lebih cepat, lebih cepat," kata Kuleba.', "Dia pergi."]),
    ('Dia berkata, "Perang tidak boleh terjadi." Lalu dia pergi.',
     ['Dia berkata, "Perang tidak boleh terjadi."', "Lalu dia pergi."]),
    ('"Benarkah?" tanya dia. "Ya!" jawab Budi.', ['"Benarkah?" tanya dia.', '"Ya!" jawab Budi.']),
    ("Mereka menyebutnya \u201ctidak masuk akal\u201d. Lalu pergi.",
     ["Mereka menyebutnya \u201ctidak masuk akal\u201d.", "Lalu pergi."]),
    # ellipses, ? and !
    ("Apa? Dia tidak tahu! Benarkah...", ["Apa?", "Dia tidak tahu!", "Benarkah..."]),
    ("Dia berkata\u2026 Kemudian pergi.", ["Dia berkata\u2026", "Kemudian pergi."]),
    ("Nilai kami ... Vilnius harus setuju.", ["Nilai kami ... Vilnius harus setuju."]),
    ("Tunggu.... Ada lagi.", ["Tunggu....", "Ada lagi."]),
    # URLs and e-mail addresses
    ("Kunjungi https://www.kompas.com/read/2022/a.html. Atau kirim ke redaksi@kompas.com. Oke.",
     ["Kunjungi https://www.kompas.com/read/2022/a.html.", "Atau kirim ke redaksi@kompas.com.",
      "Oke."]),
    ("Lihat www.antaranews.com. Terima kasih.", ["Lihat www.antaranews.com.", "Terima kasih."]),
    # truncated / unterminated
    ("Dalam suasana inilah diskusi diadakan akan menjadi",
     ["Dalam suasana inilah diskusi diadakan akan menjadi"]),
    ("Pertama. kedua tetap satu kalimat.", ["Pertama. kedua tetap satu kalimat."]),
    ("", []),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), SPLIT_CASES)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_split_sentences_respects_paragraphs() -> None:
    text = "Baris satu tanpa titik\nBaris dua. Kalimat tiga."
    assert split_sentences(text) == ["Baris satu tanpa titik", "Baris dua.", "Kalimat tiga."]


def test_split_paragraphs_blank_lines_and_single_lines() -> None:
    assert split_paragraphs("A satu.\n\n  B dua.  \n\n\nC tiga.") == [
        "A satu.",
        "B dua.",
        "C tiga.",
    ]
    assert split_paragraphs("A satu.\nB dua.\nC tiga.") == ["A satu.", "B dua.", "C tiga."]
    assert split_paragraphs("  \n\n ") == []


def test_split_paragraphs_joins_hard_wrapped_text() -> None:
    wrapped = (
        "Pemerintah mengumumkan kebijakan baru untuk mendukung para\n"
        "petani di seluruh negeri pada hari Senin dan mengatakan negara-\n"
        "negara tetangga juga tertarik.\n"
        "\n"
        "Paragraf kedua."
    )
    assert split_paragraphs(wrapped) == [
        "Pemerintah mengumumkan kebijakan baru untuk mendukung para petani di seluruh negeri"
        " pada hari Senin dan mengatakan negara-negara tetangga juga tertarik.",
        "Paragraf kedua.",
    ]


# --- errors --------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\n\t \u00a0\n", b"", b"\xef\xbb\xbf  \n"])
def test_empty_input(text: str | bytes) -> None:
    with pytest.raises(EmptyInputError, match="article is empty"):
        prepare_article(text)


def test_empty_after_cleaning() -> None:
    with pytest.raises(EmptyInputError, match="after cleaning"):
        prepare_article("Estimated read time 2 min read\n\nAdd yours\nSumber: Sputnik")
    with pytest.raises(EmptyInputError, match="after cleaning"):
        prepare_article("<html><script>var a = 1;</script><nav>Menu</nav></html>")


def test_invalid_utf8() -> None:
    with pytest.raises(BinaryInputError, match="not valid UTF-8"):
        prepare_article("Harga naik".encode("latin-1") + b" \xe9t\xe9")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Teks\x00dengan NUL", "NUL"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", "PDF"),
        ("Berita dalam UTF-16".encode("utf-16"), "UTF-16"),
    ],
)
def test_binary_bytes(data: bytes, message: str) -> None:
    with pytest.raises(BinaryInputError, match=message):
        prepare_article(data)


def test_binary_looking_str() -> None:
    with pytest.raises(BinaryInputError, match="NUL"):
        prepare_article("abc\x00def")
    with pytest.raises(BinaryInputError, match="control characters"):
        prepare_article("\x01\x02\x03\x04 data \x05\x06\x07\x08\x0e\x0f")


def test_errors_are_input_errors() -> None:
    assert issubclass(BinaryInputError, InputError)
    assert issubclass(EmptyInputError, ValueError)


def test_bom_and_stray_control_characters() -> None:
    text = "Harga beras naik lagi di pasar tradisional pada pekan ini. Pedagang mengeluh."
    a = prepare_article(b"\xef\xbb\xbf" + text.encode())
    assert a.text == "Harga beras naik lagi di pasar tradisional pada pekan ini. Pedagang mengeluh."
    b = prepare_article("\ufeff" + text.replace("beras", "beras\x07"))
    assert b.text == a.text
    assert b.warnings[0].startswith("removed 1 stray control character")


def test_wrong_type() -> None:
    with pytest.raises(TypeError):
        prepare_article(123)  # type: ignore[arg-type]


# --- language ------------------------------------------------------------------------


def test_stopword_lists_are_disjoint() -> None:
    assert not ID_STOPWORDS & EN_STOPWORDS


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.name[:3])
def test_detect_language_seeds(path: Path) -> None:
    language, confidence = detect_language(path.read_text(encoding="utf-8"))
    assert language == "id"
    assert confidence > 0.8  # raw seed 004 still has English boilerplate lines


def test_detect_language_english() -> None:
    language, confidence = detect_language(ENGLISH)
    assert language == "en"
    assert confidence > 0.9


@pytest.mark.parametrize("text", ["", "NATO", "Jens Stoltenberg", "Halo!", "12345 678", "the"])
def test_detect_language_too_little_evidence(text: str) -> None:
    assert detect_language(text) == ("unknown", 0.0)


def test_detect_language_short_strings() -> None:
    assert detect_language("Saya pergi ke pasar dengan ibu")[0] == "id"
    assert detect_language("I went to the market with my mother")[0] == "en"
    lang, conf = detect_language("Saya pergi ke pasar")
    assert lang == "id" and conf < 0.6  # little evidence, low confidence


def test_detect_language_other_language_is_unknown() -> None:
    german = (
        "Der Generalsekretär der Nato hat am Mittwoch erklärt, dass die Stärkung der Mission "
        "das Bündnis nicht zur Konfliktpartei mache. Die Entscheidung wurde von allen "
        "Mitgliedern getroffen, sagte er nach dem ersten Tag des Gipfels in Washington."
    )
    assert detect_language(german)[0] == "unknown"


def test_english_article_gets_a_warning() -> None:
    a = prepare_article(ENGLISH)
    assert a.language == "en"
    assert any(w.startswith("input looks like English (not Indonesian)") for w in a.warnings)


# --- import cost ---------------------------------------------------------------------


def test_import_is_cheap() -> None:
    code = (
        "import sys, summarize.text; "
        "heavy = {'numpy', 'torch', 'transformers'} & set(sys.modules); "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
