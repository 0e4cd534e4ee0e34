"""Interfaces: the command line, and later the web viewer, reports and exports."""
