# rule: R16
# severity: Violation
# focus: https://w3id.org/ksgraph/id/post/group/sks/member-ld-1
# why: An SKS post is said to be filled, but no holder is named.
PREFIX ks: <https://w3id.org/ksgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>

DELETE { ?p ks:occupancy ?o } INSERT { ?p ks:occupancy ks:filled } WHERE { BIND (<https://w3id.org/ksgraph/id/post/group/sks/member-ld-1> AS ?p) ?p ks:occupancy ?o }
