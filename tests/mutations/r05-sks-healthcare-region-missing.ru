# rule: R5
# severity: Violation
# focus: https://w3id.org/ksgraph/id/group/sks
# why: Name the healthcare region of all six LD and HSD posts, with Södra left out.
PREFIX ks: <https://w3id.org/ksgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>

INSERT DATA {
  <https://w3id.org/ksgraph/id/post/group/sks/member-ld-1> ks:represents <https://w3id.org/ksgraph/id/healthcare-region/norra> .
  <https://w3id.org/ksgraph/id/post/group/sks/member-ld-2> ks:represents <https://w3id.org/ksgraph/id/healthcare-region/mellansverige> .
  <https://w3id.org/ksgraph/id/post/group/sks/member-hsd-1> ks:represents <https://w3id.org/ksgraph/id/healthcare-region/stockholm-gotland> .
  <https://w3id.org/ksgraph/id/post/group/sks/member-hsd-2> ks:represents <https://w3id.org/ksgraph/id/healthcare-region/vastra> .
  <https://w3id.org/ksgraph/id/post/group/sks/member-hsd-3> ks:represents <https://w3id.org/ksgraph/id/healthcare-region/sydostra> .
  <https://w3id.org/ksgraph/id/post/group/sks/member-hsd-4> ks:represents <https://w3id.org/ksgraph/id/healthcare-region/norra> .
}
