# rule: R9
# severity: Violation
# focus: https://w3id.org/ksgraph/id/lpo/norrbotten/ny
# why: Add an LPO with no RPO counterpart.
PREFIX ks: <https://w3id.org/ksgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>

INSERT DATA {
  <https://w3id.org/ksgraph/id/lpo/norrbotten/ny> a ks:LocalProgrammeArea ; skos:prefLabel "LPO Nytt område"@sv ; ks:scope <https://w3id.org/ksgraph/id/region/norrbotten> ;
      ks:field <https://w3id.org/ksgraph/id/field/akut-vard> ; ks:status ks:startingUp ; dcterms:source <https://w3id.org/ksgraph/id/source/002/lokala-programomraden> .
}
