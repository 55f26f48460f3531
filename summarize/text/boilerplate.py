"""Recognise site boilerplate lines and source lines in scraped news text.

Every pattern must match a *whole* line (after stripping a leading bullet such as "+ "),
and lines longer than :data:`MAX_BOILERPLATE_WORDS` words are never boilerplate, so real
sentences that merely start like a pattern are safe.
"""

from __future__ import annotations

import re

__all__ = [
    "MAX_BOILERPLATE_WORDS",
    "is_boilerplate_line",
    "is_read_also_heading",
    "is_trailer_heading",
    "line_core",
    "parse_source_line",
]

MAX_BOILERPLATE_WORDS = 25

_BULLET_RE = re.compile(r"^[+*\u2022\u00b7>|\-\u2013\u2014]+\s*")

_BOILERPLATE_PATTERNS = [
    # reading time
    r"estimated read(?:ing)? time\b.*",
    r"(?:reading time|read time)\s*:?.*",
    r"\d+\s*(?:min|mins|minute|minutes)\s+read",
    r"(?:waktu|durasi) (?:baca|membaca)\b.*",
    r"\d+\s*menit\s+(?:waktu\s+)?(?:baca|membaca)",
    # related links / read-also
    r"(?:you may also like|you might also like|more from author|more from the author)\s*:?",
    r"(?:related|recommended) (?:posts?|articles?|stories|news|reading)\s*:?.*",
    r"(?:read more|read also|see also|also read)\b\s*:?.*",
    r"baca (?:juga|selengkapnya|berita lainnya|artikel lainnya|pula)\b.*",
    r"(?:lihat|simak|tonton|klik) (?:juga|video|selengkapnya|di sini|disini)\b.*",
    # channel promos: "Simak breaking news ... WhatsApp Channel : https://..."
    r"(?:simak|ikuti|dapatkan) (?:breaking news|berita|update|informasi)\b.*",
    r".*\b(?:whatsapp channel|saluran whatsapp|google news)\b.*https?://\S+",
    # detik-style embeds and editor initials: "[Gambas:Video 20detik]", "(rdp/imk)"
    r"\[gambas:[^\]]*\]",
    r"\(\s*[a-z]{2,5}(?:\s*/\s*[a-z]{2,5})+\s*\)",
    r"(?:artikel|berita) (?:terkait|lainnya|terpopuler|pilihan|populer|terbaru)\s*:?",
    r"(?:terpopuler|rekomendasi|pilihan editor|editor's picks?)\s*:?",
    # comments
    r"there are no comments\b.*",
    r"add yours\.?",
    r"(?:leave a (?:reply|comment)|post a comment|no comments yet|be the first to comment)\b.*",
    r"(?:tinggalkan (?:komentar|balasan)|belum ada komentar|tulis komentar)\b.*",
    r"\d+\s+(?:comments?|komentar|tanggapan)",
    r"(?:comments?|komentar)\s*(?:\(\d+\))?\s*:?",
    # share buttons
    r"(?:share|bagikan|sebarkan)(?: (?:this|this article|this story|artikel ini|berita ini))?"
    r"(?: (?:on|via|ke|di) [\w.-]+)?\s*:?",
    r"(?:(?:facebook|twitter|x|whatsapp|wa|telegram|linkedin|pinterest|reddit|line|e-?mail|"
    r"tweet|print|cetak|copy link|salin tautan|salin link|share|bagikan)[\s|/\u00b7,:]*){1,10}",
    # credits
    r"(?:editor|penyunting|redaktur|redaktur pelaksana|penulis|reporter|pewarta|kontributor|"
    r"penerjemah|penerjemahan|writer|author|written by|edited by|reporting by|ditulis oleh|"
    r"diterjemahkan oleh|alih bahasa)\s*:.*",
    # copyright
    r"(?:copyright|hak cipta)\b.*",
    r"(?:\(c\)|\u00a9).*",
    r".*\ball rights reserved\b.*",
    # ads and page furniture
    r"(?:advertisement|advertisment|iklan|sponsored(?: content)?|konten bersponsor|"
    r"scroll to (?:continue|resume)(?: with content)?|adsbygoogle.*|loading\.*|memuat\.*)",
    r"(?:sumber )?(?:foto|photo|image|gambar|ilustrasi|video|infografis|grafis)\s*:.*",
    r"(?:tags?|topik|kata kunci|keywords?|kategori|category)\s*:.*",
    r"(?:follow|ikuti) (?:us|kami|berita|update|kanal|channel|akun)\b.*",
    r"(?:dapatkan|download|unduh) (?:update|berita|aplikasi|app)\b.*",
    r"(?:halaman|page)\s+\d+\s+(?:dari|of)\s+\d+",
    r"(?:selanjutnya|sebelumnya|next|previous|prev|home|beranda|top|kembali ke atas|"
    r"back to top|subscribe|berlangganan)\s*[>\u00bb\u203a]*",
]
_BOILERPLATE_RE = re.compile("|".join(f"(?:{p})" for p in _BOILERPLATE_PATTERNS), re.IGNORECASE)

# After one of these headings the rest of the page is link lists ("check against the seeds":
# seed 004 ends with "You May Also Like", "More From Author", comment widgets).
_TRAILER_RE = re.compile(
    r"(?:you may also like|you might also like|more from author|more from the author|"
    r"(?:related|recommended) (?:posts?|articles?|stories|news)|"
    r"(?:artikel|berita) (?:terkait|lainnya|terpopuler|populer|pilihan|terbaru)|"
    r"terpopuler|rekomendasi|comments?|komentar)\s*:?",
    re.IGNORECASE,
)
_READ_ALSO_RE = re.compile(r"(?:baca juga|baca pula|read also|also read|lihat juga)\s*:?", re.I)

_SOURCE_RE = re.compile(
    r"\(?\s*(?:sumber|source|src)\s*:\s*(?P<source>[^()]+?)\s*\)?\.?", re.IGNORECASE
)


def line_core(line: str) -> str:
    """The line without surrounding space and a leading bullet: what the checks below
    match (pass it as ``core`` to check one line several ways without redoing this)."""
    return _BULLET_RE.sub("", line.strip(), count=1).strip()


_core = line_core


def is_boilerplate_line(line: str, core: str | None = None) -> bool:
    """True for site furniture: reading time, "Baca juga: ...", share buttons, credits,
    copyright, comment widgets, "You May Also Like", ... (whole-line matches only)."""
    core = _core(line) if core is None else core
    if not core or len(core.split()) > MAX_BOILERPLATE_WORDS:
        return False
    return bool(_BOILERPLATE_RE.fullmatch(core))


def is_trailer_heading(line: str, core: str | None = None) -> bool:
    """True for headings after which a page only has related links and comments."""
    return bool(_TRAILER_RE.fullmatch(_core(line) if core is None else core))


def is_read_also_heading(line: str, core: str | None = None) -> bool:
    """A bare "Baca Juga" line: the next line is usually the linked headline."""
    return bool(_READ_ALSO_RE.fullmatch(_core(line) if core is None else core))


def parse_source_line(line: str, core: str | None = None) -> str | None:
    """``"Sumber: Sputnik"`` / ``"Sumber : Al Jazeera"`` / ``"(Source: AP)"`` -> the source."""
    core = _core(line) if core is None else core
    if len(core.split()) > 12:
        return None
    match = _SOURCE_RE.fullmatch(core)
    if not match:
        return None
    source = match.group("source").strip().rstrip(".").strip()
    return source or None
