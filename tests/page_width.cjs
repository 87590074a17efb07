#!/usr/bin/env node
// Loads local HTML pages in one headless Chromium at a phone's and a desktop's width and prints,
// per page and width, the page's scroll width and the elements reaching past the viewport.
//
//   node page_width.cjs <node_modules dir> <chromium> <page.html>...
//
// Output: {"<page>": {"<width>": {"scrollWidth": n, "past": ["TABLE", …]}}}.
"use strict";

const path = require("path");
const url = require("url");

const [modules, browserPath, ...pages] = process.argv.slice(2);
if (!modules || !browserPath || pages.length === 0) {
  console.error("usage: page_width.cjs <node_modules> <chromium> <page.html>...");
  process.exit(64);
}
const puppeteer = require(path.resolve(modules, "puppeteer-core"));
const WIDTHS = [360, 1280];

(async () => {
  const browser = await puppeteer.launch({ executablePath: browserPath, args: ["--no-sandbox"] });
  const report = {};
  try {
    const page = await browser.newPage();
    await page.setRequestInterception(true);
    page.on("request", (r) => (r.url().startsWith("file:") ? r.continue() : r.abort()));
    for (const file of pages) {
      report[file] = {};
      for (const width of WIDTHS) {
        await page.setViewport({ width, height: 800 });
        await page.goto(url.pathToFileURL(path.resolve(file)).href, { waitUntil: "load" });
        report[file][width] = await page.evaluate(() => {
          const limit = document.documentElement.clientWidth + 1;
          const past = [...document.body.querySelectorAll("*")]
            .filter((el) => el.getBoundingClientRect().right > limit)
            .map((el) => el.tagName);
          return { scrollWidth: document.documentElement.scrollWidth, past };
        });
      }
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(report));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
