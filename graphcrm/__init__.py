"""graphcrm: graph-native stakeholder and influence analytics for B2B sales."""

__version__ = "0.1.0"
