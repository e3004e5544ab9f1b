"""The site for people who do not write SPARQL: landing, search, browse, the structure picture, the
named queries and descriptions in HTML, in Swedish and English (docs: src/ksgraph/http/README.md)."""
