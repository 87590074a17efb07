"""Untrusted content: sanitising, no network, no file outside the allowed folders, inert XML.

The sanitising test runs the classic injection set through every format this
installation writes (:func:`articlekit.writers.available_formats`); the
no-network test serves on ``127.0.0.1`` and counts every request it gets.
"""

from __future__ import annotations

import http.server
import io
import json
import re
import shutil
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pypdf
import pytest
from lxml import etree
from lxml import html as lxml_html

from articlekit.cli import main
from articlekit.read import pandoc, safety
from articlekit.writers import available_formats
from conftest import FIXTURES

FIGURE = FIXTURES / "articles" / "figure.png"
FORMATS = available_formats()

INJECTION = """---
title: "Injection <script>alert('title')</script> test"
subtitle: "A subtitle <span onmouseover=alert('subtitle')>with a handler</span>"
date: 2024-01-15
authors:
  - name: "Eve <b onmouseover=steal()>Mallory</b> Hacker"
    given: Eve
    family: Hacker
    affiliation: "<iframe src=https://example.org/frame></iframe>Institute"
abstract: "An abstract <script>alert('abstract')</script> with *emphasis*."
keywords: ["<script>steal('keyword')</script>"]
---

Classic payloads follow. <script>alert('inline script')</script> Text after the script.

<script>alert("block script")</script>

A raw image with a handler: <img src="figure.png" alt="handled" onerror="alert('onerror')">

<a href="javascript:alert('href')">a javascript link</a>, [a Markdown one](javascript:alert('md')),
[a data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==),
[vb](vbscript:msgbox('vb')), [mixed case](JaVaScRiPt:alert('case')) and
<a href="jav&#x09;ascript:alert('entity')">an entity-split one</a>.

<svg onload="alert('svg')"><script>alert('svg script')</script><image href="https://attacker.example/svg.png"/></svg>

<meta http-equiv="refresh" content="0;url=https://attacker.example/refresh">

<iframe src="https://attacker.example/frame"></iframe>

<object data="https://attacker.example/x.swf"></object><embed src="https://attacker.example/y.swf">

<div style="background:url(https://attacker.example/track.png)" onclick="alert('click')">A styled div.</div>

<p onmouseover="alert('hover')">A hover paragraph.</p>

<form action="https://attacker.example/post"><input type="image" src="https://attacker.example/in.png"
formaction="javascript:alert('form')"></form>

<base href="https://attacker.example/base/">
<link rel="stylesheet" href="https://attacker.example/x.css">
<style>body { background: url(https://attacker.example/bg.png) } </style>

<math><maction actiontype="statusline" xlink:href="javascript:alert('math')">m</maction></math>

[A span with attributes]{style="color:red" onclick="alert('span')"} and
![an image](figure.png){onload="alert('img')" style="border:9px"}.

<!-- <script>alert('comment')</script> -->

A note with a payload.[^x]

[^x]: The note holds <script>alert('note')</script> and <a href="javascript:alert('note link')">a link</a>.
"""

#: No output may contain any of these, in any form (they occur only inside markup above; the plain-text
#: fields, name, affiliation and keywords, carry look-alike text that must come out as text).
FORBIDDEN = ("alert(", "attacker.example", "msgbox(", "javascript:", "vbscript:", "data:text/html")
#: Elements that must not survive (the HTML page's JSON-LD <script> and house <style> in <head> aside).
BANNED = {"script", "iframe", "object", "embed", "svg", "math", "form", "input", "base", "link", "frame",
          "frameset", "applet", "style", "meta", "noscript", "template", "audio", "video", "source", "picture"}
_URL_ATTRS = {"href", "src", "action", "formaction", "data", "poster", "background", "cite", "srcset"}


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def _markup_problems(root: etree._Element, where: str, *, page: bool, package: bool = False) -> list[str]:
    """Banned elements, event handlers, style attributes and script URLs under ``root``.

    ``page``: an (X)HTML page, whose <head> may hold the house style, JSON-LD and
    plain <meta>; ``package``: an EPUB package or NCX, where <meta> and <link>
    are metadata.
    """
    problems = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        tag = _local(el.tag)
        in_head = page and any(_local(a.tag) == "head" for a in el.iterancestors() if isinstance(a.tag, str))
        local_link = tag == "link" and not re.match(r"(?i)\s*\w+:", el.get("href", ""))
        allowed_here = in_head and (
            (tag == "script" and el.get("type") == "application/ld+json")
            or tag == "style"
            or (tag == "meta" and el.get("http-equiv") is None)
            or local_link
        )
        if package and tag in ("meta", "link") and not re.match(r"(?i)\s*\w+:", el.get("href", "")):
            allowed_here = True
        if tag in BANNED and not allowed_here:
            problems.append(f"{where}: <{tag}>")
        for name, value in el.attrib.items():
            attr = _local(name)
            if attr.startswith("on") or attr == "style":
                problems.append(f"{where}: <{tag} {attr}=...>")
            if attr in _URL_ATTRS and re.match(r"(?i)\s*(javascript|vbscript|data):", re.sub(r"\s", "", value)):
                problems.append(f"{where}: <{tag} {attr}={value!r}>")
    return problems


