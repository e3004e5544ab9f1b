# rule: R3
# severity: Violation
# focus: https://w3id.org/ksgraph/id/npo/akut-vard
# why: The process leader of NPO Akut vård is financed by SKR, not by the host.
PREFIX ks: <https://w3id.org/ksgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>

DELETE { ?post ks:financedBy ?h } INSERT { ?post ks:financedBy <https://w3id.org/ksgraph/id/org/skr> } WHERE { BIND (<https://w3id.org/ksgraph/id/post/npo/akut-vard/process-leader> AS ?post) ?post ks:financedBy ?h }
