# rule: S1
# severity: Warning
# focus: https://w3id.org/ksgraph/id/npo/akut-vard
# why: NPO Akut vård's English name holds a right-to-left override (U+202E), so it is shown in another order than it is stored.
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>

DELETE { <https://w3id.org/ksgraph/id/npo/akut-vard> skos:prefLabel ?l }
INSERT { <https://w3id.org/ksgraph/id/npo/akut-vard> skos:prefLabel "NPO \u202Eerac ycnegremE"@en }
WHERE { <https://w3id.org/ksgraph/id/npo/akut-vard> skos:prefLabel ?l FILTER (lang(?l) = "en") }
