"""articlekit's own words and dates in the article's language, in every format.

French, Spanish and Indonesian articles (``fixtures/labels/``) are built as HTML, EPUB, PDF and
JATS; each format must say "Par", "Éditeurs", "30 janvier 2023" … and no English label may be
left.  A language articlekit has no words for gets English words marked ``lang="en"`` and one
warning; a house's ``[labels]`` in ``articlekit.toml`` wins over the catalogue.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import lxml.html
import pikepdf
import pytest
from lxml import etree

import articlekit
from articlekit.errors import ArticleErrors
from articlekit.labels import KEYS, LABELS, catalogue, date_text, labels_for_lang
from articlekit.read.config import load_config
from validators import ROOT, nu_check, require
from validators_epub import ace, epubcheck_reports, problems_in
from validators_jats import validate_jats

FIXTURES = ROOT / "tests" / "fixtures"
LABELS_DIR = FIXTURES / "labels"
H = {"h": "http://www.w3.org/1999/xhtml"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

#: The English words that must not be left in a localised article (those that differ in French).
ENGLISH = ["By", "Editor", "Editors", "Picture", "Keywords", "Abstract", "Contents", "Title page",
           "Start of text", "Back to reference", "Landmarks"]


@dataclass(frozen=True)
class Case:
    source: str
    lang: str
    #: The title block as read, fact by fact, for the facts articlekit words.
    facts: tuple[str, ...]
    notes: str
    back: str
    pages: str


CASES = [
    Case("marches-flottants.md", "fr", (
        "Par Claire Dubois, PhD et Julien Moreau", "30 janvier 2023",
        "Éditeurs\u202f: Sophie Laurent, MA et Marc Lefèvre", "Image\u202f: Atelier Cuisine",
        "Licence\u202f: CC BY 4.0", "Mots-clés\u202f: Viêt Nam, commerce fluvial, marchés", "Résumé",
    ), "Notes", "Retour à l’appel de note 1, a", "p."),
    Case("cafe-de-altura.md", "es", (
        "Por Lucía Fernández, PhD", "4 de noviembre de 2022", "Editor: Andrés Gómez, MSc",
        "Imagen: Archivo de la cooperativa", "Licencia: CC BY 4.0", "Palabras clave: café, Colombia, cooperativas",
        "Resumen",
    ), "Notas", "Volver a la llamada 1, a", "p."),
    Case("nelayan-bajo.md", "id", (
        "Oleh Rahmat Hidayat, M.Si dan Siti Aminah", "17 Agustus 2021", "Penyunting: Dewi Lestari, PhD",
        "Gambar: Dokumentasi lapangan penulis", "Lisensi: CC BY 4.0", "Kata kunci: Bajo, perikanan, Sulawesi",
        "Abstrak",
    ), "Catatan", "Kembali ke rujukan 1, a", "hlm."),
]


def squash(text: str) -> str:
    """Text with its runs of white space (the narrow no-break space before a French colon too) as one space."""
    return re.sub(r"\s+", " ", text).strip()


def english_left(lang: str, words: list[str]) -> list[str]:
    """The English labels found in ``words`` (those that differ from the words in ``lang``)."""
    local = set(labels_for_lang(lang).words.values())
    return [w for w in words for e in ENGLISH if e not in local and re.search(rf"\b{e}\b", w)]


@dataclass(frozen=True)
class Built:
    html: lxml.html.HtmlElement
    epub: dict[str, etree._Element]
    opf: str
    pdf: bytes
    jats: etree._Element

    @property
    def pdf_text(self) -> str:
        require("pdftotext (poppler-utils)", shutil.which("pdftotext"))
        out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=self.pdf, capture_output=True, check=True)
        return out.stdout.decode("utf-8")


@cache
def built(source: Path) -> Built:
    article = articlekit.load(source)
    with zipfile.ZipFile(io.BytesIO(articlekit.to_epub(article))) as z:
        epub = {n.removeprefix("EPUB/"): etree.fromstring(z.read(n)) for n in z.namelist() if n.endswith(".xhtml")}
        opf = z.read("EPUB/content.opf").decode("utf-8")
    return Built(
        html=lxml.html.document_fromstring(articlekit.to_html(article)),
        epub=epub,
        opf=opf,
        pdf=articlekit.to_pdf(article),
        jats=etree.fromstring(articlekit.to_jats(article)),
    )


def text_of(el: etree._Element) -> str:
    return squash("".join(el.itertext()))


# ---------------------------------------------------------------------------
# The catalogue and the dates


def test_every_language_gives_every_word() -> None:
    assert {"en", "id", "fr", "es", "pt", "de", "ko", "ja", "zh", "ar"} <= set(catalogue())
    for lang, words in catalogue().items():
        assert tuple(words) == KEYS, lang
        assert all(w.strip() for w in words.values()), lang
        for key in ("note", "back_to_reference"):
            assert "{number}" in words[key], (lang, key)


def test_dates_in_the_article_language() -> None:
    day = dt.date(2023, 1, 30)
    assert date_text(day) == "30 January 2023"
    assert date_text(day, "en-GB") == "30 January 2023"
    assert date_text(day, "en-US") == "January 30, 2023"
    assert date_text(day, "fr") == "30 janvier 2023"
    assert date_text(day, "es") == "30 de enero de 2023"
    assert date_text(day, "id-ID") == "30 Januari 2023"
    assert date_text(day, "ko") == "2023년 1월 30일"
    assert date_text(day, "xx") == "30 January 2023"  # no CLDR data: English


def test_words_for_a_language_and_its_fallback() -> None:
    fr = labels_for_lang("fr-CA")
    assert (fr["editors"], fr.lang, fr.mark) == ("Éditeurs", "fr-CA", None)
    sw = labels_for_lang("sw")
    assert (sw["editors"], sw.lang, sw.mark) == ("Editors", "en", "en")
    assert sw.date(dt.date(2020, 6, 12)) == "12 Juni 2020" and sw.date_mark is None  # CLDR knows Swahili dates
    assert labels_for_lang("en").mark is None
    assert labels_for_lang("fr").back_to_reference(3, "b", parenthesised=True) == "Retour à l’appel de note 3 (b)"


# ---------------------------------------------------------------------------
# French, Spanish and Indonesian articles in every format


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.lang)
def test_html_title_block_and_notes(case: Case) -> None:
    out = built(LABELS_DIR / case.source)
    (header,) = out.html.cssselect("article > header")
    header_text = text_of(header)
    for fact in case.facts:
        assert squash(fact) in header_text, fact
    assert not header.cssselect("[lang]")  # every word is in the article's language: nothing marked
    assert out.html.get("lang") == case.lang
    (heading,) = out.html.cssselect("#notes-heading")
    assert (text_of(heading), heading.cssselect("[lang]")) == (case.notes, [])
    backs = [a.get("aria-label") for a in out.html.cssselect("a[role=doc-backlink]")]
    assert backs[0] == case.back
    words = [text_of(s) for s in header.cssselect(".label")] + [text_of(heading)] + backs
    assert english_left(case.lang, words) == []


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.lang)
def test_epub_title_page_nav_and_notes(case: Case) -> None:
    out = built(LABELS_DIR / case.source)
    words = labels_for_lang(case.lang)
    page = out.epub["title.xhtml"]
    page_text = text_of(page.find(".//h:section", H))
    for fact in case.facts:
        assert squash(fact) in page_text, fact
    nav = out.epub["nav.xhtml"]
    assert nav.findtext(".//h:title", namespaces=H) == words["contents"]
    assert text_of(nav.find(".//h:nav[@id='toc']/h:h1", H)) == words["contents"]
    assert [text_of(a) for a in nav.iterfind(".//h:nav[@id='toc']/h:ol/h:li/h:a", H)][-1] == case.notes
    landmarks = [text_of(a) for a in nav.iterfind(".//h:nav[@id='landmarks']//h:a", H)]
    cover = [words["cover"]] if "cover.xhtml" in out.epub else []  # the French article has a lead picture
    assert landmarks == [*cover, words["title_page"], words["contents"], words["start"], case.notes]
    if cover:
        assert out.epub["cover.xhtml"].findtext(".//h:title", namespaces=H) == "Couverture"
    notes = out.epub["notes.xhtml"]
    assert text_of(notes.find(".//h:h2", H)) == case.notes
    assert notes.find(".//h:a[@role='doc-backlink']", H).get("aria-label") == case.back
    for doc in (page, nav, notes):  # nothing marked as another language
        assert not [el for el in doc.iter() if el.get("lang", case.lang) != case.lang], doc
    assert f'title="{words["contents"]}"' in out.opf  # the guide's entry
    assert english_left(case.lang, [text_of(el) for el in nav.iter() if el.text]) == []


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.lang)
def test_pdf_text_and_link_names(case: Case) -> None:
    out = built(LABELS_DIR / case.source)
    text = squash(out.pdf_text)
    for fact in case.facts[:-1]:
        assert squash(fact) in text, fact
    assert case.facts[-1].upper() in text.replace(" ", "").upper()  # the abstract heading is letter-spaced
    assert re.search(rf"^{case.notes}$", out.pdf_text, re.M)
    assert f"↑ {case.pages} 1" in text
    assert english_left(case.lang, [text]) == []
    with pikepdf.open(io.BytesIO(out.pdf)) as pdf:
        names = [str(a.Contents) for page in pdf.pages for a in page.get("/Annots", []) if "/Contents" in a]
    words = labels_for_lang(case.lang)
    assert words.note(1) in names
    assert words.back_to_reference(1, "a", parenthesised=True) in names
    assert not [n for n in names if n.startswith(("Note ", "Back to")) and case.lang != "fr"]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.lang)
def test_jats_notes_title(case: Case) -> None:
    out = built(LABELS_DIR / case.source)
    assert out.jats.findtext("back/fn-group/title") == case.notes
    assert out.jats.get(XML_LANG) == case.lang


# ---------------------------------------------------------------------------
# A language articlekit has no words for


def test_unsupported_language_english_words_marked_and_one_warning() -> None:
    source = LABELS_DIR / "ziwa-la-victoria.md"
    article = articlekit.load(source)
    (warning,) = [w for w in article.warnings if "no words" in w.message]
    assert warning.code == "language-unsupported"
    assert str(warning).startswith(f"{source}:11: articlekit has no words for language 'sw'")
    assert len(article.warnings) == 1

    out = built(source)
    (header,) = out.html.cssselect("article > header")
    marked = {text_of(el): el.get("lang") for el in header.cssselect("[lang]")}
    assert marked == {LABELS["by"]: "en", LABELS["editor"]: "en", LABELS["license"]: "en", LABELS["keywords"]: "en"}
    assert "12 Juni 2020" in text_of(header)  # the date is in Swahili, so unmarked
    assert out.html.cssselect("#notes-heading [lang=en]")[0].text == LABELS["notes"]
    nav = out.epub["nav.xhtml"]
    h1 = nav.find(".//h:nav[@id='toc']/h:h1", H)
    assert (text_of(h1), h1.get("lang"), h1.get(XML_LANG)) == (LABELS["contents"], "en", "en")
    heading = out.epub["notes.xhtml"].find(".//h:h2", H)
    assert (text_of(heading), heading.get(XML_LANG)) == (LABELS["notes"], "en")
    assert "Notes" in out.pdf_text and "By Amani Mwakyusa" in squash(out.pdf_text)


def test_unsupported_language_from_the_house_config_warns_there(tmp_path: Path) -> None:
    (tmp_path / "articlekit.toml").write_text('license = "CC BY 4.0"\nlang = "sw"\n', encoding="utf-8")
    source = "---\ntitle: Samaki\ndate: 2020-06-12\nauthors: [Amani Mwakyusa]\n---\n\nMaandishi.\n"
    (tmp_path / "a.md").write_text(source, encoding="utf-8")
    assert [str(w) for w in articlekit.load(tmp_path / "a.md").warnings] == [
        f"{tmp_path / 'articlekit.toml'}:2: articlekit has no words for language 'sw': its own labels"
        " ('Notes', 'Editors' …) are in English, marked as such; give them under [labels.sw] in articlekit.toml"]


# ---------------------------------------------------------------------------
# The house's own words


def test_house_words_win_in_every_format() -> None:
    out = built(FIXTURES / "labels-house" / "vignobles.md")
    (header,) = out.html.cssselect("article > header")
    assert "Direction scientifique : Paul Girard" in text_of(header)
    assert "2 mai 2024" in text_of(header)
    assert text_of(out.html.cssselect("#notes-heading")[0]) == "Notes de fin"  # [labels.fr] over [labels]
    assert text_of(out.epub["notes.xhtml"].find(".//h:h2", H)) == "Notes de fin"
    assert "Direction scientifique" in text_of(out.epub["title.xhtml"])
    assert out.jats.findtext("back/fn-group/title") == "Notes de fin"
    assert "Notes de fin" in out.pdf_text and "Direction scientifique" in out.pdf_text


def test_flat_house_words_apply_to_every_language(tmp_path: Path) -> None:
    (tmp_path / "articlekit.toml").write_text(
        'license = "CC BY 4.0"\n[labels]\nnotes = "Endnotes"\n[labels.sw]\n'
        + "".join(f'{k} = "{v}"\n' for k, v in {**LABELS, "notes": "Maelezo"}.items()), encoding="utf-8")
    body = "---\ntitle: T\ndate: 2020-06-12\nauthors: [A B]\nlang: {}\n---\n\nText.[^1]\n\n[^1]: A note.\n"
    (tmp_path / "en.md").write_text(body.format("en"), encoding="utf-8")
    (tmp_path / "sw.md").write_text(body.format("sw"), encoding="utf-8")
    en = lxml.html.document_fromstring(articlekit.to_html(articlekit.load(tmp_path / "en.md")))
    assert text_of(en.cssselect("#notes-heading")[0]) == "Endnotes"
    sw = articlekit.load(tmp_path / "sw.md")
    assert sw.warnings == []  # the house gave every word for Swahili
    doc = lxml.html.document_fromstring(articlekit.to_html(sw))
    assert text_of(doc.cssselect("#notes-heading")[0]) == "Maelezo"
    assert not doc.cssselect("article [lang]")


@pytest.mark.parametrize(("toml", "line", "message"), [
    ('[labels]\nnotse = "Notes"\n', 2, "unknown label 'notse' in [labels] (did you mean 'notes'?)"),
    ('lang = "fr"\n\n[labels.fr]\nnotes = 3\n', 4, "label 'notes' in [labels.fr] must be a non-empty string"),
    ('[labels.fr]\nback_to_reference = "Retour"\n', 2,
     "label 'back_to_reference' in [labels.fr] must contain {number}"),
    ('[labels.french]\nnotes = "Notes"\n', 1, "[labels.french]: 'french' is not a language tag"),
    ('[labels.sw]\nnotes = "Maelezo"\n', 1, "[labels.sw]: articlekit has no words for 'sw', so its table must give"),
    ('labels = "Notes"\n', 1, "'labels' must be a table"),
])
def test_house_words_are_checked_with_their_line(tmp_path: Path, toml: str, line: int, message: str) -> None:
    (tmp_path / "articlekit.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(ArticleErrors) as info:
        load_config(tmp_path)
    (error,) = info.value.errors
    assert (error.line, error.message[: len(message)]) == (line, message)


# ---------------------------------------------------------------------------
# Still valid: Nu, EPUBCheck, Ace and the JATS DTD


@pytest.mark.slow
def test_localised_outputs_validate(tmp_path: Path) -> None:
    sources = [*sorted(LABELS_DIR.glob("*.md")), FIXTURES / "labels-house" / "vignobles.md"]
    html, epubs = [], []
    for source in sources:
        article = articlekit.load(source)
        (tmp_path / f"{source.stem}.html").write_text(articlekit.to_html(article), encoding="utf-8")
        (tmp_path / f"{source.stem}.epub").write_bytes(articlekit.to_epub(article))
        html.append(tmp_path / f"{source.stem}.html")
        epubs.append(tmp_path / f"{source.stem}.epub")
        assert validate_jats(articlekit.to_jats(article)) == [], source
    assert nu_check(html) == []
    assert {p: problems_in(r) for p, r in epubcheck_reports(epubs).items()} == {p: [] for p in epubs}
    assert ace(epubs) == {p: [] for p in epubs}


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "Volume 4 · Issue 2"), ("de", "Band 4 · Heft 2"), ("ko", "제4권 · 제2호"), ("ja", "第4巻 · 第2号"),
    ("sw", "Volume 4 · Issue 2"),
])
def test_an_editions_volume_and_issue_in_its_language(lang: str, expected: str) -> None:
    from articlekit.labels import labels_for_lang

    assert labels_for_lang(lang).numbering("4", "2") == expected
    assert labels_for_lang(lang).numbering(None, None) is None
    assert labels_for_lang(lang, {"volume": "Vol."}).numbering("4", None) == "Vol. 4"


# ---------------------------------------------------------------------------
# No English word left, in each of the ten languages


#: The ten languages of the catalogue.
TEN = ("en", "id", "fr", "es", "pt", "de", "ko", "ja", "zh", "ar")

#: An article with every fact articlekit words (two of each kind of people, a picture with its
#: credit, keywords, a licence, an abstract, sections and notes), long enough for the PDF to have
#: versos with their running heads.  Its own words are Latin, so an English word is articlekit's.
EVERY_WORD = """---
title: Lorem ipsum dolor sit amet
date: 2021-08-17
authors:
  - name: Rizky Ananda Putri
    degrees: PhD
    affiliation: Universitas Gadjah Mada
    orcid: 0000-0002-1825-0097
  - Suharto
