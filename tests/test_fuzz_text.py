"""Property tests for text preparation: any string or bytes either gives a
:class:`PreparedArticle` with non-empty sentences or raises an :class:`InputError`, never
anything else; the e-mail finder agrees with the plain regular expression it replaces.

Short in CI; ``HYPOTHESIS_PROFILE=fuzz`` runs 10,000 inputs per test (docs/hardening.md).
"""

from __future__ import annotations

import re

import fuzz_settings  # noqa: F401  (registers and loads the profile)
import pytest
from hypothesis import given
from hypothesis import strategies as st

from summarize.errors import InputError
from summarize.text import html_to_text, prepare_article, split_sentences
from summarize.text.sentences import _email_spans

pytestmark = pytest.mark.fuzz

# Pieces of hostile and of ordinary news text.
PIECES = [
    "a", ".", "a.b", "@", "a@b.c", "http://", "www.", "<div>", "</div>", "<p>", "<a ", "<!--",
    "-->", "<![", "<![CDATA[", "]]>", "&amp;", "&#", "&", "<", ">", '"', "'", "(", ")", " ",
    "\n", "\n\n", "\r\n", "\t", "\u00a0", "\u200b", "\ufeff", "\u2026", "...", "Dr. ", "U.S. ",
    "Jl. ", "No. 5", "1. ", "10.30", "Rp. 10.000", "J. Stoltenberg", " - ", " \u2013 ",
    "JAKARTA, KOMPAS.com - ", "Baca juga: ", "Sumber: ", "Komentar", "Ini kalimat. ",
    "Presiden Joko Widodo mengatakan bahwa ", "yang ", "dan ", "The ", "Dia ", "?", "!",
    "\x00", "\x07", "\ud800", "\udc80", "\ufffd", "é", "\u0301",
]  # fmt: skip

hostile_text = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(PIECES), max_size=60).map("".join),
    st.tuples(st.sampled_from(PIECES), st.integers(1, 400)).map(lambda t: t[0] * t[1]),
)


def check_prepared(value: str | bytes, html: bool | None = None) -> None:
    try:
        article = prepare_article(value, html=html)
    except InputError:
        return
    assert article.paragraphs and all(all(s for s in p) for p in article.paragraphs)
    assert article.text.strip()


@given(hostile_text, st.sampled_from([None, True, False]))
def test_prepare_article_any_text(text: str, html: bool | None) -> None:
    check_prepared(text, html)


@given(
    st.one_of(
        st.binary(max_size=300), hostile_text.map(lambda t: t.encode("utf-8", "surrogatepass"))
    )
)
def test_prepare_article_any_bytes(data: bytes) -> None:
    check_prepared(data)


@given(hostile_text)
def test_split_sentences_keeps_every_word(text: str) -> None:
    sentences = split_sentences(text)
    assert " ".join(sentences).split() == text.replace("\u2028", " ").replace(
        "\u2029", " "
    ).split() or (
        # hard-wrapped blocks join "negara-\nnegara" into one word
        "".join("".join(sentences).split()) == "".join(text.split())
    )


@given(hostile_text)
def test_html_to_text_never_raises(text: str) -> None:
    html_to_text(text)


_PLAIN_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@given(
    st.lists(
        st.sampled_from(["a", ".", "@", "-", "+", " ", "b", "_", "é", "@a.b"]), max_size=40
    ).map("".join)
)
def test_email_spans_match_the_plain_pattern(text: str) -> None:
    assert _email_spans(text) == [m.span() for m in _PLAIN_EMAIL_RE.finditer(text)]
