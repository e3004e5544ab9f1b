"""A seeded, deterministic generator of national-scale synthetic data for benchmarks.

The real graph is small: it describes the national tier fully but only one healthcare
region (Norra) and one region (Norrbotten). This generator fills in what a complete
system would hold — RPOs and RSGs in all six healthcare regions, LPOs, LSGs and LAGs in
all 21 regions with a council each, posts and their holders, people and dated
memberships over many years, and the LPOs' decisions appointing their LAGs — following
the same patterns as the real data (docs/MODEL.md), so that together with the real data
it conforms to the shapes (no violation; the real data's own warnings remain).

Every synthetic resource lives under ``https://w3id.org/ksgraph/id/synthetic/r<replica>/``;
the size is reached by adding replicas (one replica ≈ one complete system of
regional and local structure, tied to the real national groups). The output is
Turtle to drop into a data directory, or N-Quads.

    python bench/generate.py --triples 100000 --output /tmp/synthetic.ttl

The output is written as it is generated: 10M triples take about a minute and 30 MiB of memory.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

ID = "https://w3id.org/ksgraph/id/"
KS = "https://w3id.org/ksgraph/ontology#"
ORG = "http://www.w3.org/ns/org#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
FOAF = "http://xmlns.com/foaf/0.1/"
TIME = "http://www.w3.org/2006/time#"
XSD = "http://www.w3.org/2001/XMLSchema#"

HEALTHCARE_REGIONS = {
    "norra": ["norrbotten", "vasterbotten", "vasternorrland", "jamtland-harjedalen"],
    "mellansverige": ["uppsala", "orebro", "dalarna", "gavleborg", "varmland", "vastmanland", "sormland"],
    "stockholm-gotland": ["stockholm", "gotland"],
    "vastra": ["vastra-gotaland"],
    "sydostra": ["jonkoping", "kalmar", "ostergotland"],
    "sodra": ["skane", "blekinge", "kronoberg", "halland"],
}
NPOS = [
    "endokrina-sjukdomar",
    "levnadsvanor",
    "cancersjukdomar",
    "reumatiska-sjukdomar",
    "sallsynta-sjukdomar",
    "ogonsjukdomar",
    "hud-och-konssjukdomar",
    "infektionssjukdomar",
    "medicinsk-diagnostik",
    "barn-och-ungdomars-halsa",
    "kvinnosjukdomar-och-forlossning",
    "perioperativ-vard-intensivvard-och-transplantation",
    "rehabilitering-habilitering-och-forsakringsmedicin",
    "aldres-halsa",
    "oron-nasa-halssjukdomar",
    "akut-vard",
    "hjart-och-karlsjukdomar",
    "lung-och-allergisjukdomar",
    "mag-och-tarmsjukdomar",
    "psykisk-halsa",
    "rorelseorganens-sjukdomar",
    "kirurgi-och-plastikkirurgi",
    "nervsystemets-sjukdomar",
    "njur-och-urinvagssjukdomar",
    "primarvard",
    "tandvard",
]
NSGS = [
    "forskning-och-life-science",
    "lakemedel-och-medicinteknik",
    "metoder-for-kunskapsstod",
    "nationella-kvalitetsregister",
    "patientsakerhet",
    "strukturerad-vardinformation",
    "stod-for-utveckling",
    "uppfoljning-och-analys",
]
FIRST = [
    "Anna",
    "Erik",
    "Maria",
    "Lars",
    "Karin",
    "Anders",
    "Sara",
    "Johan",
    "Eva",
    "Per",
    "Lena",
    "Nils",
    "Ida",
    "Olof",
    "Elin",
    "Jonas",
    "Maja",
    "Karl",
    "Emma",
    "Sven",
]
LAST = [
    "Berg",
    "Lind",
    "Holm",
    "Ström",
    "Nyberg",
    "Sandberg",
    "Lund",
    "Ek",
    "Forsberg",
    "Sjöberg",
    "Wallin",
    "Engström",
    "Dahl",
    "Björk",
    "Falk",
]
SOURCE = ID + "source/004/uppdragen-i-rpo"
LOCAL_SOURCE = ID + "source/002/lokala-programomraden"


class Writer:
    """Collects triples as quads in one graph."""

    def __init__(self, graph: str) -> None:
        self.graph = ox.NamedNode(graph)
        self.quads: list[ox.Quad] = []

    def add(self, s: str, p: str, o: ox.NamedNode | ox.Literal | str) -> None:
        obj = ox.NamedNode(o) if isinstance(o, str) else o
        self.quads.append(ox.Quad(ox.NamedNode(s), ox.NamedNode(p), obj, self.graph))

    def label(self, s: str, sv: str, en: str | None = None) -> None:
        self.add(s, SKOS + "prefLabel", ox.Literal(sv, language="sv"))
        if en:
            self.add(s, SKOS + "prefLabel", ox.Literal(en, language="en"))


def _date(year: int, month: int, day: int) -> ox.Literal:
    return ox.Literal(f"{year:04d}-{month:02d}-{day:02d}", datatype=ox.NamedNode(XSD + "date"))


def _group(
    w: Writer, iri: str, cls: str, sv: str, en: str, scope: str, counterpart: str, field: str, src: str, since: int
) -> None:
    w.add(iri, RDF + "type", KS + cls)
    w.label(iri, sv, en)
    w.add(iri, KS + "scope", scope)
    w.add(iri, KS + "counterpartOf", counterpart)
    w.add(iri, KS + "field", field)
    w.add(iri, KS + "status", KS + "active")
    # Dated status (R15): the real data's undated statuses are reported as gaps, which a
    # synthetic system should not multiply.
    w.add(iri, KS + "statusSince", _date(since, 1, 1))
    w.add(iri, DCTERMS + "source", src)


def _post(w: Writer, group: str, slug: str, role: str, sv: str, represents: str | None, src: str) -> str:
    post = f"{group.replace(ID, ID + 'post/', 1)}/{slug}"
    w.add(post, RDF + "type", ORG + "Post")
    w.label(post, sv)
    w.add(post, ORG + "postIn", group)
    w.add(post, ORG + "role", role)
    if represents:
        w.add(post, KS + "represents", represents)
    w.add(post, DCTERMS + "source", src)
    return post


def _holding(
    w: Writer,
    rng: random.Random,
    base: str,
    post: str,
    group: str,
    role: str,
    region: str,
    first_year: int,
    years: int,
    src: str,
) -> str:
    """People holding the post over ``years``: terms of 3 years, renewed at most once (3 + 3, R14).

    Returns the last holder, who holds the post now.
    """
    year = first_year
    n = 0
    holder = None
    while year < first_year + years:
        term = 3 if n % 2 == 0 else rng.choice([0, 3])  # a second term, or a new person
        if term == 0:
            n += 1
            continue
        if n % 2 == 0 or holder is None:
            holder = f"{base}person/{rng.randrange(10**9):09d}"
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            w.add(holder, RDF + "type", FOAF + "Person")
            w.add(holder, FOAF + "name", ox.Literal(name))
            w.label(holder, name)
            w.add(holder, ORG + "memberOf", region)
            w.add(holder, DCTERMS + "source", src)
        end = year + term
        membership = f"{post.replace(ID + 'post/', ID + 'membership/', 1)}/{year}"
        interval = membership + "/interval"
        w.add(membership, RDF + "type", ORG + "Membership")
        w.label(membership, f"Uppdrag {year}–{end - 1}")
        w.add(membership, ORG + "member", holder)
        w.add(membership, ORG + "organization", group)
        w.add(membership, ORG + "role", role)
        w.add(membership, KS + "inPost", post)
        w.add(membership, KS + "represents", region)
        w.add(membership, ORG + "memberDuring", interval)
        w.add(membership, DCTERMS + "source", src)
        w.add(interval, RDF + "type", TIME + "Interval")
        w.add(interval, TIME + "hasBeginning", interval + "/start")
        w.add(interval + "/start", TIME + "inXSDDate", _date(year, 1, 1))
        w.add(interval, TIME + "hasEnd", interval + "/end")
        w.add(interval + "/end", TIME + "inXSDDate", _date(end - 1, 12, 31))
        year = end
        n += 1
    assert holder is not None
    return holder


def _council(w: Writer, base: str, r: int, region: str, region_iri: str) -> str:
    """The region's knowledge-governance council, which LAGs are appointed in consultation with (R11)."""
    council = f"{base}council/{region}"
    w.add(council, RDF + "type", KS + "KnowledgeGovernanceCouncil")
    w.label(council, f"Kunskapsstyrningsråd ({region}, r{r})", f"Knowledge-governance council ({region}, r{r})")
    w.add(council, KS + "scope", region_iri)
    w.add(council, KS + "hostedBy", region_iri)
    w.add(council, KS + "status", KS + "active")
    w.add(council, KS + "statusSince", _date(2018, 1, 1))
    w.add(council, KS + "mandate", f"{ID}mandate/council-norrbotten")
    w.add(council, DCTERMS + "source", ID + "source/002/kunskapsstyrningsradet")
    return council


