"""CZML for CesiumJS: the run as a time-animated 3-D scene (written with czml3).

The document packet comes first (name, clock over the run). Then one packet a threat
(``threat/ID``) and a round (``interceptor/ID``), each available from its launch to its
end with its time-tagged positions (seconds from the packet's epoch, longitude and
latitude in degrees, height above the WGS84 ellipsoid in metres) and a trailing path; one
packet a radar and a battery site; a coverage volume a radar (a dome of its
``max_range_km``, available while the radar was up) and a battery (a cylinder of its
interceptor's ``max_range_km`` up to ``max_altitude_m``); and a circle a defended asset
(its ``radius_m``; a second, red circle ``asset/NAME/hit`` from the first leaker on).

CZML reference: https://github.com/AnalyticalGraphicsInc/czml-writer/wiki/CZML-Guide
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path as FilePath

import numpy as np
from czml3 import Clock, Document, Packet
from czml3.properties import (
    Color,
    Cylinder,
    Ellipse,
    Ellipsoid,
    EllipsoidRadii,
    Label,
    Material,
    Path,
    Point,
    PolylineMaterial,
    Position,
    SolidColorMaterial,
)
from czml3.types import Cartesian3Value, TimeInterval, TimeIntervalCollection

from iadsim.interfaces.exports import paths as moving
from iadsim.interfaces.exports.run_folder import RunFolder, write_atomically
from iadsim.interfaces.exports.timeline import at, radar_up_intervals

#: RGBA colours by what an object is and how it ended.
COLOURS = {
    "threat/killed": [255, 165, 0, 255], "threat/leaked": [220, 20, 60, 255],
    "threat/withdrew": [150, 150, 150, 255], "threat/in_flight": [255, 255, 0, 255],
    "interceptor": [0, 191, 255, 255], "radar": [65, 105, 225, 255],
    "battery": [30, 144, 255, 255], "asset": [50, 205, 50, 90], "asset/hit": [220, 20, 60, 110],
    "coverage/radar": [65, 105, 225, 40], "coverage/battery": [30, 144, 255, 40],
}


def _material(colour: str) -> Material:
    return Material(solidColor=SolidColorMaterial(color=Color(rgba=COLOURS[colour])))


def _interval(start: dt.datetime, start_s: float, end_s: float) -> TimeInterval:
    return TimeInterval(start=at(start, start_s), end=at(start, end_s))


def _moving_packet(run: RunFolder, path: moving.Path, start: dt.datetime) -> Packet:
    """One threat or round: its samples as ``[t, lon, lat, h, ...]`` from its launch."""
    lat, lon, height = run.frame.to_geodetic(path.position_m)
    samples = np.column_stack([path.time_s - path.start_s, lon, lat, height]).ravel()
    colour = "interceptor" if path.kind == "interceptor" else f"threat/{path.fate}"
    description = (f"{path.label}: {path.fate}, from {path.start_s:.1f} s to "
                   f"{path.end_s:.1f} s" + ("" if path.recorded else
                                           " (launch and end only: no recorded path)"))
    return Packet(
        id=f"{path.kind}/{path.identifier}", name=path.label, description=description,
        availability=_interval(start, path.start_s, path.end_s),
        position=Position(epoch=at(start, path.start_s),
                          cartographicDegrees=[float(v) for v in samples]),
        point=Point(color=Color(rgba=COLOURS[colour]),
                    pixelSize=6.0 if path.kind == "threat" else 4.0),
        path=Path(width=1.5, leadTime=0.0, trailTime=1e9,
                  material=PolylineMaterial(solidColor=SolidColorMaterial(
                      color=Color(rgba=COLOURS[colour])))))


def czml_document(run: RunFolder, start: dt.datetime, sample_s: float = 5.0) -> Document:
    """The CZML document of a run (see the module docstring for its packets).

    start: the calendar time of scenario second 0; sample_s: spacing of threat samples (s)
    (rounds keep every recorded step).
    """
    scenario, ended = run.scenario, run.ended_s
    ground = scenario.origin.ground_elevation_m
    packets = [Packet(id="document", name=f"iadsim {scenario.name} seed "
                      f"{run.summary.get('seed', '?')}", version="1.0",
                      clock=Clock(interval=_interval(start, 0.0, ended),
                                  currentTime=start, multiplier=10.0))]
    packets += [_moving_packet(run, path, start)
                for path in moving.threat_paths(run, sample_s)]
    packets += [_moving_packet(run, path, start) for path in moving.interceptor_paths(run)]
    whole_run = _interval(start, 0.0, ended)
    for radar in scenario.sensors:
        site = [radar.lon_deg, radar.lat_deg, ground + radar.height_m]
        packets.append(Packet(id=f"radar/{radar.name}", name=radar.name,
                              position=Position(cartographicDegrees=site),
                              point=Point(color=Color(rgba=COLOURS["radar"]), pixelSize=8.0),
                              label=Label(text=radar.name, show=False)))
        up = [_interval(start, low, high) for low, high in radar_up_intervals(run, radar.name)]
        radius = radar.max_range_km * 1e3
        packets.append(Packet(
            id=f"coverage/radar/{radar.name}", name=f"{radar.name} coverage",
            availability=TimeIntervalCollection(values=up) if up else whole_run,
            position=Position(cartographicDegrees=site),
            ellipsoid=Ellipsoid(radii=EllipsoidRadii(cartesian=Cartesian3Value(
                values=[radius, radius, radius])), maximumCone=math.pi / 2,
                material=_material("coverage/radar"), outline=False)))
    types = {interceptor.name: interceptor for interceptor in scenario.interceptors}
    for battery in scenario.batteries:
        site = [battery.lon_deg, battery.lat_deg, ground + battery.height_m]
        packets.append(Packet(id=f"battery/{battery.name}", name=battery.name,
                              position=Position(cartographicDegrees=site),
                              point=Point(color=Color(rgba=COLOURS["battery"]),
                                          pixelSize=8.0)))
        interceptor = types.get(battery.interceptor)
        if interceptor is None:
            continue
        ceiling = interceptor.max_altitude_m
        packets.append(Packet(
            id=f"coverage/battery/{battery.name}", name=f"{battery.name} engagement volume",
            availability=whole_run,
            position=Position(cartographicDegrees=[site[0], site[1], ground + ceiling / 2]),
            cylinder=Cylinder(length=ceiling, topRadius=interceptor.max_range_km * 1e3,
                              bottomRadius=interceptor.max_range_km * 1e3,
                              material=_material("coverage/battery"), outline=False)))
    leaks = run.events[run.events["kind"] == "leak"]
    for asset in scenario.defended_assets:
        site = [asset.lon_deg, asset.lat_deg, ground + asset.height_m]
        circle = {"semiMajorAxis": asset.radius_m, "semiMinorAxis": asset.radius_m,
                  "height": ground + asset.height_m}
        packets.append(Packet(id=f"asset/{asset.name}", name=asset.name,
                              availability=whole_run, position=Position(cartographicDegrees=site),
                              ellipse=Ellipse(**circle, material=_material("asset"))))
        hits = leaks.loc[leaks["asset"].astype(object) == asset.name, "time_s"]
        if len(hits):
            packets.append(Packet(
                id=f"asset/{asset.name}/hit", name=f"{asset.name}: reached by a leaker",
                availability=_interval(start, float(hits.min()), ended),
                position=Position(cartographicDegrees=site),
                ellipse=Ellipse(**circle, material=_material("asset/hit"))))
    return Document(packets=packets)


def write_czml(run: RunFolder, out: str | FilePath, start: dt.datetime,
               sample_s: float = 5.0) -> FilePath:
    """Write the run's CZML to ``out`` (atomically); returns the path."""
    text = czml_document(run, start, sample_s).dumps()
    return write_atomically(out, lambda path: path.write_text(text, encoding="utf-8"))
