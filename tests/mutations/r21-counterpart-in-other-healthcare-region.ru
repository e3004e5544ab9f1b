# rule: R21
# severity: Violation
# focus: https://w3id.org/ksgraph/id/lpo/norrbotten/akut-vard
# why: RPO Akutvård moves to Södra, so Norrbotten'\''s LPO corresponds to an RPO outside its healthcare region.
PREFIX ks: <https://w3id.org/ksgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>

DELETE { <https://w3id.org/ksgraph/id/rpo/norra/akutvard> ks:scope ?s } INSERT { <https://w3id.org/ksgraph/id/rpo/norra/akutvard> ks:scope <https://w3id.org/ksgraph/id/healthcare-region/sodra> } WHERE { <https://w3id.org/ksgraph/id/rpo/norra/akutvard> ks:scope ?s }
