"""The pages' two languages: which one a request gets, and the words of the pages in each.

A page is Swedish or English by, in this order: ``?lang=sv|en`` (the switch on every page, a
plain link, so it works without JavaScript), the cookie that switch sets, ``Accept-Language``,
else English. Names from the data are shown in the page's language where the data has them.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ksgraph.rdfio.negotiation import parse_accept

LANGS = ("sv", "en")
DEFAULT_LANG = "en"
COOKIE = "ksgraph_lang"
# The headers a page's language depends on (with Accept for the representation).
VARY = "Accept, Accept-Language, Cookie"


def choose_language(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return asked
    kept = request.cookies.get(COOKIE)
    if kept in LANGS:
        return kept
    # parse_accept weighs any comma-separated list with q-values (RFC 9110 §12.4.2), languages too.
    for tag, q in parse_accept(request.headers.get("accept-language")):
        primary = tag.split("-")[0]
        if q > 0 and primary in LANGS:
            return primary
    return DEFAULT_LANG


def remember(request: Request, response: Response) -> None:
    """Keep the language the switch chose for the next pages (a cookie of the language only)."""
    asked = request.query_params.get("lang")
    if asked in LANGS:
        response.set_cookie(COOKIE, asked, max_age=365 * 24 * 3600, path="/", samesite="lax")


# key: (Swedish, English)
MESSAGES: dict[str, tuple[str, str]] = {
    "tagline": ("kunskapsstyrning i hälso- och sjukvård", "knowledge governance in Swedish health care"),
    "skip": ("Till innehållet", "Skip to content"),
    "nav": ("Webbplatsen", "Site"),
    "home": ("Start", "Home"),
    "browse": ("Bläddra", "Browse"),
    "structure": ("Strukturen", "Structure"),
    "queries": ("Frågor", "Queries"),
    "editor": ("SPARQL", "SPARQL"),
    "dataset": ("Datamängden", "Dataset"),
    "ontology": ("Ontologin", "Ontology"),
    "search": ("Sök", "Search"),
    "search_label": ("Sök bland namn", "Search the names"),
    "search_page": ("Sök i grafen", "Search the graph"),
    "class_post": ("post (plats i en grupp)", "post (a seat in a group)"),
    "class_person": ("person", "person"),
    "search_placeholder": ("t.ex. ungdomars hälsa", "e.g. ungdomars halsa"),
    "switch_to": ("English", "Svenska"),
    "licence": ("Data och ontologi: CC BY 4.0.", "Data and ontology: CC BY 4.0."),
    "footer_version": ("Lagrets version", "Store version"),
    "footer_built": ("senast ändrad", "last changed"),
    # landing
    "landing_title": ("Kunskapsstyrningen som en graf", "Knowledge governance as a graph"),
    "landing_intro": (
        "Sveriges 21 regioner driver tillsammans ett nationellt system för kunskapsstyrning i hälso- och "
        "sjukvården: nationella programområden (NPO) och samverkansgrupper (NSG), deras motsvarigheter i "
        "sjukvårdsregionerna och regionerna, styrgruppen SKS och de grupper som bereder och stödjer. Här är "
        "systemet beskrivet som en kunskapsgraf. Varje uppgift hänvisar till ett avsnitt i ett källdokument.",
        "Sweden's 21 regions jointly run a national system for knowledge governance in health care: national "
        "programme areas (NPO) and collaboration groups (NSG), their counterparts in the healthcare regions and "
        "the regions, the steering group SKS and the groups that prepare and support its work. Here the system "
        "is described as a knowledge graph. Every fact cites a section of a source document.",
    ),
    "landing_find": (
        "Sök ett namn, bläddra bland slagen eller se hela strukturen:",
        "Search for a name, browse the kinds, or see the whole structure:",
    ),
    "counts": ("Vad grafen innehåller", "What the graph holds"),
    "kind": ("Slag", "Kind"),
    "number": ("Antal", "Number"),
    "where": ("Var", "Where"),
    "sources": ("Källdokument", "Source documents"),
    "issued": ("Utgiven", "Issued"),
    "cited_by": ("Citeras av", "Cited by"),
    "resources_n": ("{n} resurser", "{n} resources"),
    "see_structure": ("Hela strukturen som bild", "The whole structure as a picture"),
    "ask": ("Ställ frågor", "Ask questions"),
    "ask_text": (
        "Färdiga frågor med formulär, eller egna frågor i SPARQL-editorn.",
        "Ready-made questions with a form, or your own in the SPARQL editor.",
    ),
    "downloads": ("Ladda ner", "Downloads"),
    "downloads_text": (
        "Varje namngiven graf som Turtle, beskrivningen av datamängden (DCAT/VoID) och ontologin. "
        "En versionerad utgåva med alla filer och kontrollsummor skrivs med",
        "Every named graph as Turtle, the dataset's description (DCAT/VoID) and the ontology. A versioned "
        "release with every file and its checksum is written with",
    ),
    "graph": ("Graf", "Graph"),
    "triples": ("Tripplar", "Triples"),
    "version": ("Version", "Version"),
    "store_version": ("Publicerad version av lagret", "Published store version"),
    "last_change": ("Senaste bygge eller import", "Last build or import"),
    "software": ("Programvara", "Software"),
    "remote_store": ("fjärrlager", "remote store"),
    # search
    "search_title": ("Sök", "Search"),
    "search_results": ("{n} träffar för ”{q}”", "{n} results for “{q}”"),
    "search_none": ("Inga träffar för ”{q}”.", "No results for “{q}”."),
    "search_hint": (
        "Sökningen bortser från stora och små bokstäver och från accenter: ”halsa” hittar ”hälsa”.",
        "Search ignores case and accents: “halsa” finds “hälsa”.",
    ),
    "search_empty": ("Skriv ett namn eller en del av ett namn.", "Type a name or part of a name."),
    "matched": ("träff på", "matched"),
    "type": ("Typ", "Type"),
    "name": ("Namn", "Name"),
    "more_results": ("Visar de {n} första.", "Showing the first {n}."),
    # browse
    "browse_title": ("Bläddra bland slagen", "Browse the kinds"),
    "browse_intro": (
        "Ontologins klasser och hur många instanser var och en har.",
        "The ontology's classes and how many instances each has.",
    ),
    "instances": ("Instanser", "Instances"),
    "class": ("Klass", "Class"),
    "subclasses": ("Underklasser", "Sub-classes"),
    "superclasses": ("Överklasser", "Super-classes"),
    "level": ("Nivå", "Level"),
    "host_or_scope": ("Värd eller område", "Host or scope"),
    "status": ("Status", "Status"),
    "page_n": ("Sida {page} av {pages}", "Page {page} of {pages}"),
    "previous": ("Föregående", "Previous"),
    "next": ("Nästa", "Next"),
    "no_instances": ("Klassen har inga instanser.", "The class has no instances."),
    "unknown_class": ("Ontologin har ingen klass {c}.", "The ontology has no class {c}."),
    "all_classes": ("Alla klasser", "All classes"),
    "in_the_ontology": ("i ontologin", "in the ontology"),
    # structure
    "structure_title": ("Strukturen för kunskapsstyrning", "The structure of knowledge governance"),
    "structure_intro": (
        "Grupperna ritade ur grafen: nationell nivå med programområden och samverkansgrupper efter värd, "
        "sedan sjukvårdsregionala och lokala grupper efter område. Varje ruta är en länk.",
        "The groups drawn from the graph: the national tier with its programme areas and collaboration groups "
        "by host, then the healthcare-regional and local groups by scope. Every box is a link.",
    ),
    "as_of": ("Per dag", "As of"),
    "as_of_day": ("Strukturen den {day}", "The structure on {day}"),
    "whole_graph": (
        "Hela grafen (alla dagar, med registrerad status)",
        "The whole graph (every day, with the recorded status)",
    ),
    "show": ("Visa", "Show"),
    "today": ("i dag", "today"),
    "as_of_remote": (
        "Lagret är ett fjärrlager: en ögonblicksbild per dag beräknas ur ett lokalt lager, så här visas hela grafen.",
        "The store is remote: a snapshot of a day is computed from a local store, so the whole graph is shown.",
    ),
    "as_of_unknown": (
        "Prickade rutor: grupper som källorna inte daterar: okänt om de fanns den dagen, eller antagna att "
        "finnas sedan källan talar (inget slut är registrerat).",
        "Dotted boxes: groups the sources do not date: not known to exist that day, or assumed to exist "
        "since their source speaks (no ending is recorded).",
    ),
    "download_svg": ("Bilden som SVG", "The picture as SVG"),
    "working_groups_note": (
        "Arbetsgrupperna (NAG, RAG, LAG) finns under",
        "The working groups (NAG, RAG, LAG) are under",
    ),
    "legend_leading": ("Styrande, beredande och stödjande grupper", "Steering, preparing and supporting groups"),
    "legend_programme": ("Programområde", "Programme area"),
    "legend_collaboration": ("Samverkansgrupp", "Collaboration group"),
    "legend_dormant": ("Vilande (streckad)", "Dormant (dashed)"),
    "legend_ended": ("Avslutad (grå)", "Ended (grey)"),
    "legend_unknown": (
        "Okänt eller bara antaget att den fanns den dagen (prickad, ?)",
        "Not known, or only assumed, to exist that day (dotted, ?)",
    ),
    "no_host": ("Ingen värd belagd den dagen", "No host attested on that day"),
    "unknown_validity": ("osäkert den dagen", "uncertain on that day"),
    # named queries
    "queries_title": ("Namngivna frågor", "Named queries"),
    "queries_intro": (
        "Färdiga frågor ur kompetensfrågorna. Öppna en för att fylla i dess parametrar, se svaret som tabell och "
        "ladda ner det. Programmatiskt: GET /queries/NAMN?parameter=värde.",
        "Ready-made questions from the competency questions. Open one to fill in its parameters, see the answer "
        "as a table and download it. Programmatically: GET /queries/NAME?parameter=value.",
    ),
    "question": ("Fråga", "Question"),
    "returns": ("Svar", "Returns"),
    "parameters": ("Parametrar", "Parameters"),
    "required": ("krävs", "required"),
    "optional": ("valfri", "optional"),
    "any": ("— alla —", "— any —"),
    "choose": ("— välj —", "— choose —"),
    "run": ("Kör frågan", "Run the query"),
    "answer": ("Svar", "Answer"),
    "rows_n": ("{n} rader", "{n} rows"),
    "no_rows": ("Frågan gav inga rader.", "The query answered no rows."),
    "open_in_editor": ("Öppna i frågeeditorn", "Open in the query editor"),
    "download_as": ("Ladda ner som", "Download as"),
    "query_text": ("Frågans text", "The query's text"),
    "as_of_query": ("Per dag (tomt: i dag)", "As of (empty: today)"),
    "as_of_all": ("hela grafen", "whole graph"),
    "as_of_temporal": (
        "Frågan hanterar datum själv och ser hela grafen.",
        "The query handles dates itself and reads the whole graph.",
    ),
    "needs_params": (
        "Fyll i de parametrar som krävs och kör frågan.",
        "Fill in the required parameters and run the query.",
    ),
    "query_error": ("Frågan kunde inte köras", "The query could not run"),
    "inference": ("Med slutledningar", "With inferences"),
    # descriptions
    "description_title": ("Beskrivning av datamängden", "The dataset's description"),
    "service_title": ("SPARQL-tjänsten", "The SPARQL service"),
    "service_intro": (
        "Tjänstebeskrivningen (SPARQL 1.1 Service Description) som RDF-klienter får från GET /sparql.",
        "The service description (SPARQL 1.1 Service Description) RDF clients get from GET /sparql.",
    ),
    "as_rdf": ("Som RDF", "As RDF"),
    "property": ("Egenskap", "Property"),
    "value": ("Värde", "Value"),
    "editor_title": ("SPARQL-frågor", "SPARQL queries"),
    "editor_intro": (
        "Standardprefixen (ks:, id:, org:, …) är fördeklarerade. Standardgrafen innehåller påståenden och "
        "slutledningar; lägg till inference=false för enbart påståenden. Ctrl+mellanslag föreslår ontologins "
        "klasser och egenskaper.",
        "The standard prefixes (ks:, id:, org:, …) are predeclared. The default graph holds asserted and "
        "inferred statements; add inference=false for asserted ones only. Ctrl+Space suggests the ontology's "
        "classes and properties.",
    ),
    "editor_query": ("SPARQL-fråga", "SPARQL query"),
    "editor_endpoint": ("SPARQL-tjänstens adress", "SPARQL endpoint"),
    "editor_tab_name": ("Flikens namn", "Tab name"),
    "editor_new_tab": ("+ Ny fråga", "+ New query"),
    "examples": ("Exempel: de namngivna frågorna", "Examples: the named queries"),
    "editor_not_built": (
        "Frågeeditorn är inte byggd: kör bash scripts/build-ui.sh (kräver npm). Själva tjänsten fungerar.",
        "The query editor is not built: run bash scripts/build-ui.sh (needs npm). The endpoint itself works.",
    ),
    "editor_needs_js": ("Frågeeditorn behöver JavaScript.", "The query editor needs JavaScript."),
    # resource pages
    "type_label": ("Typ", "Type"),
    "tier": ("Skikt", "Tier"),
    "also": ("Även", "Also"),
    "place": ("Plats i strukturen", "Place in the structure"),
    "diagram_note": (
        "Ovanför: vad den rapporterar till (heldragen linje) eller är motsvarighet till (streckad). "
        "Nedanför: vad som rapporterar till den eller är dess motsvarighet.",
        "Above: what it reports to (solid) or is the counterpart of (dashed). "
        "Below: what reports to it or is its counterpart.",
    ),
    "history": ("Historik", "History"),
    "posts": ("Poster", "Posts"),
    "post": ("Post", "Post"),
    "role": ("Roll", "Role"),
    "represents": ("Företräder", "Represents"),
    "occupancy": ("Tillsättning", "Occupancy"),
    "holder": ("Innehavare", "Holder"),
    "members": ("Ledamöter", "Members"),
    "member": ("Ledamot", "Member"),
    "from": ("Från", "From"),
    "to": ("Till", "To"),
    "attested": ("Belagd", "Attested"),
    "sources_section": ("Källor", "Sources"),
    "statements": ("Påståenden", "Statements"),
    "links_in": ("Länkar hit", "Links in"),
    "inferred": ("slutledd", "inferred"),
    "inferred_title": ("ur den slutledda grafen", "from the inferred graph"),
    "this_resource_as": ("Den här resursen som", "This resource as"),
    "counterpart": ("motsvarighet", "counterpart"),
    "reporting_line": ("rapporterar", "reporting line"),
    "more": ("+{n} till", "+{n} more"),
    "not_found": ("Grafen säger ingenting om {iri}.", "The graph says nothing about {iri}."),
    "not_found_title": ("Okänd resurs", "Unknown resource"),
}


def message(key: str, lang: str) -> str:
    sv, en = MESSAGES[key]
    return sv if lang == "sv" else en
