"""Sensors: radar equation, detection probability, measurement noise, false alarms."""
