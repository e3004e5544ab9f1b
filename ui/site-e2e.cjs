// The site in headless Chromium as a reader uses it (driven by tests/http/site/test_browser_site.py):
// every page loaded, screenshotted and checked with axe-core; search, browse, a named query run
// from its form, the structure picture's links, the language switch, the pages without
// JavaScript, the editor's autocompletion. Every request the browser makes is recorded.
// Usage: NODE_PATH=build/ui/node_modules node ui/site-e2e.cjs BASE_URL ARTIFACT_DIR
// Prints one JSON object (the last line of stdout) for the Python test to judge.
"use strict";
const path = require("path");
const { chromium } = require("playwright-core");

const PAGES = [
  ["landing", "/"],
  ["search", "/search?q=ungdomars%20halsa"],
  ["browse-index", "/browse"],
  ["browse", "/browse?class=ks:NationalProgrammeArea"],
  ["structure", "/structure"],
  ["queries", "/queries"],
  ["query", "/queries/npo-hosts"],
  ["editor", "/sparql"],
  ["dataset", "/.well-known/void"],
  ["resource", "/id/npo/barn-och-ungdomars-halsa"],
  ["ontology", "/ontology"],
];

async function main() {
  const [base, artifacts] = process.argv.slice(2);
  const axePath = require.resolve("axe-core/axe.min.js");
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", "--disable-quic"],
  });
  const requests = [];
  const errors = [];
  const out = { pages: {} };
  const watch = (context) => {
    context.on("request", (r) => requests.push(r.url()));
    context.on("page", (p) => p.on("pageerror", (e) => errors.push(`${p.url()}: ${e}`)));
  };
  const shot = (page, name) => page.screenshot({ path: path.join(artifacts, `site-${name}.png`), fullPage: true });
  const axe = async (page) => {
    await page.addScriptTag({ path: axePath });
    const result = await page.evaluate(async () => window.axe.run(document, { resultTypes: ["violations"] }));
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
  };
  const texts = (page, selector) => page.$$eval(selector, (els) => els.map((e) => e.textContent.trim()));
  const hrefs = (page, selector) => page.$$eval(selector, (els) => els.map((e) => e.getAttribute("href")));
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: "en-US" });
    watch(context);
    const page = await context.newPage();

    // Every page: status, language, screenshot, accessibility.
    for (const [name, url] of PAGES) {
      const response = await page.goto(base + url, { waitUntil: "load" });
      if (name === "editor") await page.waitForSelector(".yasqe .CodeMirror", { timeout: 20000 });
      out.pages[name] = {
        url, status: response.status(), type: response.headers()["content-type"],
        lang: await page.getAttribute("html", "lang"), title: await page.title(),
        searchBox: (await page.$("header form.search input[name=q]")) !== null,
        stylesheets: await page.$$eval("link[rel=stylesheet]", (els) => els.map((e) => e.getAttribute("href"))),
      };
      await shot(page, name);
      out.pages[name].axe = await axe(page);
    }

    // Search from the box on the landing page.
    await page.goto(base + "/");
    await page.fill("header form.search input[name=q]", "ungdomars halsa");
    await Promise.all([page.waitForURL(/\/search\?/), page.press("header form.search input[name=q]", "Enter")]);
    out.search = { url: page.url(), hits: await hrefs(page, "ol.hits > li > a"), count: await page.textContent("#search-count") };
    await Promise.all([page.waitForURL(/\/id\/npo\//), page.click('ol.hits a[href="/id/npo/barn-och-ungdomars-halsa"]')]);
    out.search.landed = { url: page.url(), h1: await page.textContent("h1") };
    const json = await page.request.get(base + "/search?q=oron", { headers: { Accept: "application/json" } });
    out.search.json = await json.json();

    // Browse: a class, and a sub-class from its super-class's page.
    await page.goto(base + "/browse?class=ks:NationalProgrammeArea");
    out.browse = { rows: await hrefs(page, "#instance-table tbody tr td:first-child a"), h1: await page.textContent("h1") };
    await page.goto(base + "/browse?class=ks:ProgrammeArea");
    out.browse.subclasses = await hrefs(page, "#subclasses a");
    await Promise.all([page.waitForURL(/NationalProgrammeArea/), page.click('#subclasses a[href*="NationalProgrammeArea"]')]);
    out.browse.viaSubclass = (await hrefs(page, "#instance-table tbody tr td:first-child a")).length;

    // A named query run from its form: the host chosen by its label.
    await page.goto(base + "/queries/npo-hosts");
    const options = await page.$$eval("#param-host option", (els) => els.map((e) => ({ value: e.value, label: e.textContent.trim() })));
    const sodra = options.find((o) => o.value === "id:healthcare-region/sodra");
    await page.selectOption("#param-host", { label: sodra.label });
    await Promise.all([page.waitForURL(/host=/), page.click("#query-form button[type=submit]")]);
    out.query = {
      options, chosen: sodra, url: page.url(),
      headers: await texts(page, "#answer-table thead th"),
      rows: await page.$$eval("#answer-table tbody tr", (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => {
        const a = td.querySelector("a"); return a ? a.getAttribute("href") : td.textContent.trim(); }))),
      downloads: await page.$$eval(".downloads a", (els) => els.map((e) => ({ text: e.textContent.trim(), href: e.getAttribute("href") }))),
    };
    await shot(page, "query-run");
    // "Open in the query editor" opens the bound query in a tab of the editor.
    await page.click("#open-in-editor");
    await page.waitForSelector(".yasqe .CodeMirror", { timeout: 20000 });
    await page.waitForFunction(() => window.ksgraphYasgui && window.ksgraphYasgui.getTab().getQuery().includes("VALUES"), null, { timeout: 20000 });
    out.query.editorText = await page.evaluate(() => window.ksgraphYasgui.getTab().getQuery());
    out.query.editorEndpoint = await page.evaluate(() => window.ksgraphYasgui.getTab().getEndpoint());

    // The editor completes the ontology's terms from the page, not from LOV.
    const complete = async (text) => {
      await page.evaluate((q) => {
        const yasqe = window.ksgraphYasgui.getTab().getYasqe();
        yasqe.setValue(q);
        yasqe.focus();
        yasqe.setCursor(yasqe.lastLine(), yasqe.getLine(yasqe.lastLine()).length);
      }, text);
      await page.keyboard.press("Control+Space");
      await page.waitForSelector(".CodeMirror-hints li", { timeout: 10000 });
      const found = await texts(page, ".CodeMirror-hints li");
      await page.keyboard.press("Escape");
      return found;
    };
    out.editor = {
      classes: await complete("PREFIX ks: <https://w3id.org/ksgraph/ontology#>\nSELECT * WHERE { ?s a ks:NationalProg"),
      properties: await complete("PREFIX ks: <https://w3id.org/ksgraph/ontology#>\nSELECT * WHERE { ?s ks:hosted"),
      examples: await page.$$eval("#examples button[data-query]", (els) => els.map((e) => e.dataset.query)),
    };

    // The structure picture: every box a link; a click lands on the group's page.
    await page.goto(base + "/structure?as_of=all");
    out.structure = { links: await hrefs(page, "#structure svg a"), boxes: await page.$$eval("#structure svg rect", (r) => r.length) };
    await Promise.all([page.waitForURL(/\/id\/npo\/akut-vard$/), page.click('#structure svg a[href="/id/npo/akut-vard"]')]);
    out.structure.landed = { url: page.url(), h1: await page.textContent("h1") };
    await page.goto(base + "/structure");
    // Every label drawn inside its box (measured by the browser that draws it).
    out.structure.overflowing = await page.$$eval("#structure svg a", (links) => links.filter((a) => {
      const box = a.querySelector("rect").getBBox();
      const text = a.querySelector("text").getBBox();
      return text.x < box.x || text.x + text.width > box.x + box.width || text.y < box.y || text.y + text.height > box.y + box.height;
    }).map((a) => a.getAttribute("href")));
    out.structure.today = { links: (await hrefs(page, "#structure svg a")).length, dashed: await page.$$eval('#structure svg rect[stroke-dasharray="3 3"]', (r) => r.length) };

    // The timelines of the resource pages: no label cut at either edge of the picture.
    out.timelines = {};
    for (const url of ["/id/npo/cancersjukdomar", "/id/group/sks", "/id/rsg/norra/strukturerad-vardinformation"]) {
      await page.goto(base + url);
      out.timelines[url] = await page.$$eval("svg.timeline", (svgs) => svgs.map((svg) => {
        const width = svg.viewBox.baseVal.width;
        return { width, texts: [...svg.querySelectorAll("text")].length, cut: [...svg.querySelectorAll("text")]
          .filter((t) => { const b = t.getBBox(); return b.x < 0 || b.x + b.width > width; }).map((t) => t.textContent) };
      }));
    }
    await context.close();

    // The language: Accept-Language first, then the switch, which the next pages keep.
    const swedish = await browser.newContext({ locale: "sv-SE" });
    watch(swedish);
    const sv = await swedish.newPage();
    await sv.goto(base + "/");
    out.language = { first: await sv.getAttribute("html", "lang"), nav: await texts(sv, "header nav a") };
    await Promise.all([sv.waitForURL(/lang=en/), sv.click("header a.lang")]);
    out.language.switched = await sv.getAttribute("html", "lang");
    out.language.switchedNav = await texts(sv, "header nav a");
    await sv.goto(base + "/browse");
    out.language.kept = await sv.getAttribute("html", "lang");
    await swedish.close();

    // Without JavaScript: search, the switch and a named query's form still work.
    const plain = await browser.newContext({ javaScriptEnabled: false, locale: "en-US" });
    watch(plain);
    const nojs = await plain.newPage();
    await nojs.goto(base + "/");
    await nojs.fill("#landing-q", "oron");
    await Promise.all([nojs.waitForURL(/\/search\?/), nojs.press("#landing-q", "Enter")]);
    out.nojs = { search: await hrefs(nojs, "ol.hits > li > a") };
    await Promise.all([nojs.waitForURL(/lang=sv/), nojs.click("header a.lang")]);
    out.nojs.switched = await nojs.getAttribute("html", "lang");
    await nojs.goto(base + "/queries/npo-hosts");
    await nojs.selectOption("#param-host", "id:healthcare-region/norra");
    await Promise.all([nojs.waitForURL(/host=/), nojs.click("#query-form button[type=submit]")]);
    out.nojs.queryRows = await nojs.$$eval("#answer-table tbody tr", (trs) => trs.length);
    await nojs.goto(base + "/structure?as_of=all");
    out.nojs.structureLinks = (await hrefs(nojs, "#structure svg a")).length;
    await plain.close();
  } finally {
    await browser.close();
  }
  const origin = new URL(base).origin;
  out.requests = requests.length;
  out.outside = requests.filter((u) => !u.startsWith(origin + "/") && !u.startsWith("data:") && !u.startsWith("about:") && !u.startsWith("blob:"));
  out.errors = errors;
  console.log(JSON.stringify(out));
}

main().catch((e) => { console.error(e); process.exit(1); });
