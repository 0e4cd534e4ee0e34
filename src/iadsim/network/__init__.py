"""The network between sensors and the battle manager: report latency."""