def _lag(w: Writer, base: str, r: int, region: str, npo: str, k: int, lpo: str, council: str, year: int) -> None:
    """A LAG and the LPO's decision that appointed it (002 'Lokala arbetsgrupper')."""
    region_iri = f"{ID}region/{region}"
    lag = f"{base}lag/{region}/{npo}-{k}"
    src = ID + "source/002/lokala-arbetsgrupper"
    w.add(lag, RDF + "type", KS + "LocalWorkingGroup")
    w.label(lag, f"LAG {npo} {k} ({region}, r{r})", f"LAG {npo} {k} ({region}, r{r})")
    w.add(lag, KS + "scope", region_iri)
    w.add(lag, KS + "workingGroupOf", lpo)
    w.add(lag, ORG + "reportsTo", lpo)
    w.add(lag, KS + "appointedBy", lpo)
    w.add(lag, KS + "inConsultationWith", council)
    w.add(lag, KS + "status", KS + "active")
    w.add(lag, KS + "statusSince", _date(year, 3, 1))
    w.add(lag, KS + "mandate", f"{ID}mandate/lag-norrbotten")
    w.add(lag, DCTERMS + "source", src)
    decision = f"{base}decision/lag/{region}/{npo}-{k}"
    w.add(decision, RDF + "type", KS + "Decision")
    w.label(decision, f"Beslut att tillsätta LAG {npo} {k} ({region}, r{r})", f"Decision to appoint LAG {npo} {k}")
    w.add(decision, KS + "decidedBy", lpo)
    w.add(decision, DCTERMS + "date", _date(year, 2, 15))
    w.add(decision, KS + "concerns", lag)
    w.add(decision, DCTERMS + "source", src)


