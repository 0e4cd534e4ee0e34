"""Effectors: intercept geometry, interceptor flyout, lethality, launchers and magazines."""
