# rule: R11
# severity: Violation
# focus: https://w3id.org/ksgraph/id/lag/norrbotten/ny
# why: Add a LAG that hangs under an RPO instead of an LPO.
PREFIX ks: <https://w3id.org/ksgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>

INSERT DATA {
  <https://w3id.org/ksgraph/id/lag/norrbotten/ny> a ks:LocalWorkingGroup ; skos:prefLabel "LAG Ny"@sv ; ks:scope <https://w3id.org/ksgraph/id/region/norrbotten> ;
      ks:workingGroupOf <https://w3id.org/ksgraph/id/rpo/norra/akutvard> ; org:reportsTo <https://w3id.org/ksgraph/id/rpo/norra/akutvard> ; ks:appointedBy <https://w3id.org/ksgraph/id/rpo/norra/akutvard> ;
      ks:inConsultationWith <https://w3id.org/ksgraph/id/council/norrbotten> ; ks:status ks:active ; ks:statusAsOf "2025"^^xsd:gYear ;
      dcterms:source <https://w3id.org/ksgraph/id/source/002/lokala-arbetsgrupper> .
}
