# rule: S1
# severity: Warning
# focus: https://w3id.org/ksgraph/id/person/urban-tiren
# why: Urban Tirén's name becomes a spreadsheet formula (issue 23: a data author attacking whoever opens the template).
PREFIX foaf: <http://xmlns.com/foaf/0.1/>

DELETE { <https://w3id.org/ksgraph/id/person/urban-tiren> foaf:name ?n }
INSERT { <https://w3id.org/ksgraph/id/person/urban-tiren> foaf:name "=HYPERLINK(\"http://evil.example/\",\"click\")" }
WHERE { <https://w3id.org/ksgraph/id/person/urban-tiren> foaf:name ?n }