def replica(w: Writer, r: int, rng: random.Random, *, years: int = 8, lags_per_lpo: int = 2) -> Iterator[str]:
    """One complete regional and local structure under id:synthetic/r<r>/.

    Yields after each group with its posts and memberships, so a size is met to within one group;
    groups come in an order in which every reference (counterpart, council) already exists.
    """
    base = f"{ID}synthetic/r{r}/"
    for hcr, regions in HEALTHCARE_REGIONS.items():
        hcr_iri = f"{ID}healthcare-region/{hcr}"
        for npo in NPOS:
            rpo = f"{base}rpo/{hcr}/{npo}"
            _group(
                w,
                rpo,
                "RegionalProgrammeArea",
                f"RPO {npo} ({hcr}, r{r})",
                f"RPO {npo} ({hcr}, r{r})",
                hcr_iri,
                f"{ID}npo/{npo}",
                f"{ID}field/{npo}",
                SOURCE,
                2018,
            )
            w.add(rpo, KS + "mandate", f"{ID}mandate/rpo-norra")
            for region in regions:
                region_iri = f"{ID}region/{region}"
                post = _post(
                    w, rpo, f"member-{region}", KS + "ordinaryMember", f"Ledamot för {region}", region_iri, SOURCE
                )
                w.add(post, KS + "occupancy", KS + "filled")
                holder = _holding(w, rng, base, post, rpo, KS + "ordinaryMember", region_iri, 2018, years, SOURCE)
                w.add(post, ORG + "heldBy", holder)
            yield rpo
        for nsg in NSGS:
            rsg = f"{base}rsg/{hcr}/{nsg}"
            _group(
                w,
                rsg,
                "RegionalCollaborationGroup",
                f"RSG {nsg} ({hcr}, r{r})",
                f"RSG {nsg} ({hcr}, r{r})",
                hcr_iri,
                f"{ID}nsg/{nsg}",
                f"{ID}field/{nsg}",
                SOURCE,
                2018,
            )
            yield rsg
        for region in regions:
            region_iri = f"{ID}region/{region}"
            council = _council(w, base, r, region, region_iri)
            for npo in NPOS:
                lpo = f"{base}lpo/{region}/{npo}"
                _group(
                    w,
                    lpo,
                    "LocalProgrammeArea",
                    f"LPO {npo} ({region}, r{r})",
                    f"LPO {npo} ({region}, r{r})",
                    region_iri,
                    f"{base}rpo/{hcr}/{npo}",
                    f"{ID}field/{npo}",
                    LOCAL_SOURCE,
                    2019,
                )
                w.add(lpo, KS + "mandate", f"{ID}mandate/lpo-norrbotten")
                chair = _post(w, lpo, "chair", KS + "chair", f"Ordförande LPO {npo}", region_iri, LOCAL_SOURCE)
                w.add(chair, KS + "occupancy", KS + "filled")
                holder = _holding(w, rng, base, chair, lpo, KS + "chair", region_iri, 2019, years, LOCAL_SOURCE)
                w.add(chair, ORG + "heldBy", holder)
                for k in range(1, lags_per_lpo + 1):
                    _lag(w, base, r, region, npo, k, lpo, council, 2019 + rng.randrange(years))
                yield lpo
            for nsg in NSGS:
                lsg = f"{base}lsg/{region}/{nsg}"
                _group(
                    w,
                    lsg,
                    "LocalCollaborationGroup",
                    f"LSG {nsg} ({region}, r{r})",
                    f"LSG {nsg} ({region}, r{r})",
                    region_iri,
                    f"{base}rsg/{hcr}/{nsg}",
                    f"{ID}field/{nsg}",
                    LOCAL_SOURCE,
                    2019,
                )
                yield lsg