def _forbidden_in(text: str, where: str) -> list[str]:
    low = text.lower()
    return [f"{where}: contains {s!r}" for s in FORBIDDEN if s in low]


def _check_html(data: bytes) -> list[str]:
    root = lxml_html.document_fromstring(data)
    problems = _markup_problems(root, "html", page=True)
    for script in root.xpath("/html/head/script[@type='application/ld+json']"):  # data, not code
        json.loads(script.text)
    return problems + _forbidden_in(data.decode("utf-8"), "html")


def _check_xml(data: bytes, where: str) -> list[str]:
    root = safety.parse_xml(data)
    return _markup_problems(root, where, page=False) + _forbidden_in(data.decode("utf-8"), where)


def _check_epub(data: bytes) -> list[str]:
    problems = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            content = z.read(name)
            if name.endswith((".xhtml", ".html", ".svg", ".opf", ".ncx")):
                root = safety.parse_xml(content)
                problems += _markup_problems(root, name, page=name.endswith((".xhtml", ".html")),
                                             package=name.endswith((".opf", ".ncx")))
            if name.endswith((".xhtml", ".html", ".svg", ".opf", ".ncx", ".css", ".xml", ".txt")):
                problems += _forbidden_in(content.decode("utf-8"), name)
    return problems


def _check_pdf(data: bytes) -> list[str]:
    problems = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary):
                for key in ("/JS", "/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/RichMedia"):
                    if key in obj:
                        problems.append(f"pdf: {key} in {obj.objgen}")
                if obj.get("/S") in ("/JavaScript", "/Launch", "/SubmitForm", "/ImportData"):
                    problems.append(f"pdf: action {obj.get('/S')}")
                uri = obj.get("/URI")
                if uri is not None:
                    problems += _forbidden_in(str(uri), "pdf link")
        if "/OpenAction" in pdf.Root or "/AA" in pdf.Root:
            problems.append("pdf: document-level action")
        if "/Names" in pdf.Root and "/JavaScript" in pdf.Root.Names:
            problems.append("pdf: document JavaScript")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    return problems + _forbidden_in(text, "pdf text")


CHECKS = {
    "html": _check_html,
    "jats": lambda data: _check_xml(data, "jats"),
    "epub": _check_epub,
    "pdf": _check_pdf,
}


def test_every_format_has_a_check():
    assert set(FORMATS) <= set(CHECKS)


