# rule: R14
# severity: Violation
# focus: https://w3id.org/ksgraph/id/membership/test/npo/akut-vard
# why: A membership in NPO Akut vård lasting 2015-01-01 to 2023-06-30 (more than 3 + 3 years).
PREFIX ks: <https://w3id.org/ksgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>

INSERT DATA {
  <https://w3id.org/ksgraph/id/membership/test/npo/akut-vard> a org:Membership ; skos:prefLabel "Test, ledamot i NPO Akut vård"@sv ;
      org:member <https://w3id.org/ksgraph/id/person/urban-tiren> ; org:organization <https://w3id.org/ksgraph/id/npo/akut-vard> ; org:role ks:ordinaryMember ;
      org:memberDuring <https://w3id.org/ksgraph/id/membership/test/npo/akut-vard/interval> ;
      dcterms:source <https://w3id.org/ksgraph/id/source/004/sammanfattning> .
  <https://w3id.org/ksgraph/id/membership/test/npo/akut-vard/interval> a time:Interval ;
      time:hasBeginning [ time:inXSDDate "2015-01-01"^^xsd:date ] ; time:hasEnd [ time:inXSDDate "2023-06-30"^^xsd:date ] .
}
