# rule: R9
# severity: Violation
# focus: https://w3id.org/ksgraph/id/rpo/norra/akutvard
# why: RPO Akutvård gets another field than its NPO.
PREFIX ks: <https://w3id.org/ksgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>

DELETE { <https://w3id.org/ksgraph/id/rpo/norra/akutvard> ks:field ?f } INSERT { <https://w3id.org/ksgraph/id/rpo/norra/akutvard> ks:field <https://w3id.org/ksgraph/id/field/levnadsvanor> } WHERE { <https://w3id.org/ksgraph/id/rpo/norra/akutvard> ks:field ?f }
