"""Threats: truth trajectories of every raid member, vectorized over threats."""
