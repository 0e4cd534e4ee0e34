"""The KML export: sites, the asset circle and a time-spanned gx:Track per moving object."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree

import pytest
from typer.testing import CliRunner

from iadsim.interfaces.cli import app

runner = CliRunner()
NS = {"kml": "http://www.opengis.net/kml/2.2", "gx": "http://www.google.com/kml/ext/2.2"}


@pytest.fixture(scope="module")
def folders(run_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("kml") / "run.kml"
    result = runner.invoke(app, ["export", "kml", str(run_dir[0]), "--out", str(out)])
    assert result.exit_code == 0, result.output
    root = ElementTree.parse(out).getroot()
    return {folder.find("kml:name", NS).text: folder
            for folder in root.iter(f"{{{NS['kml']}}}Folder")}, out


def test_sites_and_the_asset_circle(folders):
    by_name, _ = folders
    sites = [p.find("kml:name", NS).text for p in by_name["Sites"].findall("kml:Placemark", NS)]
    assert sites == ["search-radar", "engagement-radar", "trial-battery"]
    (asset,) = by_name["Defended assets"].findall("kml:Placemark", NS)
    assert asset.find("kml:name", NS).text == "harbour"
    ring = asset.find(".//kml:outerBoundaryIs//kml:coordinates", NS).text.split()
    assert len(ring) == 73  # a closed circle of 72 points
    assert asset.find("kml:TimeSpan/kml:begin", NS).text == "2026-01-01T00:00:00.000Z"
    assert asset.find("kml:TimeSpan/kml:end", NS).text == "2026-01-01T00:05:39.000Z"


def test_one_time_spanned_track_per_threat_and_round(folders, run_dir):
    by_name, _ = folders
    events = run_dir[1].events
    threats = by_name["Threats"].findall("kml:Placemark", NS)
    rounds = by_name["Interceptors"].findall("kml:Placemark", NS)
    assert len(threats) == 4 and len(rounds) == 1
    for placemark in threats + rounds:
        track = placemark.find("gx:Track", NS)
        whens = [w.text for w in track.findall("kml:when", NS)]
        coords = track.findall("gx:coord", NS)
        assert len(whens) == len(coords) >= 2 and whens == sorted(whens)
        assert placemark.find("kml:TimeSpan/kml:begin", NS).text == whens[0]
        assert placemark.find("kml:TimeSpan/kml:end", NS).text == whens[-1]
    # The round flew from 17 s to its intercept at 98.36 s.
    track = rounds[0].find("gx:Track", NS)
    whens = [w.text for w in track.findall("kml:when", NS)]
    assert whens[0] == "2026-01-01T00:00:17.000Z" and whens[-1] == "2026-01-01T00:01:38.363Z"
    assert len(whens) == (run_dir[1].interceptors.interceptor_id == 0).sum() + 2
    assert events[events.kind == "kill"].time_s.iloc[0] == pytest.approx(98.364, abs=1e-3)


def test_the_same_run_exports_the_same_file(run_dir, folders, tmp_path):
    _, first = folders
    again = tmp_path / "again.kml"
    assert runner.invoke(app, ["export", "kml", str(run_dir[0]), "--out",
                               str(again)]).exit_code == 0
    assert again.read_bytes() == first.read_bytes()
