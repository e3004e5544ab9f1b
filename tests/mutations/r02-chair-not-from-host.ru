# rule: R2
# severity: Violation
# focus: https://w3id.org/ksgraph/id/npo/akut-vard
# why: The chair of NPO Akut vård represents another healthcare region than the host.
PREFIX ks: <https://w3id.org/ksgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>

DELETE { ?post ks:represents ?h } INSERT { ?post ks:represents <https://w3id.org/ksgraph/id/healthcare-region/sodra> } WHERE { BIND (<https://w3id.org/ksgraph/id/post/npo/akut-vard/chair> AS ?post) ?post ks:represents ?h }
