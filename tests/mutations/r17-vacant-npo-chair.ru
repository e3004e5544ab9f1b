# rule: R17
# severity: Warning
# focus: https://w3id.org/ksgraph/id/post/npo/akut-vard/chair
# why: The chair of NPO Akut vård becomes vacant (a warning, not a violation).
PREFIX ks: <https://w3id.org/ksgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>

DELETE { ?p ks:occupancy ?o } INSERT { ?p ks:occupancy ks:vacant } WHERE { BIND (<https://w3id.org/ksgraph/id/post/npo/akut-vard/chair> AS ?p) ?p ks:occupancy ?o }