editors: [{name: Dewi Lestari, degrees: PhD}, Ratna Wulandari]
reviewers: [Bambang Purwanto, Sri Wahyuni]
translators: [Julien Moreau, Lucía Fernández]
image: {src: marche.png, alt: Lorem ipsum, credit: Studio Lorem}
license: CC BY 4.0
keywords: [lorem, ipsum]
abstract: Lorem ipsum dolor sit amet, consectetur adipiscing elit.
lang: LANG
---

Lorem ipsum dolor sit amet, consectetur adipiscing elit.[^1]

## Lorem ipsum

PARAGRAPHS

[^1]: Sed do eiusmod tempor incididunt.
[^2]: Ut labore et dolore magna aliqua.
"""
LOREM = ("Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo "
         "consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat "
         "nulla pariatur. Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt "
         "mollit anim id est laborum.")


def every_word_article(folder: Path, lang: str) -> articlekit.Article:
    """The article above in ``lang``, in its own folder with its picture."""
    folder.mkdir()
    shutil.copy(LABELS_DIR / "marche.png", folder / "marche.png")
    paragraphs = "\n\n".join(LOREM + ("[^2]" if i == 3 else "") for i in range(14))
    source = folder / f"lorem-{lang}.md"
    source.write_text(EVERY_WORD.replace("LANG", lang).replace("PARAGRAPHS", paragraphs), encoding="utf-8")
    return articlekit.load(source)


def english_words() -> dict[str, str]:
    """The English catalogue's words (without their ``{number}``), and "and" and "&" between names."""
    words = {k: w.replace("{number}", "").strip() for k, w in LABELS.items()}
    return {**words, "and": "and", "ampersand": "&"}