def stream(
    triples: int,
    seed: int = 2017,
    graph: str = ID.replace("/id/", "/graph/data/") + "synthetic",
    first_replica: int = 0,
) -> Iterator[ox.Quad]:
    """At least ``triples`` quads (whole groups), the same for the same arguments, one group at a time.

    ``first_replica`` numbers the first replica, so a later batch (a small import into a
    large store) mints IRIs of its own. Nothing is kept once yielded: 10M triples held
    as a list would need about 10 GiB.
    """
    w = Writer(graph)
    rng = random.Random(seed)
    r = first_replica
    made = 0
    while True:
        for _ in replica(w, r, rng):
            made += len(w.quads)
            yield from w.quads
            w.quads.clear()
            if made >= triples:
                return
        r += 1


def generate(
    triples: int,
    seed: int = 2017,
    graph: str = ID.replace("/id/", "/graph/data/") + "synthetic",
    first_replica: int = 0,
) -> list[ox.Quad]:
    """:func:`stream`'s quads as a list."""
    return list(stream(triples, seed, graph, first_replica))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, default=100_000, help="the least number of triples to generate")
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument(
        "--first-replica", type=int, default=0, help="number of the first replica (IRIs under synthetic/r<N>/)"
    )
    parser.add_argument("--graph", default=None, help="graph IRI of the quads (default: the synthetic data graph)")
    parser.add_argument("--output", type=Path, required=True, help="a .ttl or .nq file to write")
    args = parser.parse_args(argv)
    extra = {"graph": args.graph} if args.graph else {}
    written = 0

    def counted(items: Iterator[ox.Quad]) -> Iterator[ox.Quad | ox.Triple]:
        nonlocal written
        for quad in items:
            written += 1
            yield quad if fmt is ox.RdfFormat.N_QUADS else quad.triple

    quads = stream(args.triples, args.seed, first_replica=args.first_replica, **extra)
    fmt = ox.RdfFormat.N_QUADS if args.output.suffix == ".nq" else ox.RdfFormat.TURTLE
    ox.serialize(
        counted(quads),
        str(args.output),
        fmt,
        prefixes={"ks": KS, "org": ORG, "skos": SKOS, "id": ID} if fmt is ox.RdfFormat.TURTLE else None,
    )
    print(f"wrote {written} triples to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
