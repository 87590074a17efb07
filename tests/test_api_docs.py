"""The README's Python API example runs, and prints what the README says it prints."""

from __future__ import annotations

import doctest
import re

import pytest

import articlekit
from articlekit.errors import ArticlekitError, InternalError, OutputError, UnsupportedFormatError
from seed import ROOT

README = ROOT / "README.md"
SECTION = "### The Python API and its errors"


def _examples() -> str:
    text = README.read_text(encoding="utf-8")
    assert SECTION in text
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    blocks = re.findall(r"^```pycon\n(.*?)^```$", section, re.DOTALL | re.MULTILINE)
    assert len(blocks) == 1
    return blocks[0]


def test_the_readme_error_example_is_true(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the example writes its own source
    test = doctest.DocTestParser().get_doctest(_examples(), {}, "README", str(README), 0)
    assert len(test.examples) >= 10
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    failures = []
    runner.run(test, out=failures.append)
    assert runner.failures == 0, "".join(failures)


def test_the_example_fails_when_its_output_is_wrong(tmp_path, monkeypatch):
    """The runner above really compares output: a changed expectation fails."""
    monkeypatch.chdir(tmp_path)
    wrong = _examples().replace("exit code 2", "exit code 3")
    test = doctest.DocTestParser().get_doctest(wrong, {}, "README", str(README), 0)
    runner = doctest.DocTestRunner()
    runner.run(test, out=lambda _: None)
    assert runner.failures == 1


@pytest.mark.parametrize("name", ["ArticlekitError", "ArticleError", "ArticleErrors", "InternalError",
                                  "OutputError", "UnsupportedFormatError", "title_text", "subtitle_text",
                                  "abstract_text", "BuildReport"])
def test_the_readme_documents(name):
    section = README.read_text(encoding="utf-8").split(SECTION, 1)[1].split("\n## ", 1)[0]
    assert f"`{name}`" in section or f".{name}`" in section


def test_the_documented_exceptions_are_what_the_api_raises():
    assert issubclass(articlekit.ArticleError, ArticlekitError)
    assert issubclass(articlekit.ArticleErrors, ArticlekitError)
    assert all(issubclass(c, ArticlekitError) for c in (InternalError, OutputError, UnsupportedFormatError))
    assert InternalError.exit_code == 1 and ArticlekitError.exit_code == 2
    errors = articlekit.ArticleErrors([articlekit.ArticleError("a.md", "second", 9),
                                       articlekit.ArticleError("a.md", "first", 2, 5)])
    assert [e.message for e in errors] == ["first", "second"] and len(errors) == 2
    assert str(errors).splitlines() == ["a.md:2:5: first", "a.md:9: second"]
