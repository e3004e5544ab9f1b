// End-to-end check of the query UI in headless Chromium (driven by tests/http/test_ui.py).
// Usage: NODE_PATH=build/ui/node_modules node ui/e2e.cjs BASE_URL QUERY_NAME SCREENSHOT.png
// Prints one JSON object: what the page showed and every request that left BASE_URL.
"use strict";
const { chromium } = require("playwright-core");

async function main() {
  const [base, queryName, screenshot] = process.argv.slice(2);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    // Playwright gives each launch a fresh, temporary user-data-dir.
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
  });
  const outside = [];
  const failed = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on("request", (r) => { if (!r.url().startsWith(base) && !r.url().startsWith("data:")) outside.push(r.url()); });
    page.on("requestfailed", (r) => failed.push(r.url()));
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    // A browser asking for /sparql without a query gets the editor.
    await page.goto(base + "/sparql", { waitUntil: "load" });
    await page.waitForSelector(".yasqe .CodeMirror", { timeout: 20000 });
    // A named query is preloaded as a button; it opens in a new tab with the prefixes declared.
    await page.click(`#examples button[data-query="${queryName}"]`);
    const editorText = await page.evaluate(() => window.ksgraphYasgui.getTab().getQuery());
    // Each tab has its own editor and results; only the active tab's are visible.
    await page.locator(".yasqe_queryButton:visible").click();
    await page.locator(".yasr .dataTable tbody tr td:visible").first().waitFor({ timeout: 20000 });
    const table = await page.evaluate(() => {
      const t = [...document.querySelectorAll(".yasr .dataTable")].find((el) => el.offsetParent !== null);
      const headers = [...t.querySelectorAll("thead th")].map((th) => th.textContent.trim());
      const rows = [...t.querySelectorAll("tbody tr")].map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent.trim()));
      const info = document.querySelector(".yasr_response_chip, .yasr .yasr_header");
      return { headers, rows, info: info ? info.textContent : "" };
    });
    await page.screenshot({ path: screenshot, fullPage: true });
    const tabs = await page.evaluate(() => Object.keys(window.ksgraphYasgui.persistentConfig.tabConfig || {}).length);
    console.log(JSON.stringify({ outside, failed, errors, editorText, table, tabs }));
  } finally {
    await browser.close();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
