"""Main-text extraction from whole news pages (trafilatura + the Indonesian rules)."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarize.bench.extraction import chrome_left, old_extract, word_recall
from summarize.errors import EmptyInputError, NothingExtractedError
from summarize.io import iter_records
from summarize.testing.newssite import SITES, build_pages
from summarize.text import prepare_article
from summarize.text.extract import extract_page, is_whole_page

ROOT = Path(__file__).resolve().parent.parent
PAGES = build_pages(ROOT / "seeds")


@pytest.mark.parametrize("page", PAGES, ids=[p.path for p in PAGES])
def test_page_body_without_chrome_and_with_metadata(page) -> None:  # type: ignore[no-untyped-def]
    article = prepare_article(page.html, url=f"http://127.0.0.1{page.path}")
    assert word_recall(page.body, article.text) >= 0.97
    assert chrome_left(article.text) == ()
    assert article.title == page.title
    assert article.metadata["published"] == page.date
    assert article.metadata["author"] == page.author
    assert article.metadata["html"] is True
    assert article.metadata["canonical_url"].endswith(page.path)


def test_pages_cover_every_template_and_seed() -> None:
    assert {p.site for p in PAGES} == set(SITES)
    assert len(PAGES) == len(SITES) * 5


def test_dateline_rules_still_apply_after_trafilatura() -> None:
    page = next(p for p in PAGES if p.seed == "002" and p.site == "detik")
    article = prepare_article(page.html)
    assert article.metadata["dateline"] == "MOSKWA"
    assert article.text.startswith("Penguatan misi aliansi")
    wordpress = next(p for p in PAGES if p.seed == "004" and p.site == "wordpress")
    article = prepare_article(wordpress.html)
    assert article.metadata["agency"] == "ANTARA"
    assert any(r.startswith("Baca juga") for r in article.removed)


def test_the_old_stripper_leaves_the_ticker() -> None:
    """Why trafilatura: the hand-written stripper keeps a headline ticker."""
    page = next(p for p in PAGES if p.site == "portal")
    assert chrome_left(old_extract(page).text) != ()


def test_fragments_keep_the_small_stripper() -> None:
    fragment = "<p>JAKARTA - Harga beras naik lagi.</p><p>Pedagang mengeluh di pasar.</p>"
    assert not is_whole_page(fragment)
    article = prepare_article(fragment)
    assert article.text == "Harga beras naik lagi.\n\nPedagang mengeluh di pasar."
    assert "published" not in article.metadata


def test_page_without_article_text() -> None:
    empty = "<!DOCTYPE html><html><head><title>Kosong</title></head><body></body></html>"
    with pytest.raises(NothingExtractedError):
        extract_page(empty)
    with pytest.raises(EmptyInputError):
        prepare_article(empty)


def test_local_html_file_goes_the_same_way(tmp_path: Path) -> None:
    page = next(p for p in PAGES if p.seed == "003" and p.site == "portal")
    path = tmp_path / "berita.html"
    path.write_text(page.html, encoding="utf-8")
    (record,) = list(iter_records([path]))
    article = prepare_article(record["text"], html=record["html"])
    assert article.metadata["published"] == page.date
    assert chrome_left(article.text) == ()


def test_indonesian_portal_furniture_lines_are_dropped() -> None:
    text = (
        "JAKARTA - Harga beras naik lagi di pasar induk.\n\n"
        "[Gambas:Video 20detik]\n\n"
        "Pedagang mengeluh karena pembeli berkurang.\n\n"
        "Simak breaking news dan berita pilihan kami langsung di ponselmu. Pilih saluran "
        "andalanmu akses berita Kompas.com WhatsApp Channel : https://www.whatsapp.com/channel/x\n\n"
        "(rdp/imk)"
    )
    article = prepare_article(text)
    assert article.text == (
        "Harga beras naik lagi di pasar induk.\n\nPedagang mengeluh karena pembeli berkurang."
    )
    assert "[Gambas:Video 20detik]" in article.removed and "(rdp/imk)" in article.removed
    # a sentence that merely mentions WhatsApp stays
    kept = prepare_article("Warga memakai WhatsApp untuk berbagi kabar banjir di desa itu.")
    assert "WhatsApp" in kept.text
