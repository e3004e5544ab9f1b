"""The vocabulary of ksgraph, defined once: namespaces, graph names and the one prefix table.

Graph names and the ``ks:`` terms are part of the public interface: researchers and other
authorities address them in ``GRAPH`` clauses, queries and the N-Quads export.

``KS`` is an rdflib :class:`~rdflib.namespace.DefinedNamespace` with ``_fail = True``: a misspelt
term is an error where it is used (at import, for the module-level constants that use it), not an
empty query result. ``KS.level`` is an rdflib ``URIRef``; ``KS + "level"`` is the same IRI as a plain
``str``, for pyoxigraph terms and for comparisons with ``.value`` (rdflib's ``URIRef.__eq__`` is
false against a ``str``). tests/core/test_vocab.py keeps the term list equal to the ontology's.
"""

from __future__ import annotations

from typing import Final

from rdflib import URIRef
from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.namespace import DefinedNamespaceMeta as _Meta

KS_NS: Final = "https://w3id.org/ksgraph/ontology#"
ONTOLOGY_IRI: Final = "https://w3id.org/ksgraph/ontology"
ID: Final = "https://w3id.org/ksgraph/id/"
GRAPH_BASE: Final = "https://w3id.org/ksgraph/graph/"

ONTOLOGY_GRAPH: Final = GRAPH_BASE + "ontology"
DATA_GRAPH_BASE: Final = GRAPH_BASE + "data/"
INFERRED_GRAPH: Final = GRAPH_BASE + "inferred"
PROVENANCE_GRAPH: Final = GRAPH_BASE + "provenance"

ORG: Final = "http://www.w3.org/ns/org#"
SKOS: Final = "http://www.w3.org/2004/02/skos/core#"
DCTERMS: Final = "http://purl.org/dc/terms/"
PROV: Final = "http://www.w3.org/ns/prov#"
TIME: Final = "http://www.w3.org/2006/time#"
FOAF: Final = "http://xmlns.com/foaf/0.1/"
RDF: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS: Final = "http://www.w3.org/2000/01/rdf-schema#"
OWL: Final = "http://www.w3.org/2002/07/owl#"
XSD: Final = "http://www.w3.org/2001/XMLSchema#"
SH: Final = "http://www.w3.org/ns/shacl#"
VOID: Final = "http://rdfs.org/ns/void#"
DCAT: Final = "http://www.w3.org/ns/dcat#"
SD: Final = "http://www.w3.org/ns/sparql-service-description#"
SPDX: Final = "http://spdx.org/rdf/terms#"

# The one prefix table: offered to every query (CLI, endpoint, UI), so a researcher can write
# ``ks:NationalProgrammeArea`` without declaring it, and used by every writer that abbreviates.
PREFIXES: Final[dict[str, str]] = {
    "ks": KS_NS,
    "id": ID,
    "org": ORG,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "time": TIME,
    "foaf": FOAF,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "sh": SH,
    "void": VOID,
    "dcat": DCAT,
    "sd": SD,
    "spdx": SPDX,
}


class _Terms(_Meta):
    def __add__(cls, other: str) -> str:  # type: ignore[override]  # a checked IRI as str, see the module
        return str(cls.__getitem__(other))


