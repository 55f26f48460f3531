"""The demo service's URL field and digest, against the local news site (no browser)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from demo_helpers import unmarked

from summarize.demo.service import DemoError, DemoService

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def service(tiny_models: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Any:
    from summarize.demo import DemoConfig
    from summarize.demo.config import DEFAULT_PIPELINE
    from summarize.types import GenerationSettings

    config = DemoConfig(
        pipeline=DEFAULT_PIPELINE.replace(
            mt_model=tiny_models["marian"],
            sum_model=tiny_models["bart"],
            translation=GenerationSettings(num_beams=1, max_new_tokens=8),
            summary=GenerationSettings(num_beams=1, min_new_tokens=1, max_new_tokens=8),
        ),
        workdir=tmp_path_factory.mktemp("demo-news"),
        preload=False,
        fetch_allow_private=True,  # the local news site is on 127.0.0.1
    )
    return DemoService(config)


def _models(service: Any) -> tuple[str, str, str]:
    cfg = service.config.pipeline
    return "translate-summarize", cfg.mt_model, cfg.sum_model


def test_article_from_a_url(service: Any, news_site: Any) -> None:
    page = news_site.page("003", "wordpress")
    out = service.summarize_article(
        "ignored text", None, *_models(service), url=news_site.url(page.path)
    )
    assert out.details["metadata"]["published"] == page.date
    assert out.details["title"] == page.title
    assert unmarked(out.alignment[0][1]).startswith("Saat para pemimpin NATO")


def test_article_url_errors_are_friendly(service: Any, news_site: Any) -> None:
    with pytest.raises(DemoError, match="HTTP 404") as info:
        service.summarize_article("", None, *_models(service), url=news_site.url("/404"))
    assert info.value.title == "Cannot fetch the page"
    with pytest.raises(DemoError, match="not a web link"):
        service.summarize_article("", None, *_models(service), url="file:///etc/passwd")


def test_digest_of_uploads_and_links(service: Any, news_site: Any) -> None:
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    links = "\n".join([news_site.url("/portal/004.html"), "", news_site.url("/500")])
    out = service.digest([str(seeds[2]), str(seeds[3])], links, *_models(service))
    assert "**2 stories** from 3 articles, 1 failed" in out.status
    assert out.markdown.startswith("# News digest")
    assert Path(out.path).read_text(encoding="utf-8") == out.markdown
    first = out.markdown.split("\n## ")[1]
    assert "2 articles" in first and news_site.url("/portal/004.html") in first
    assert "HTTP 500" in out.markdown


def test_digest_needs_input(service: Any) -> None:
    with pytest.raises(DemoError, match="Upload several articles"):
        service.digest(None, "  \n", *_models(service))
