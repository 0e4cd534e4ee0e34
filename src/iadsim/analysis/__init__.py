"""Analysis: turning a run's event log into the answers a planner asks for."""