class KS(DefinedNamespace, metaclass=_Terms):
    """The terms of ``ontology/`` (ksgraph.ttl and time.ttl)."""

    _NS = Namespace(KS_NS)
    _fail = True

    # Classes
    Authority: URIRef
    BasisScheme: URIRef
    CarePathway: URIRef
    CarePathwayContinuation: URIRef
    CarePathwayPhaseScheme: URIRef
    CollaborationGroup: URIRef
    Decision: URIRef
    Dormancy: URIRef
    Ending: URIRef
    FinancedPart: URIRef
    Financing: URIRef
    FinancingRule: URIRef
    FinancingRuleScheme: URIRef
    FollowUpDialogue: URIRef
    Founding: URIRef
    GenericCareModel: URIRef
    GovernanceGroup: URIRef
    HealthcareRegion: URIRef
    HealthcareRegionAffiliation: URIRef
    HealthcareRegionAssociation: URIRef
    KnowledgeGovernanceCouncil: URIRef
    KnowledgeGovernanceSystem: URIRef
    KnowledgeSupport: URIRef
    LevelScheme: URIRef
    LocalCollaborationGroup: URIRef
    LocalProgrammeArea: URIRef
    LocalWorkingGroup: URIRef
    Mandate: URIRef
    MandateExpiry: URIRef
    MemberOrganisation: URIRef
    Merger: URIRef
    Municipality: URIRef
    NationalCollaborationGroup: URIRef
    NationalProgrammeArea: URIRef
    NationalWorkingGroup: URIRef
    Network: URIRef
    OccupancyScheme: URIRef
    Partnership: URIRef
    PreparatoryGroup: URIRef
    Process: URIRef
    ProcessStep: URIRef
    ProgrammeArea: URIRef
    Region: URIRef
    RegionalCollaborationGroup: URIRef
    RegionalProgrammeArea: URIRef
    RegionalWorkingGroup: URIRef
    Renaming: URIRef
    RoleScheme: URIRef
    SourceDocument: URIRef
    SourceSection: URIRef
    StatusScheme: URIRef
    SteeringGroup: URIRef
    StoreChange: URIRef
    SupportFunction: URIRef
    Task: URIRef
    TierScheme: URIRef
    WorkingCommittee: URIRef
    WorkingGroup: URIRef

    # Properties and individuals
    absentee: URIRef
    active: URIRef
    addressedTo: URIRef
    adjunctMember: URIRef
    administrator: URIRef
    affiliatedWith: URIRef
    affiliation: URIRef
    amount: URIRef
    amountPeriod: URIRef
    annualIndexation: URIRef
    appointedBy: URIRef
    attestedAt: URIRef
    basis: URIRef
    chair: URIRef
    concerns: URIRef
    confirmedBy: URIRef
    continuationOf: URIRef
    costSharedByPopulation: URIRef
    counterpartOf: URIRef
    currency: URIRef
    deadline: URIRef
    decidedBy: URIRef
    decisionMember: URIRef
    dormant: URIRef
    earliest: URIRef
    ended: URIRef
    excludedCosts: URIRef
    expertise: URIRef
    field: URIRef
    filled: URIRef
    financedBy: URIRef
    financedPart: URIRef
    financingArea: URIRef
    financingRule: URIRef
    followedUpBy: URIRef
    founded: URIRef
    generalKnowledge: URIRef
    hasCounterpart: URIRef
    hasRegion: URIRef
    healthcareRegionalCoordinator: URIRef
    healthcareRegionalTier: URIRef
    holderUnknown: URIRef
    hostedBy: URIRef
    hosts: URIRef
    inConsultationWith: URIRef
    inPost: URIRef
    interpretation: URIRef
    investigator: URIRef
    isException: URIRef
    latest: URIRef
    level: URIRef
    liaisesWith: URIRef
    localTier: URIRef
    macro: URIRef
    mandate: URIRef
    mandateGivenBy: URIRef
    meso: URIRef
    micro: URIRef
    nameBefore: URIRef
    nationalCounterpart: URIRef
    nationalTier: URIRef
    nearStructureOf: URIRef
    nextStep: URIRef
    nominatedBy: URIRef
    occupancy: URIRef
    ordinaryMember: URIRef
    partOfHealthcareRegion: URIRef
    partOfProcess: URIRef
    participant: URIRef
    performedBy: URIRef
    phase: URIRef
    phaseApproved: URIRef
    phaseAsOf: URIRef
    phaseInDevelopment: URIRef
    phaseStartingUp: URIRef
    phaseUpdatingAfterConsultation: URIRef
    portion: URIRef
    positionUnknown: URIRef
    preparesFor: URIRef
    priceIndex: URIRef
    processLeader: URIRef
    represents: URIRef
    ruleKind: URIRef
    scope: URIRef
    secretary: URIRef
    seedFile: URIRef
    sha256: URIRef
    sharedAmong: URIRef
    signedBy: URIRef
    speaker: URIRef
    startingUp: URIRef
    stated: URIRef
    status: URIRef
    statusAsOf: URIRef
    statusSince: URIRef
    step: URIRef
    stepNumber: URIRef
    supports: URIRef
    targetGraph: URIRef
    task: URIRef
    tier: URIRef
    tierRank: URIRef
    tripleCount: URIRef
    ultimatelyReportsTo: URIRef
    vacant: URIRef
    workingGroupOf: URIRef


def data_graph(stem: str) -> str:
    """The named graph holding the data file with the given stem (``national`` → …/graph/data/national)."""
    return DATA_GRAPH_BASE + stem


def expand_iri(value: str) -> str:
    """Expand a prefixed name (``id:npo/akut-vard``) with :data:`PREFIXES`; keep full IRIs (``<…>`` or bare)."""
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return value


def compact_iri(iri: str) -> str:
    """``prefix:local`` with :data:`PREFIXES` where one fits, else the IRI itself."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri
