"""ksgraph: a knowledge graph of Sweden's national system for knowledge governance in health care."""

__version__ = "0.1.0"
