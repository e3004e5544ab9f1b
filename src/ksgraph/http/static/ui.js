// The ksgraph query page: YASGUI against this server only, the named queries as examples.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("ksgraph-config").textContent);
  const prefixLines = Object.entries(config.prefixes).map(([p, iri]) => `PREFIX ${p}: <${iri}>`).join("\n");
  // Named queries rely on the server's predeclared prefixes; the editor needs them declared to
  // autocomplete and to avoid flagging prefixed names, so a tab gets the PREFIX lines prepended.
  const withPrefixes = (sparql) => `${prefixLines}\n\n${sparql}`;
  if (!window.Yasgui) { return; }  // the page explains that the editor is not built
  // No request may leave this server: the autocompleters that call prefix.cc and LOV are off,
  // and the only endpoint is ours.
  Yasgui.Yasqe.defaults.autocompleters = ["variables"];
  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: config.endpoint, method: "POST" },
    copyEndpointOnNewTab: true,
    endpointCatalogueOptions: { getData: () => [{ endpoint: config.endpoint }] },
    persistenceId: "ksgraph",
    yasqe: { value: withPrefixes("SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class } GROUP BY ?class ORDER BY DESC(?n) LIMIT 20") },
  });
  const nav = document.getElementById("examples");
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
