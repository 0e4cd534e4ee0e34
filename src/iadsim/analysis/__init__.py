"""Analysis: turning a run's event log into the answers a planner asks for.

``track_quality(run)`` lives in :mod:`iadsim.analysis.track_quality` (not re-exported here:
the function would hide the module of the same name).
"""

from iadsim.analysis.track_quality import GospaParts, gospa, gospa_parts, ospa, score_tracks

__all__ = ["GospaParts", "gospa", "gospa_parts", "ospa", "score_tracks"]
