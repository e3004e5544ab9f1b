"""The result cache: answers kept per published version, and the ETags that let clients keep them too.

An answer of the local store depends only on the store version and the request: the query
text, its bound parameters, the negotiated format, the dataset (``inference``, the stated-only
view, ``default-graph-uri``/``named-graph-uri``), ``as_of`` (a day, "today" already resolved),
the base IRI and the row limit. :func:`request_key` is exactly that tuple; the cache maps it to
the reply, and the ETag is a digest of it and of the version's identity. So:

- every commit publishes a new version, and the first request that sees it empties the cache
  (:meth:`ResultCache.version`); an old ETag then no longer matches, and the client gets the new
  answer instead of ``304 Not Modified``;
- a query that calls ``NOW()``, ``RAND()``, ``UUID()``, ``STRUUID()`` or ``BNODE()`` answers
  differently each time: it is neither cached nor given an ETag (:func:`deterministic`);
- the cache holds at most ``KSGRAPH_CACHE_BYTES`` of answer bodies (0 turns it off), dropping the
  least recently used first; one answer larger than an eighth of that is not kept.

A remote backend (``--backend``) is not cached: ksgraph cannot see when that store changes.
Everything here runs on the event loop's thread, so nothing is locked.
"""

from __future__ import annotations

import hashlib
import os
from collections import OrderedDict
from collections.abc import Hashable

from ksgraph.http.worker import Reply
from ksgraph.sparql.scan import Shape

# SPARQL functions whose value differs between two evaluations of the same query (§17.4).
_VOLATILE = frozenset({"NOW", "RAND", "UUID", "STRUUID", "BNODE"})


def deterministic(shape: Shape | None) -> bool:
    """True when the query answers the same on the same version: it calls none of :data:`_VOLATILE`."""
    return shape is not None and not (shape.keywords & _VOLATILE)


def version_token(path: str) -> str:
    """The identity of a published version: its name and its directory's inode and change time.

    A store rebuilt from scratch numbers its versions from 1 again, at the same path; the inode
    and ctime tell that version 1 from the one before, so neither the cache nor an ETag of the old
    store answers for the new one. One ``stat`` (a microsecond or two); reading a version never
    changes its directory."""
    st = os.stat(path)
    return f"{path}|{st.st_ino:x}.{st.st_ctime_ns:x}"


def etag(token: str, key: Hashable) -> str:
    """A strong ETag for the answer to ``key`` on the version ``token`` names (the same bytes every time)."""
    digest = hashlib.blake2b(repr((token, key)).encode("utf-8"), digest_size=12)
    return f'"{digest.hexdigest()}"'


def matches(if_none_match: str | None, tag: str) -> bool:
    """True when an If-None-Match header names ``tag`` (weak comparison, RFC 9110 §13.1.2)."""
    if not if_none_match:
        return False
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == tag:
            return True
    return False


class ResultCache:
    """Replies by request key, for one store version at a time, within ``capacity`` bytes of bodies."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.largest = capacity // 8
        self.size = 0
        self.hits = 0
        self.misses = 0
        self._version: str | None = None
        self._entries: OrderedDict[Hashable, Reply] = OrderedDict()

    @property
    def enabled(self) -> bool:
        return self.capacity > 0

    def version(self, token: str) -> None:
        """Forget every answer when the published version (its :func:`version_token`) changed: a commit."""
        if token != self._version:
            self._entries.clear()
            self.size = 0
            self._version = token

    def get(self, key: Hashable) -> Reply | None:
        reply = self._entries.get(key)
        if reply is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return reply

    def put(self, key: Hashable, reply: Reply) -> bool:
        """Keep a successful answer; False when it is not kept (too large, or the cache is off)."""
        size = len(reply.body)
        if not self.enabled or reply.status != 200 or size > self.largest:
            return False
        old = self._entries.pop(key, None)
        if old is not None:
            self.size -= len(old.body)
        self._entries[key] = reply
        self.size += size
        while self.size > self.capacity and self._entries:
            _, dropped = self._entries.popitem(last=False)
            self.size -= len(dropped.body)
        return True

    def __len__(self) -> int:
        return len(self._entries)
