// The ksgraph query editor: YASGUI against this server only, the ontology's terms as
// autocompletions, the named queries as examples. Nothing here makes a request elsewhere.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("ksgraph-config").textContent);
  const prefixLines = Object.entries(config.prefixes).map(([p, iri]) => `PREFIX ${p}: <${iri}>`).join("\n");
  // Named queries rely on the server's predeclared prefixes; the editor needs them declared to
  // autocomplete and to avoid flagging prefixed names, so a tab gets the PREFIX lines prepended.
  const withPrefixes = (sparql) => `${prefixLines}\n\n${sparql}`;
  if (!window.Yasgui) { return; }  // the page explains that the editor is not built
  const Yasqe = Yasgui.Yasqe;

  // Classes and properties come from the page (the ontology's files and the data's terms), not
  // from LOV: the built-in "class" and "property" completers are forked with a local lookup.
  // The token arrives expanded to a full IRI when its prefix is declared (ks:Nat → https://…#Nat).
  const lookup = (terms) => (yasqe, token) => {
    const wanted = (token && (token.autocompletionString || token.string)) || "";
    const lower = wanted.toLowerCase();
    const local = (iri) => iri.slice(Math.max(iri.lastIndexOf("#"), iri.lastIndexOf("/")) + 1).toLowerCase();
    const hits = terms.filter((iri) => iri.startsWith(wanted));
    // A bare word finds terms by their local name too: "National" → ks:NationalProgrammeArea.
    const more = wanted.includes(":") ? [] : terms.filter((iri) => !iri.startsWith(wanted) && local(iri).startsWith(lower));
    return hits.concat(more).slice(0, 100);
  };
  Yasqe.forkAutocompleter("class", { name: "ksgraphClasses", get: lookup(config.vocabulary.classes), bulk: false, autoShow: true }, false);
  Yasqe.forkAutocompleter("property", { name: "ksgraphProperties", get: lookup(config.vocabulary.properties), bulk: false, autoShow: true }, false);
  // The prefixes this server declares, instead of prefix.cc's list.
  const prefixList = Object.entries(config.prefixes).map(([p, iri]) => `${p}: <${iri}>`).sort();
  Yasqe.forkAutocompleter("prefixes", { name: "ksgraphPrefixes", get: () => prefixList, persistenceId: null }, false);
  Yasqe.defaults.autocompleters = ["variables", "ksgraphPrefixes", "ksgraphClasses", "ksgraphProperties"];

  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: () => [{ endpoint: config.endpoint }] },
    persistenceId: "ksgraph",
    // A query in the address (#query=… or ?query=…) opens in a tab; whatever endpoint the address
    // names, the tab asks this server.
    populateFromUrl: (tab) => { tab.requestConfig = { ...tab.requestConfig, endpoint: config.endpoint }; return tab; },
    yasqe: { value: withPrefixes("SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY DESC(?n) LIMIT 20") },
  });
  // YASGUI's own markup, mended for assistive technology (axe-core checks the page in the tests):
  // the editor's text area and the endpoint box get names, the editor's scroll area a tab stop,
  // and the "+" button, which a tablist may not contain, gives way to ours beside the examples.
  const mend = () => {
    const name = (el, text) => { if (!el.getAttribute("aria-label")) el.setAttribute("aria-label", text); };
    document.querySelectorAll("#yasgui .CodeMirror textarea").forEach((el) => name(el, config.words.query));
    document.querySelectorAll("#yasgui input.autocomplete").forEach((el) => name(el, config.words.endpoint));
    document.querySelectorAll("#yasgui .tabsList input[type=text]").forEach((el) => name(el, config.words.tabName));
    document.querySelectorAll("#yasgui .CodeMirror-scroll").forEach((el) => el.setAttribute("tabindex", "0"));
    document.querySelectorAll("#yasgui .tabsList button.addTab").forEach((el) => { el.parentElement.hidden = true; });
  };
  new MutationObserver(mend).observe(document.getElementById("yasgui"), { childList: true, subtree: true });
  mend();
  const nav = document.getElementById("examples");
  const fresh = document.createElement("button");
  fresh.type = "button";
  fresh.id = "new-tab";
  fresh.textContent = config.words.newTab;
  fresh.addEventListener("click", () => yasgui.addTab(true).setQuery(withPrefixes("SELECT * WHERE {\n  ?s ?p ?o\n} LIMIT 10")));
  nav.appendChild(fresh);
  for (const q of config.queries) {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = q.title;
    button.title = q.question;
    button.dataset.query = q.name;
    button.addEventListener("click", () => {
      const tab = yasgui.addTab(true, { name: q.name });
      tab.setQuery(withPrefixes(q.sparql));
    });
    nav.appendChild(button);
  }
  window.ksgraphYasgui = yasgui;
})();
