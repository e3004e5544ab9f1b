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

from rdflib import URIRef
from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.namespace import DefinedNamespaceMeta as _Meta

# The plain IRIs live in ksgraph.core.namespaces (no rdflib); re-exported here for every reader.
from ksgraph.core.namespaces import (
    DATA_GRAPH_BASE,
    DCAT,
    DCTERMS,
    FOAF,
    GRAPH_BASE,
    ID,
    INFERRED_GRAPH,
    KS_NS,
    ONTOLOGY_GRAPH,
    ONTOLOGY_IRI,
    ORG,
    OWL,
    PREFIXES,
    PROV,
    PROVENANCE_GRAPH,
    RDF,
    RDFS,
    SD,
    SH,
    SKOS,
    SPDX,
    TIME,
    VOID,
    XSD,
    compact_iri,
    data_graph,
    expand_iri,
)

# The re-exports are this module's own (mypy strict has no implicit re-export).
__all__ = [
    "DATA_GRAPH_BASE",
    "DCAT",
    "DCTERMS",
    "FOAF",
    "GRAPH_BASE",
    "ID",
    "INFERRED_GRAPH",
    "KS",
    "KS_NS",
    "ONTOLOGY_GRAPH",
    "ONTOLOGY_IRI",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "PROVENANCE_GRAPH",
    "RDF",
    "RDFS",
    "SD",
    "SH",
    "SKOS",
    "SPDX",
    "TIME",
    "VOID",
    "XSD",
    "compact_iri",
    "data_graph",
    "expand_iri",
]


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
