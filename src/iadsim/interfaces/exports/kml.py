"""KML for Google Earth: sites, defended assets and time-spanned paths (with simplekml).

Folders: ``Sites`` (a placemark a radar and a battery), ``Defended assets`` (a circle of
each asset's ``radius_m``, time-spanned over the run), ``Threats`` and ``Interceptors``
(one ``gx:Track`` each, its ``when`` times and coordinates from launch to end, inside a
``TimeSpan``, so Google Earth's time slider plays them). Heights are above the WGS84
ellipsoid, written with ``altitudeMode absolute`` (KML reads them above mean sea level:
they differ by the local geoid height, tens of metres at most).

KML reference: OGC 07-147r2, KML 2.2, and Google's gx extensions.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path as FilePath

import numpy as np
import simplekml

from iadsim.interfaces.exports import paths as moving
from iadsim.interfaces.exports.run_folder import RunFolder, write_atomically
from iadsim.interfaces.exports.timeline import at, iso

#: KML colours (aabbggrr, as simplekml.Color builds them) by kind and fate.
KML_COLOURS = {
    "threat/killed": simplekml.Color.orange, "threat/leaked": simplekml.Color.crimson,
    "threat/withdrew": simplekml.Color.gray, "threat/in_flight": simplekml.Color.yellow,
    "interceptor": simplekml.Color.deepskyblue,
}
#: Points on a defended asset's circle.
CIRCLE_POINTS = 72


def kml_document(run: RunFolder, start: dt.datetime, sample_s: float = 5.0) -> simplekml.Kml:
    """The KML of a run (see the module docstring)."""
    scenario, frame = run.scenario, run.frame
    ground = scenario.origin.ground_elevation_m
    simplekml.Kml().resetidcounter()  # element ids from 1: the same run, the same file
    document = simplekml.Kml(name=f"iadsim {scenario.name} seed {run.summary.get('seed', '?')}")
    begin, finish = iso(at(start, 0.0)), iso(at(start, run.ended_s))

    sites = document.newfolder(name="Sites")
    for kind, entries in (("radar", scenario.sensors), ("battery", scenario.batteries)):
        for site in entries:
            point = sites.newpoint(name=site.name, description=kind,
                                   coords=[(site.lon_deg, site.lat_deg,
                                            ground + site.height_m)])
            point.altitudemode = simplekml.AltitudeMode.absolute

    assets = document.newfolder(name="Defended assets")
    for asset in scenario.defended_assets:
        centre = frame.to_enu(asset.lat_deg, asset.lon_deg, ground + asset.height_m)
        angle = np.linspace(0.0, 2 * np.pi, CIRCLE_POINTS + 1)
        ring = np.column_stack([centre[0] + asset.radius_m * np.cos(angle),
                                centre[1] + asset.radius_m * np.sin(angle),
                                np.full(angle.size, centre[2])])
        lat, lon, height = frame.to_geodetic(ring)
        polygon = assets.newpolygon(name=asset.name,
                                    description=f"value {asset.value}, radius "
                                                f"{asset.radius_m:.0f} m",
                                    outerboundaryis=list(zip(lon, lat, height, strict=True)))
        polygon.altitudemode = simplekml.AltitudeMode.absolute
        polygon.timespan.begin, polygon.timespan.end = begin, finish
        polygon.style.polystyle.color = simplekml.Color.changealphaint(90,
                                                                       simplekml.Color.green)

    for title, paths in (("Threats", moving.threat_paths(run, sample_s)),
                         ("Interceptors", moving.interceptor_paths(run))):
        folder = document.newfolder(name=title)
        for path in paths:
            lat, lon, height = frame.to_geodetic(path.position_m)
            track = folder.newgxtrack(name=path.label,
                                      description=f"{path.fate}, {path.start_s:.1f} s to "
                                                  f"{path.end_s:.1f} s")
            track.newwhen([iso(at(start, t)) for t in path.time_s])
            track.newgxcoord(list(zip(lon, lat, height, strict=True)))
            track.altitudemode = simplekml.AltitudeMode.absolute
            track.timespan.begin = iso(at(start, path.start_s))
            track.timespan.end = iso(at(start, path.end_s))
            colour = KML_COLOURS["interceptor" if path.kind == "interceptor"
                                 else f"threat/{path.fate}"]
            track.style.linestyle.color = colour
            track.style.linestyle.width = 2
            track.style.iconstyle.color = colour
    return document


def write_kml(run: RunFolder, out: str | FilePath, start: dt.datetime,
              sample_s: float = 5.0) -> FilePath:
    """Write the run's KML to ``out`` (atomically); returns the path."""
    text = kml_document(run, start, sample_s).kml()
    return write_atomically(out, lambda path: path.write_text(text, encoding="utf-8"))
