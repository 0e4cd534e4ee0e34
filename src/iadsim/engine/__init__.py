"""The engine: the step loop, the run-cost estimate and the random streams."""
