"""Analysis: turning a run's event log into the answers a planner asks for."""

from iadsim.analysis.track_quality import GospaParts, gospa, gospa_parts, ospa

__all__ = ["GospaParts", "gospa", "gospa_parts", "ospa"]