@pytest.fixture(scope="module")
def injected(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("inject")
    (folder / "injection.md").write_text(INJECTION, encoding="utf-8")
    shutil.copy(FIGURE, folder / "figure.png")
    out = folder / "out"
    # Plain PDF: the payload images have no useful alt text, and tagging is not what is tested here.
    code = main(["build", str(folder / "injection.md"), "-t", ",".join(FORMATS), "-o", str(out), "-q",
                 "--pdf-variant", "plain"])
    assert code == 0
    return {fmt: (out / f"injection{ext}").read_bytes()
            for fmt, ext in (("html", ".html"), ("jats", ".xml"), ("epub", ".epub"), ("pdf", ".pdf"))
            if fmt in FORMATS}


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_classic_injection_set_reaches_no_output(injected: dict[str, bytes], fmt: str):
    data = injected[fmt]
    assert CHECKS[fmt](data) == []


def _visible_text(injected: dict[str, bytes], fmt: str) -> str:
    """The words a reader of the output sees (markup left out)."""
    data = injected[fmt]
    if fmt == "pdf":
        text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    elif fmt == "epub":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            text = " ".join("".join(safety.parse_xml(z.read(n)).itertext())
                            for n in z.namelist() if n.endswith(".xhtml"))
    elif fmt == "html":
        text = lxml_html.document_fromstring(data).text_content()
    else:
        text = "".join(safety.parse_xml(data).itertext())
    return " ".join(text.split())


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_harmless_text_around_the_payloads_survives(injected: dict[str, bytes], fmt: str):
    """The sanitiser removes the payload, not the article: visible text is kept."""
    text = _visible_text(injected, fmt)
    for words in ("Classic payloads follow.", "Text after the script.", "A styled div.", "A hover paragraph.",
                  "A span with attributes", "a javascript link", "a link."):
        assert words in text, (fmt, words)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_note_beginning_with_text_before_raw_html_keeps_that_text(injected: dict[str, bytes], fmt: str):
    assert "The note holds" in _visible_text(injected, fmt)


def test_the_checks_catch_what_they_look_for():
    """Each check fails on output that does carry a payload."""
    page = (b"<!DOCTYPE html><html><head><title>t</title></head><body><p onclick='x()'>a</p>"
            b"<a href=' javascript:alert(1)'>b</a><script>alert(1)</script><svg></svg><div style='x'></div>"
            b"</body></html>")
    found = _check_html(page)
    assert any("onclick" in p for p in found) and any("<script>" in p for p in found)
    assert any("javascript" in p for p in found) and any("<svg>" in p for p in found)
    assert any("style" in p for p in found) and any("alert(" in p for p in found)
    jats = b'<article xmlns:xlink="http://www.w3.org/1999/xlink"><ext-link xlink:href="javascript:x()"/></article>'
    assert _check_xml(jats, "jats")
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    buf = io.BytesIO()
    pdf.save(buf)
    assert _check_pdf(buf.getvalue())


def test_plain_text_fields_that_look_like_markup_stay_text(injected: dict[str, bytes]):
    page = lxml_html.document_fromstring(injected["html"])
    text = page.text_content()
    assert "Eve <b onmouseover=steal()>Mallory</b> Hacker" in text
    assert not page.xpath("//b[@onmouseover]")
    assert not page.xpath("//iframe")
    assert page.xpath("//meta[@name='citation_author_institution']/@content") == [
        "<iframe src=https://example.org/frame></iframe>Institute"]
    assert "<script>steal('keyword')</script>" in page.xpath("//meta[@name='keywords']/@content")[0]


# ---------------------------------------------------------------------------
# No network


class _Counter(http.server.BaseHTTPRequestHandler):
    requests: list[str]

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        data = FIGURE.read_bytes() if self.path.endswith(".png") else b"/* css */"
        self.send_response(200)
        self.send_header("Content-Type", "image/png" if self.path.endswith(".png") else "text/css")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def server() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server; yields its base URL and the list of paths it was asked for."""
    handler = type("Handler", (_Counter,), {"requests": []})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", handler.requests
    finally:
        httpd.shutdown()
        httpd.server_close()


def _remote_source(folder: Path, base: str) -> Path:
    src = folder / "remote.md"
    src.write_text(
        f"---\ntitle: Remote\ndate: 2024-01-15\nauthors: [Ann Example]\nimage:\n  src: {base}/lead.png\n"
        f"  alt: A lead picture.\n---\n\nA picture: ![Remote picture.]({base}/picture.png)\n\n"
        f'A raw one: <img src="{base}/raw.png" alt="Raw picture.">\n', encoding="utf-8")
    return src


def test_a_source_pointing_at_a_server_makes_no_request(server, tmp_path, capsys):
    base, requests = server
    src = _remote_source(tmp_path, base)
    for args in (["check", src], ["build", src, "-t", ",".join(FORMATS), "-o", tmp_path / "out"]):
        code = main([str(a) for a in args])
        lines = capsys.readouterr().err.splitlines()
        assert code == 2
        assert len(lines) == 3 and all("refused (pass --allow-remote to fetch it)" in line for line in lines), lines
    assert requests == []
    assert not (tmp_path / "out").exists()


def test_a_house_style_pointing_at_a_server_or_the_disk_makes_no_request(server, tmp_path, capsys):
    """Stylesheets too: nothing is fetched, and file: URLs outside the allowed folders are refused."""
    base, requests = server
    styles = tmp_path / "styles"
    styles.mkdir()
    css = (f'@import url("{base}/import.css");\n@font-face {{ font-family: X; src: url("{base}/font.woff"); }}\n'
           f'body {{ background: url("{base}/bg.png"); }}\nh1 {{ background: url("file:///etc/hostname"); }}\n')
    for name in ("html.css", "epub.css", "print.css"):
        (styles / name).write_text(css, encoding="utf-8")
    src = tmp_path / "src" / "plain.md"
    src.parent.mkdir()
    src.write_text("---\ntitle: Plain\ndate: 2024-01-15\nauthors: [Ann Example]\nlicense: CC BY 4.0\n---\n\n"
                   "Just text.\n", encoding="utf-8")
    for fmt in FORMATS:
        code = main(["build", str(src), "-t", fmt, "-o", str(tmp_path / f"out-{fmt}"), "--styles", str(styles)])
        err = capsys.readouterr().err
        assert code in (0, 2), err
        assert "Traceback" not in err
        if code == 2:  # a writer that refuses to print with holes says so in one line
            assert len(err.splitlines()) == 1 and "refused" in err
    assert requests == []


def test_allow_remote_fetches_only_the_named_images(server, tmp_path, capsys):
    """Decision: with --allow-remote, HTML and JATS refer to a remote image by its URL (no request);
    EPUB and PDF download each named image once to embed it; nothing else is fetched."""
    base, requests = server
    src = _remote_source(tmp_path, base)
    named = {"/lead.png", "/picture.png", "/raw.png"}
    for fmt in FORMATS:
        before = len(requests)
        code = main(["build", str(src), "-t", fmt, "-o", str(tmp_path / f"out-{fmt}"), "--allow-remote", "-q"])
        assert code == 0, capsys.readouterr().err
        made = requests[before:]
        assert set(made) <= named, made
        if fmt in ("html", "jats"):
            assert made == [], fmt
    assert main(["check", str(src), "--allow-remote"]) == 0  # checking never fetches
    assert set(requests) <= named


# ---------------------------------------------------------------------------
# Files, XML, the fetcher, pandoc


def test_file_urls_and_escapes_are_refused_by_the_policy(tmp_path):
    shutil.copy(FIGURE, tmp_path / "ok.png")
    policy = safety.Policy(tmp_path)
    assert safety.resolve_resource("ok.png", policy) == (tmp_path / "ok.png").resolve()
    assert safety.resolve_resource("./sub/../ok.png", policy) == (tmp_path / "ok.png").resolve()
    for ref, why in (
        ("file:///etc/passwd", "file: URL"),
        ("FILE:/etc/passwd", "file: URL"),
        ("../ok.png", "outside"),
        ("%2e%2e/%2e%2e/etc/passwd", "outside"),
        ("/etc/passwd", "absolute path"),
        ("//attacker.example/x.png", "another host"),
        ("ftp://attacker.example/x.png", "ftp: URL"),
        ("http://attacker.example/x.png", "--allow-remote"),
        ("ok%00.png", "not a usable file name"),
        ("x" * 5000 + ".png", "not a usable file name"),
        ("", "empty"),
    ):
        with pytest.raises(safety.AccessDenied, match=re.escape(why)):
            safety.resolve_resource(ref, policy)


XXE_SVG = """<?xml version="1.0"?>
<!DOCTYPE svg [
  <!ENTITY secret SYSTEM "file://{secret}">
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="120" height="40"
     onload="alert('svg')">
  <?xml-stylesheet href="http://attacker.example/s.css"?>
  <script>alert('script')</script>
  <rect width="120" height="40" fill="#345"/>
  <text x="4" y="24">&secret;&lol3;</text>
  <image xlink:href="file:///etc/hostname" width="1" height="1"/>
  <use href="#r"/>
</svg>
"""


def test_xml_parsing_leaves_entities_inert(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-TOKEN", encoding="utf-8")
    data = XXE_SVG.format(secret=secret).encode()
    root = safety.parse_xml(data)
    assert b"TOP-SECRET-TOKEN" not in etree.tostring(root)
    assert b"lollol" not in etree.tostring(root)
    cleaned = safety.clean_svg(data)
    assert b"TOP-SECRET" not in cleaned and b"DOCTYPE" not in cleaned and b"ENTITY" not in cleaned
    assert b"&secret;" not in cleaned and b"script" not in cleaned and b"onload" not in cleaned
    assert b"xml-stylesheet" not in cleaned and b"/etc/hostname" not in cleaned
    assert b'href="#r"' in cleaned and b"<rect" in cleaned
    with pytest.raises(safety.AccessDenied, match="not well-formed"):
        safety.clean_svg(b"<svg><rect></svg>")
    with pytest.raises(safety.AccessDenied, match="not an SVG"):
        safety.clean_svg(b"<html/>")


def test_an_xxe_svg_image_is_inert_in_every_format(tmp_path, capsys):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-TOKEN", encoding="utf-8")
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "xxe.svg").write_text(XXE_SVG.format(secret=secret), encoding="utf-8")
    (folder / "xxe.md").write_text("---\ntitle: XXE\ndate: 2024-01-15\nauthors: [Ann Example]\n"
                                   "license: CC BY 4.0\n---\n\n![A drawing with an entity.](xxe.svg)\n",
                                   encoding="utf-8")
    for fmt in FORMATS:
        out = tmp_path / f"out-{fmt}"
        code = main(["build", str(folder / "xxe.md"), "-t", fmt, "-o", str(out), "--pdf-variant", "plain"])
        err = capsys.readouterr().err
        assert code in (0, 2) and "Traceback" not in err, err
        assert len(err.splitlines()) <= 1, err  # refused with one clear line, or built
        if code == 2:
            assert not out.exists()  # a refused build leaves no folder behind
            continue
        for f in out.iterdir():
            data = f.read_bytes()
            assert b"TOP-SECRET" not in data
            if f.suffix == ".epub":
                with zipfile.ZipFile(f) as z:
                    assert all(b"TOP-SECRET" not in z.read(n) for n in z.namelist())
            if f.suffix == ".pdf":
                text = "".join(p.extract_text() for p in pypdf.PdfReader(f).pages)
                assert "TOP-SECRET" not in text


def test_the_weasyprint_fetcher_keeps_to_the_policy(server, tmp_path):
    import weasyprint

    base, requests = server
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(FIGURE, src / "ok.png")
    (src / "drawing.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4" onload="x()">'
                                     '<script>x()</script><rect width="4" height="4"/></svg>', encoding="utf-8")
    styles = tmp_path / "styles"
    styles.mkdir()
    (styles / "print.css").write_text("p { color: red }", encoding="utf-8")
    fetcher = safety.url_fetcher(safety.Policy(src), [styles])
    html = (f'<link rel="stylesheet" href="{styles.as_uri()}/print.css"><img src="ok.png"><img src="drawing.svg">'
            f'<img src="{base}/remote.png"><img src="file:///etc/hostname"><img src="../outside.png">'
            f'<img src="data:image/png;base64,iVBORw0KGgo=">')
    pdf = weasyprint.HTML(string=html, base_url=src.as_uri() + "/", url_fetcher=fetcher).write_pdf()
    assert pdf.startswith(b"%PDF")
    assert requests == []
    assert sorted(fetcher.refused) == sorted([f"{base}/remote.png", "file:///etc/hostname",
                                              (tmp_path / "outside.png").as_uri()])
    assert b"x()" not in fetcher.fetch((src / "drawing.svg").as_uri()).read()
    assert fetcher.fetch((styles / "print.css").as_uri()).read() == b"p { color: red }"

    remote = safety.url_fetcher(safety.Policy(src, allow_remote=True))
    assert remote.fetch(f"{base}/remote.png").read() == FIGURE.read_bytes()
    assert requests == ["/remote.png"]


def test_pandoc_runs_sandboxed_with_a_heap_limit_and_a_timeout():
    cmd = pandoc.command()
    assert "--sandbox" in cmd
    assert cmd[cmd.index("+RTS") + 1].startswith("-M") and cmd[-1] == "-RTS"
    assert pandoc.parse_markdown("*works*")["blocks"][0]["c"][0]["t"] == "Emph"  # the RTS options are accepted
    with pytest.raises(pandoc.PandocFailed, match=r"did not finish within 0\.5 s"):
        pandoc.parse_markdown("a < b " * 20000, timeout=0.5)


def test_no_network_even_through_pandoc(server, tmp_path):
    """pandoc's sandbox: a source cannot make pandoc itself read a file or a URL."""
    base, requests = server
    doc = pandoc.parse_markdown(f"![x]({base}/p.png)\n\n<img src='{base}/q.png'>\n\n[link]({base}/r)\n")
    assert doc["blocks"] and requests == []


def test_outputs_never_hold_a_file_outside_the_source_folder(tmp_path):
    """A symlinked image pointing outside is refused before any writer could embed it."""
    secret = tmp_path / "secret.png"
    shutil.copy(FIGURE, secret)
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "pic.png").symlink_to(secret)
    (folder / "a.md").write_text("---\ntitle: T\ndate: 2024-01-15\nauthors: [Ann Example]\n---\n\n![p](pic.png)\n",
                                 encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(folder), "-t", ",".join(FORMATS), "-o", str(out)]) == 2
    assert not out.exists()
