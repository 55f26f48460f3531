"""The demo is no proxy into the server's network: through gradio_client, its link field
and its digest refuse every spelling of loopback (and redirects to it), a slow server is
cut at the fetch deadline, and a demo that listens beyond loopback serves only its
configured models. An "internal" service with a secret runs on 127.0.0.1."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from demo_helpers import free_port, running_demo
from local_servers import (
    LOOPBACK_SPELLINGS,
    SECRET,
    SLOW_HEADERS,
    Server,
    drip,
    loopback_names,
    redirect,
    secret_page,
)

from summarize.web import addresses as addr

FETCH_TIMEOUT = 3.0


@pytest.fixture(scope="module")
def internal() -> Any:
    with Server({"/secret": secret_page}) as server:
        yield server


@pytest.fixture(scope="module")
def app(tiny_models: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Any:
    from summarize.config import PipelineConfig
    from summarize.demo import DemoConfig
    from summarize.types import GenerationSettings

    config = DemoConfig(
        port=free_port(),
        pipeline=PipelineConfig(
            mt_model=tiny_models["marian"],
            sum_model=tiny_models["bart"],
            max_chars=20_000,
            translation=GenerationSettings(num_beams=1, max_new_tokens=8),
            summary=GenerationSettings(num_beams=1, min_new_tokens=1, max_new_tokens=8),
        ),
        workdir=tmp_path_factory.mktemp("demo-ssrf"),
        preload=False,
        fetch_timeout_s=FETCH_TIMEOUT,
    )
    with running_demo(config):
        yield config


@pytest.fixture(scope="module")
def client(app: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    from gradio_client import Client

    return Client(
        f"http://127.0.0.1:{app.port}/",
        verbose=False,
        download_files=str(tmp_path_factory.mktemp("ssrf-downloads")),
        analytics_enabled=False,
    )


def article_from(client: Any, config: Any, url: str) -> Any:
    return client.predict(
        "",
        None,
        "translate-summarize",
        config.mt_model,
        config.sum_model,
        "medium",
        url,
        api_name="/summarize_article",
    )


def refusal_of(client: Any, config: Any, url: str) -> str:
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError) as info:
        article_from(client, config, url)
    return str(info.value)


@pytest.fixture()
def public_127_0_0_2(monkeypatch: pytest.MonkeyPatch) -> None:
    """Treat 127.0.0.2 as public (a site on the internet); the demo runs in this process."""
    real = addr.refusal
    monkeypatch.setattr(addr, "refusal", lambda a: None if a == "127.0.0.2" else real(a))


def test_the_link_field_refuses_every_spelling_of_loopback(
    client: Any, app: Any, internal: Any
) -> None:
    hosts = [*LOOPBACK_SPELLINGS, *loopback_names()]
    assert "localhost" in hosts
    for host in hosts:
        message = refusal_of(client, app, internal.url("/secret", host))
        assert "refused to fetch" in message and "only public addresses" in message, message
        assert SECRET not in message
    assert internal.total_hits() == 0


@pytest.mark.parametrize("status", [302, 307])
def test_the_link_field_refuses_a_redirect_to_loopback(
    client: Any, app: Any, internal: Any, public_127_0_0_2: None, status: int
) -> None:
    with Server({"/go": redirect(status, internal.url("/secret"))}, "127.0.0.2") as public:
        message = refusal_of(client, app, public.url("/go"))
        assert public.hits == {"/go": 1}  # the public hop was fetched, the next refused
    assert "refused to fetch" in message and "redirected to" in message, message
    assert SECRET not in message
    assert internal.total_hits() == 0


def test_the_digest_refuses_them_too(
    client: Any, app: Any, internal: Any, public_127_0_0_2: None, tmp_path: Path
) -> None:
    with Server({"/go": redirect(302, internal.url("/secret"))}, "127.0.0.2") as public:
        links = [internal.url("/secret", h) for h in (*LOOPBACK_SPELLINGS, *loopback_names())]
        links.append(public.url("/go"))
        markdown, path, status = client.predict(
            None,
            "\n".join(links),
            "translate-summarize",
            app.mt_model,
            app.sum_model,
            "medium",
            api_name="/digest",
        )
    assert SECRET not in markdown and SECRET not in status
    assert SECRET not in Path(path).read_text(encoding="utf-8")
    assert markdown.count("refused to fetch") == len(links), markdown
    assert internal.total_hits() == 0


def test_a_slow_server_is_cut_at_the_demo_deadline(
    client: Any, app: Any, public_127_0_0_2: None
) -> None:
    with Server({"/slow": drip(SLOW_HEADERS)}, "127.0.0.2") as slow:
        start = time.monotonic()
        message = refusal_of(client, app, slow.url("/slow"))
        elapsed = time.monotonic() - start
    assert f"timed out after {FETCH_TIMEOUT:g} s" in message, message
    assert FETCH_TIMEOUT - 0.1 <= elapsed <= FETCH_TIMEOUT + 2, elapsed


def test_beyond_loopback_only_configured_models(tiny_models: dict[str, str]) -> None:
    from summarize.demo import DemoConfig
    from summarize.demo.config import DEFAULT_PIPELINE
    from summarize.demo.service import DemoError, DemoService

    pipeline = DEFAULT_PIPELINE.replace(mt_model=tiny_models["marian"], sum_model=None)
    base = DemoConfig(pipeline=pipeline, preload=False, seeds_dir=None)
    local = DemoService(base)
    assert not base.restricts_models
    assert local._check_models("extract-translate", "/srv/other-model", "")[0] == (
        "/srv/other-model"
    )
    for host in ("0.0.0.0", "::", "192.168.1.20", "demo.example.org"):
        config = base.with_(host=host, allowed_models=("Helsinki-NLP/opus-mt-id-en",))
        assert config.restricts_models, host
        service = DemoService(config)
        with pytest.raises(DemoError, match="only serves its configured models"):
            service._check_models("extract-translate", "/srv/other-model", "")
        assert service._check_models("extract-translate", "", "")[0] == tiny_models["marian"]
        allowed = service._check_models("extract-translate", "Helsinki-NLP/opus-mt-id-en", "")
        assert allowed[0] == "Helsinki-NLP/opus-mt-id-en"
