"""The engine: the step loop, the event log and the random streams."""
