"""Text preparation on hostile input: broken markup, control and space characters.
(Speed is measured by ``python -m summarize.bench --text-worst-case``, not here.)"""

from __future__ import annotations

import sys
import unicodedata

import pytest

from summarize.text import html_to_text, normalize_text, prepare_article
from summarize.text.clean import _SPACES_AND_CONTROLS, _control_characters
from summarize.text.html import _escape_broken_markup


def test_space_and_control_table_matches_unicodedata():
    for code in range(sys.maxunicode + 1):
        category = unicodedata.category(chr(code))
        if code == 0x0A:
            expected: str | None = "\n"
        elif code == 0x09 or category == "Zs":
            expected = " "
        elif category == "Cc":
            expected = None
        else:
            expected = chr(code)
        assert chr(code).translate(_SPACES_AND_CONTROLS) == (expected or ""), hex(code)


def test_control_count_skips_line_and_tab_characters():
    assert _control_characters("a\x00b\x07\t\n\r\x0b\x0c\x85\x7f") == 4


def test_normalize_text_spaces_and_controls():
    assert normalize_text("a\u00a0\u2009b\tc\x07d\u3000e") == "a b cd e"


@pytest.mark.parametrize(
    "markup",
    ["<![", "<![" * 50, "<a <a <a", "<!--" * 20, "</" * 20, "<p x='" * 10, "<?" * 10],
)
def test_broken_markup_never_raises(markup):
    html_to_text("<p>Halo dunia.</p>" + markup)


def test_broken_markup_is_kept_as_text_and_complete_tags_still_work():
    assert _escape_broken_markup("<p>a < b</p>") == "<p>a &lt; b</p>"
    assert _escape_broken_markup("<!-- x --><p>y</p>") == "<!-- x --><p>y</p>"
    assert _escape_broken_markup("<!-- open <p>y</p>") == "&lt;!-- open <p>y</p>"
    assert html_to_text("<p>Harga naik <a <b>5%</b>.</p>").text == "Harga naik <a 5%."


def test_unclosed_quoted_attribute_is_text_and_quoted_values_may_hold_gt():
    # libxml2 would read an unclosed value to the end of the document and drop the text
    article = prepare_article('<p a="' + ">>>Teks pertama. Teks kedua.")
    assert article.paragraphs == (('<p a=">>>Teks pertama.', "Teks kedua."),)
    assert html_to_text("<p a='b>Halo dunia.").text == "<p a='b>Halo dunia."
    # complete tags still parse: ">" inside a quoted value, quotes inside unquoted values
    assert html_to_text('<a title="x > y">Teks</a>').text == "Teks"
    assert html_to_text('<p class=x\'y>Halo</p><p a = "b">c</p>').text == "Halo\n\nc"


def test_unclosed_tag_runs_prepare_as_text():
    article = prepare_article("<p>Presiden Joko Widodo meresmikan jalan tol.</p>" + "<a " * 1000)
    assert article.paragraphs[0][0].startswith("Presiden Joko Widodo")


def test_html_fragment_deep_nesting_surrogates_and_empty_markup():
    deep = "<div>" * 5000 + "Halo dunia." + "</div>" * 5000
    assert html_to_text(deep).text == "Halo dunia."  # no libxml2 depth limit
    assert html_to_text("<p>a\udc80b</p>").text == "a\ufffdb"
    assert html_to_text("").text == "" and html_to_text("<!-- x -->").text == ""
    assert html_to_text("<h1>Judul").title == "Judul"  # unclosed <h1>


def test_html_fragment_blocks_skips_and_newlines():
    markup = (
        "<p>Satu\ndua</p><div class='share-box'><p>Bagikan</p></div>"
        "<script>var x = '<p>';</script><ul><li>tiga</li><li>empat</li></ul>"
    )
    assert html_to_text(markup).text == "Satu dua\n\ntiga\n\nempat"
