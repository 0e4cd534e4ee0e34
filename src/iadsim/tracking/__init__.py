"""Tracking: measurement conversion, Kalman filtering, association, track management."""
