"""What day it is, from one place: ``KSGRAPH_TODAY`` (an ISO date) if set, else the system date.

Everything that answers "as of today" asks here, so a test, a reproduction of a report or a
demonstration can fix the day without touching the system clock.
"""

from __future__ import annotations

import datetime as dt
import os

ENV = "KSGRAPH_TODAY"


def today() -> dt.date:
    """``KSGRAPH_TODAY`` as a date when set (``YYYY-MM-DD``), else the system's local date.

    A malformed value is an error, never silently the system date: a run that meant a fixed
    day must not answer about another one.
    """
    value = os.environ.get(ENV, "").strip()
    if not value:
        return dt.date.today()
    try:
        if len(value) != 10:
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{ENV}={value!r}: expected a date as YYYY-MM-DD, or unset for the system date") from None
