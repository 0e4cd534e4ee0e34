"""Exports of a run folder for the tools the field already uses.

One module a format: :mod:`.czml` (CesiumJS), :mod:`.kml` (Google Earth), :mod:`.dis`
(IEEE 1278.1 DIS version 7 on UDP or to a file, encoded by :mod:`.dis_pdu`) and
:mod:`.tables` (Parquet or CSV for other tools). Each reads a run folder written by
``iadsim run`` through :mod:`.run_folder`, and the moving objects' paths through
:mod:`.paths`.
"""
