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
const { parseArgs, run, withLocalPage } = require("./local_chromium.cjs");

const { modules, browserPath, pages } = parseArgs("page_width.cjs");
const WIDTHS = [360, 1280];

run(() => withLocalPage(modules, browserPath, async (page) => {
  const report = {};
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
  return report;
}));