def english_in(text: str, lang: str) -> list[str]:
    """The English words found in ``text`` that the words of ``lang`` do not share."""
    local = {w.replace("{number}", "").strip() for w in labels_for_lang(lang).words.values()}
    found = []
    for key, word in english_words().items():
        pattern = re.escape(word) if word == "&" else rf"(?<!\w){re.escape(word)}(?!\w)"
        # A word that is part of the language's own ("Table" in "Table des matières") is not English there.
        if word in local or any(re.search(pattern, w) for w in local):
            continue
        if re.search(pattern, text):
            found.append(f"{key}: {word!r}")
    return found


def readable_text(root: etree._Element) -> str:
    """The text of a page, and the names its links and pictures give (aria-label, title, alt).

    Not its stylesheet nor its JSON-LD (schema.org's own terms, for programs).
    """
    root = copy.deepcopy(root)
    hidden = [el for el in root.iter() if isinstance(el.tag, str) and etree.QName(el).localname in ("style", "script")]
    for el in hidden:
        el.getparent().remove(el)
    names = [v for el in root.iter() if isinstance(el.tag, str)
             for a in ("aria-label", "title", "alt") if (v := el.get(a))]
    return squash(" ".join(["".join(root.itertext()), *names]))


@pytest.mark.parametrize("lang", TEN)
def test_no_english_word_in_the_web_page_and_the_ebook(lang: str, tmp_path: Path) -> None:
    article = every_word_article(tmp_path / lang, lang)
    html = readable_text(lxml.html.document_fromstring(articlekit.to_html(article)))
    with zipfile.ZipFile(io.BytesIO(articlekit.to_epub(article))) as z:
        epub = " ".join(readable_text(etree.fromstring(z.read(n)))
                        for n in z.namelist() if n.endswith((".xhtml", ".ncx")))
    if lang == "en":  # the check can fail: the English article has them all
        assert {"by", "editors", "reviewers", "translated_by", "picture", "keywords", "abstract", "notes", "and"} <= {
            f.split(":")[0] for f in english_in(html, "id")}
        return
    assert english_in(html, lang) == []
    assert english_in(epub, lang) == []


@pytest.mark.parametrize("lang", ["id", "de", "ar"])
def test_no_english_word_in_the_pdf_and_its_running_heads(lang: str, tmp_path: Path) -> None:
    from articlekit.render.title_block import joined

    article = every_word_article(tmp_path / lang, lang)
    require("pdftotext (poppler-utils)", shutil.which("pdftotext"))
    pdf = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=articlekit.to_pdf(article),
                         capture_output=True, check=True).stdout.decode("utf-8")
    pages = pdf.split("\f")
    assert len([p for p in pages if p.strip()]) >= 3, "the article is too short to have a verso after its opening"
    assert english_in(squash(pdf), lang) == []
    # The versos' running head names both authors, joined as the language lists people.
    both = joined(["Rizky Ananda Putri", "Suharto"], labels_for_lang(lang))
    assert both != "Rizky Ananda Putri and Suharto"
    # (pdftotext marks the direction of Arabic words with embedding marks: left out.)
    heads = [squash(re.sub("[\u202a-\u202e\u2066-\u2069]", "", page)) for page in pages[1:]]
    assert any(both in head for head in heads), [head[:120] for head in heads]
