#!/usr/bin/env node
// Runs axe-core over local HTML pages in one headless Chromium and prints one JSON report.
//
//   node axe_check.cjs <node_modules dir> <chromium> <page.html>...
//
// Every page is checked at each viewport in VIEWPORTS (a wide screen and a phone, because a
// table or code block only scrolls, and only needs to be focusable, when the page is narrow),
// in the light colour scheme with every rule the installed axe-core has — WCAG A, AA and AAA,
// best-practice, and those axe leaves off by default (target-size, enhanced contrast, …) — but
// the deprecated and experimental ones, then in the dark colour scheme with the rules that judge
// colour, since the house style changes its colours there.
// Output: {"<page>": [{"viewport", "scheme", "id", "impact", "help", "nodes": [{"target", "summary"}]}]}.
// Requests to anything but file: URLs are aborted (local_chromium.cjs): the pages must be self-contained.
"use strict";

const fs = require("fs");
const path = require("path");
const url = require("url");
const { parseArgs, run, withLocalPage } = require("./local_chromium.cjs");

const { modules, browserPath, pages } = parseArgs("axe_check.cjs");
const axeSource = fs.readFileSync(path.resolve(modules, "axe-core", "axe.min.js"), "utf8");

const VIEWPORTS = [
  { name: "desktop", width: 1280, height: 900 },
  { name: "phone", width: 360, height: 740 },
];
const COLOUR_RULES = ["color-contrast", "color-contrast-enhanced", "link-in-text-block"];

async function check(page, scheme, rules) {
  await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: scheme }]);
  const options = { resultTypes: ["violations"], runOnly: { type: "rule", values: rules } };
  const results = await page.evaluate((opts) => window.axe.run(document, opts), options);
  return results.violations.map((v) => ({
    scheme,
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({ target: n.target, summary: n.failureSummary })),
  }));
}

run(() => withLocalPage(modules, browserPath, async (page) => {
  const report = {};
  for (const file of pages) {
    const found = [];
    for (const vp of VIEWPORTS) {
      await page.setViewport({ width: vp.width, height: vp.height });
      await page.goto(url.pathToFileURL(path.resolve(file)).href, { waitUntil: "load" });
      await page.evaluate(axeSource);
      // Deprecated rules judge what HTML no longer requires (WCAG 4.1.1's parsing checks);
      // experimental ones guess at intent (p-as-heading takes a subtitle for a heading).
      const every = await page.evaluate(() => window.axe.getRules()
        .filter((r) => !r.tags.includes("deprecated") && !r.tags.includes("experimental"))
        .map((r) => r.ruleId));
      for (const v of await check(page, "light", every)) found.push({ viewport: vp.name, ...v });
      for (const v of await check(page, "dark", COLOUR_RULES)) found.push({ viewport: vp.name, ...v });
    }
    report[file] = found;
  }
  return report;
}));
