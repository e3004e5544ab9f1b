# rule: R12
# severity: Violation
# focus: https://w3id.org/ksgraph/id/rag/norra/ny
# why: Add a RAG whose members report to the NPO instead of its RPO.
PREFIX ks: <https://w3id.org/ksgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>

INSERT DATA {
  <https://w3id.org/ksgraph/id/rag/norra/ny> a ks:RegionalWorkingGroup ; skos:prefLabel "RAG Ny"@sv ; ks:scope <https://w3id.org/ksgraph/id/healthcare-region/norra> ;
      ks:workingGroupOf <https://w3id.org/ksgraph/id/rpo/norra/akutvard> ; org:reportsTo <https://w3id.org/ksgraph/id/npo/akut-vard> ;
      ks:status ks:active ; ks:statusAsOf "2025"^^xsd:gYear ; dcterms:source <https://w3id.org/ksgraph/id/source/004/uppdragen-i-rpo> .
}
