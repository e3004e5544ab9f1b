# rule: R6
# severity: Violation
# focus: https://w3id.org/ksgraph/id/group/sks-arbetsutskott
# why: Add an SKS working committee with only one HSD member.
PREFIX ks: <https://w3id.org/ksgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>

INSERT DATA {
  <https://w3id.org/ksgraph/id/group/sks-arbetsutskott> a ks:WorkingCommittee ; skos:prefLabel "SKS arbetsutskott"@sv ; ks:appointedBy <https://w3id.org/ksgraph/id/group/sks> ;
      ks:status ks:active ; ks:statusAsOf "2021"^^xsd:gYear ; dcterms:source <https://w3id.org/ksgraph/id/source/001/strategisk-styrgrupp> .
  <https://w3id.org/ksgraph/id/post/group/sks-arbetsutskott/hsd> a org:Post ; skos:prefLabel "HSD i AU"@sv ; org:postIn <https://w3id.org/ksgraph/id/group/sks-arbetsutskott> ; org:role ks:ordinaryMember ;
      ks:represents <https://w3id.org/ksgraph/id/org/hsd-natverket> ; ks:occupancy ks:holderUnknown ; dcterms:source <https://w3id.org/ksgraph/id/source/001/strategisk-styrgrupp> .
  <https://w3id.org/ksgraph/id/post/group/sks-arbetsutskott/skr> a org:Post ; skos:prefLabel "SKR i AU"@sv ; org:postIn <https://w3id.org/ksgraph/id/group/sks-arbetsutskott> ; org:role ks:ordinaryMember ;
      ks:represents <https://w3id.org/ksgraph/id/org/skr> ; ks:occupancy ks:holderUnknown ; dcterms:source <https://w3id.org/ksgraph/id/source/001/strategisk-styrgrupp> .
  <https://w3id.org/ksgraph/id/post/group/sks-arbetsutskott/secretary> a org:Post ; skos:prefLabel "Sekreterare i AU"@sv ; org:postIn <https://w3id.org/ksgraph/id/group/sks-arbetsutskott> ; org:role ks:secretary ;
      ks:represents <https://w3id.org/ksgraph/id/org/skr> ; ks:occupancy ks:holderUnknown ; dcterms:source <https://w3id.org/ksgraph/id/source/001/strategisk-styrgrupp> .
}
