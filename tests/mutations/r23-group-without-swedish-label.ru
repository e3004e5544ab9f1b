# rule: R23
# severity: Warning
# focus: https://w3id.org/ksgraph/id/npo/akut-vard
# why: NPO Akut vård loses its Swedish name.
PREFIX ks: <https://w3id.org/ksgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>

DELETE { <https://w3id.org/ksgraph/id/npo/akut-vard> skos:prefLabel ?l } WHERE { <https://w3id.org/ksgraph/id/npo/akut-vard> skos:prefLabel ?l FILTER (lang(?l) = "sv") }
