// One headless Chromium for the tests' page checks (axe_check.cjs, page_width.cjs).
//
// Launched from the installed binary (no browser is downloaded) with a throw-away profile and
// the flags this closed network needs (no background networking, updates or sync), and one tab
// whose requests to anything but file: URLs are aborted: the pages must be self-contained.
"use strict";

const fs = require("fs");
const os = require("os");
const path = require("path");

// Parse "<node_modules dir> <chromium> <page.html>..." or exit with the script's usage line.
function parseArgs(script) {
  const [modules, browserPath, ...pages] = process.argv.slice(2);
  if (!modules || !browserPath || pages.length === 0) {
    console.error(`usage: ${script} <node_modules> <chromium> <page.html>...`);
    process.exit(64);
  }
  return { modules, browserPath, pages };
}

// Run fn(page) in a fresh browser, close it and remove its profile, then print fn's result as JSON.
async function withLocalPage(modules, browserPath, fn) {
  const puppeteer = require(path.resolve(modules, "puppeteer-core"));
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "articlekit-chromium-"));
  const browser = await puppeteer.launch({
    executablePath: browserPath,
    headless: true,
    userDataDir: profile,
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
  try {
    const page = await browser.newPage();
    await page.setRequestInterception(true);
    page.on("request", (req) => (req.url().startsWith("file:") ? req.continue() : req.abort()));
    process.stdout.write(JSON.stringify(await fn(page)));
  } finally {
    await browser.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

// Run main(), turning a failure into its stack on stderr and exit code 1.
function run(main) {
  main().catch((err) => {
    console.error(err && err.stack ? err.stack : String(err));
    process.exit(1);
  });
}

module.exports = { parseArgs, run, withLocalPage };
