# rule: R10
# severity: Violation
# focus: https://w3id.org/ksgraph/id/nag/barn-och-ungdomars-halsa/migran
# why: NAG Migrän reports to SKS instead of its NPO.
PREFIX ks: <https://w3id.org/ksgraph/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX time: <http://www.w3.org/2006/time#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>

DELETE { ?nag org:reportsTo ?npo } INSERT { ?nag org:reportsTo <https://w3id.org/ksgraph/id/group/sks> } WHERE { BIND (<https://w3id.org/ksgraph/id/nag/barn-och-ungdomars-halsa/migran> AS ?nag) ?nag org:reportsTo ?npo }
