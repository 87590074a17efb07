"""The registry records on the command line: built only when named, refused with one line per missing
fact while the article's other formats are still written, checked by ``check --for`` first, gathered
into one batch deposit by ``--crossref-batch``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import etree

import articlekit
from articlekit.batch.worker import Job, render_job
from articlekit.writers.deposit.crossref import namespace
from conftest import FIXTURES, run_cli
from seed import SAMPLE
from test_check_agrees import every_source

DEPOSIT = FIXTURES / "deposit"
NS = namespace("5.3.1")


def house(where: Path, *, doi: bool = True, depositor: bool = True) -> Path:
    """A copy of the deposit fixture in ``where``, less its DOI or its depositor."""
    shutil.copytree(DEPOSIT, where / "src")
    source = where / "src" / "sinking-deltas.md"
    if not doi:
        source.write_text(source.read_text(encoding="utf-8").replace("doi: 10.5555/coastal.2024.017\n", ""),
                          encoding="utf-8")
    if not depositor:
        config = where / "src" / "articlekit.toml"
        config.write_text(config.read_text(encoding="utf-8").replace('depositor = "Delta Research Institute"\n', ""),
                          encoding="utf-8")
    return source


@pytest.mark.parametrize(("missing", "line"), [
    ("doi", "{src}/sinking-deltas.md:1: Crossref deposit: no 'doi'; add doi: 10.NNNN/suffix to the front matter"
            " (the DOI this deposit registers)"),
    ("depositor", "{src}/articlekit.toml:13: Crossref deposit: no 'depositor' in [deposit]; add depositor = \"…\""
                  " there"),
])
def test_a_refused_deposit_is_one_line_and_the_other_formats_are_written(tmp_path: Path, missing: str,
                                                                          line: str) -> None:
    house(tmp_path, **{missing: False})
    out = tmp_path / "out"
    proc = run_cli("build", tmp_path / "src", "-t", "html,jats,crossref,doaj", "-o", out, "-q", "-j", "1")
    assert proc.returncode == 2
    errors = [x for x in proc.stderr.splitlines() if not x.startswith("warning:")]
    assert errors == [line.format(src=tmp_path / "src")], proc.stderr
    assert "Traceback" not in proc.stderr
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "sinking-deltas.doaj.xml", "sinking-deltas.html", "sinking-deltas.xml"]
    assert not list(out.rglob("*crossref*"))  # no partial deposit either
    check = run_cli("check", "--for", "crossref", tmp_path / "src")
    assert check.returncode == 2
    assert [x for x in check.stderr.splitlines() if not x.startswith("warning:")] == errors


def test_deposits_are_built_only_when_named(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert articlekit.build_many([DEPOSIT], out_dir=out, jobs=1).ok
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert not [n for n in names if "crossref" in n or "doaj" in n] and "sinking-deltas.pdf" in names


def test_the_schema_option_and_a_batch_deposit(tmp_path: Path) -> None:
    house(tmp_path)
    second = tmp_path / "src" / "second-look.md"
    second.write_text((tmp_path / "src" / "sinking-deltas.md").read_text(encoding="utf-8").replace(
        "doi: 10.5555/coastal.2024.017", "doi: 10.5555/coastal.2024.018"), encoding="utf-8")
    out = tmp_path / "out"
    proc = run_cli("build", tmp_path / "src", "-t", "crossref", "--crossref-schema", "5.4.0", "--crossref-batch",
                   "-o", out, "-j", "1")
    assert proc.returncode == 0, proc.stderr
    assert f"wrote {out / 'crossref-batch.xml'}" in proc.stdout
    batch = etree.fromstring((out / "crossref-batch.xml").read_bytes())
    assert batch.get("version") == "5.4.0"
    dois = [d.text for d in batch.iter(f"{{{namespace('5.4.0')}}}doi")
            if etree.QName(d.getparent()).localname == "doi_data"]
    assert dois == ["10.5555/coastal.2024.018", "10.5555/coastal.2024.017"]  # the sources' order
    again = run_cli("build", tmp_path / "src", "-t", "crossref", "--crossref-schema", "5.4.0", "--crossref-batch",
                    "-o", out, "-j", "1")
    assert again.returncode == 0, again.stderr  # up to date: the batch is made again from the files
    assert (out / "crossref-batch.xml").read_bytes() == etree.tostring(batch, encoding="UTF-8",
                                                                      xml_declaration=True) + b"\n"
    usage = run_cli("build", tmp_path / "src", "-t", "html", "--crossref-batch", "-o", out)
    assert usage.returncode == 2 and "add crossref to -t" in usage.stderr


def test_check_for_an_unknown_registry_is_refused() -> None:
    proc = run_cli("check", "--for", "datacite", SAMPLE)
    assert proc.returncode == 2 and "unknown registry 'datacite'" in proc.stderr


@pytest.mark.parametrize("source", [s for s in every_source() if "deposit" in s.parts or s.parent == SAMPLE.parent
                                    or "journal" in s.parts or "citations" in s.parts],
                         ids=lambda s: s.name)
def test_check_for_finds_whatever_the_build_refuses(source: Path) -> None:
    """``check --for crossref,doaj`` reports exactly the lines the build's crossref and doaj formats fail with."""
    checked = articlekit.check([source], for_formats=("crossref", "doaj"))
    built = render_job(Job(source, ("crossref", "doaj")))
    refused = [p.text for out in built.outputs for p in out.problems]
    if built.problems:  # the source itself is refused: check says the same
        assert [str(e) for e in checked.errors] == [p.text for p in built.problems]
        return
    assert sorted(str(e) for e in checked.errors) == sorted(set(refused))
    assert checked.ok == all(out.ok for out in built.outputs)
