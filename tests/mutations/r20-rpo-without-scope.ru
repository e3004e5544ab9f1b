# rule: R20
# severity: Violation
# focus: https://w3id.org/ksgraph/id/rpo/norra/akutvard
# why: RPO Akutvård belongs to no healthcare region.
PREFIX ks: <https://w3id.org/ksgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>

DELETE WHERE { <https://w3id.org/ksgraph/id/rpo/norra/akutvard> ks:scope ?s }
