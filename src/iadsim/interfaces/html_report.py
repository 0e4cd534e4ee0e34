"""The report of a run: one self-contained HTML file to send to a colleague, and its PDF.

The page holds the scenario (sites and raid), the summary tables (raid by group, defended
assets, batteries, layers, cost), the four plots of :mod:`iadsim.interfaces.plots` as PNG
data URIs, any campaign or sweep plots found in the folder's ``plots/`` (as
``iadsim sweep`` writes them), and the event table without detections (the first
:data:`EVENT_ROWS_MAX` rows, then a note of how many were left out). No script, no
external font, style sheet or image: it opens offline and prints as it shows.

The PDF is printed by headless Chromium (Debian's ``chromium`` package,
:data:`CHROMIUM_CANDIDATES`); without it, ``--pdf`` fails with one line saying so.
"""

from __future__ import annotations

import base64
import html
import io
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from iadsim.interfaces.plots import PLOT_KINDS, PlotError, figure_of, with_default_mode
from iadsim.interfaces.run_directory import SKIPPED_KINDS, StoredRun, read_run

EVENT_ROWS_MAX = 2_000
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "chrome")
PDF_TIMEOUT_S = 120.0
PLOT_CAPTIONS = {
    "map": "Map: threat paths by fate, interceptor flyouts (straight, launch to end), "
           "kills and misses, battery and radar ranges, defended assets.",
    "timeline": "Engagement timeline: per battery that fired (above) and per threat (below).",
    "profile": "Altitude against horizontal distance to each threat's target asset.",
    "magazines": "Rounds ready on each battery's launchers over time.",
}
STYLE = """
body{font-family:sans-serif;margin:1.5em auto;max-width:1100px;color:#222;font-size:14px}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0;font-size:12px}
th,td{border:1px solid #ccc;padding:2px 6px;text-align:right}
th{background:#f0f0f0}td.l,th.l{text-align:left}
img{max-width:100%;height:auto;display:block;margin:.5em 0}
.verdict{font-weight:bold;padding:.4em;border-radius:3px}
.bad{background:#fde0d6}.good{background:#d9f2e6}.note{color:#666;font-size:12px}
figure{margin:0 0 1em 0}figcaption{font-size:12px;color:#444}
@media print{h2{break-after:avoid}figure,table{break-inside:avoid}}
"""


class ReportError(ValueError):
    """A report that cannot be written (one line, naming the file)."""


def _png_data_uri(figure: Any) -> str:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _table(frame: pd.DataFrame, left: tuple[str, ...] = ()) -> str:
    head = "".join(f'<th class="{"l" if c in left else ""}">{html.escape(str(c))}</th>'
                   for c in frame.columns)
    rows = []
    for values in frame.itertuples(index=False):
        cells = "".join(f'<td class="{"l" if c in left else ""}">{html.escape(_cell(v))}</td>'
                        for c, v in zip(frame.columns, values, strict=True))
        rows.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "-"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.2f}"
    return str(value)


def _money(usd: float) -> str:
    return f"${usd / 1e6:,.1f}M" if usd >= 1e6 else f"${usd / 1e3:,.0f}k"


def _scenario_section(run: StoredRun) -> str:
    scenario = run.scenario
    interceptor_of = {i.name: i for i in scenario.interceptors}
    sites = pd.DataFrame(
        [{"kind": "defended asset", "name": a.name, "lat": a.lat_deg, "lon": a.lon_deg,
          "detail": f"value {a.value:g}, radius {a.radius_m:g} m"}
         for a in scenario.defended_assets]
        + [{"kind": "radar", "name": r.name, "lat": r.lat_deg, "lon": r.lon_deg,
            "detail": f"{r.profile or 'custom'}, max range {r.max_range_km:g} km"}
           for r in scenario.sensors]
        + [{"kind": "battery", "name": b.name, "lat": b.lat_deg, "lon": b.lon_deg,
            "detail": f"{b.interceptor} ({interceptor_of[b.interceptor].max_range_km:g} km), "
                      f"{b.launchers} x {b.missiles_per_launcher} rounds, radars "
                      f"{', '.join(b.radars)}"}
           for b in scenario.batteries])
    if len(sites):
        sites["lat"] = sites["lat"].map(lambda v: f"{v:.3f}")
        sites["lon"] = sites["lon"].map(lambda v: f"{v:.3f}")
    raid = pd.DataFrame([{"group": g.name, "profile": g.profile or "custom", "kind": g.kind,
                          "count": g.count, "target": g.target or "-"}
                         for g in scenario.threats])
    description = html.escape(scenario.description.strip())
    return (f"<h2>Scenario</h2><p>{description}</p>"
            f"<p class=note>Origin {scenario.origin.lat_deg:.3f}°N "
            f"{scenario.origin.lon_deg:.3f}°E; duration {scenario.sim.duration_s:g} s, "
            f"step {scenario.sim.dt_s:g} s.</p>"
            + _table(sites, left=("kind", "name", "detail"))
            + _table(raid, left=("group", "profile", "kind", "target")))


def _summary_section(summary: dict[str, Any]) -> str:
    good = summary["verdict"] in ("defended", "trial")
    sim = summary["sim"]
    parts = [f'<p class="verdict {"good" if good else "bad"}">'
             f'{html.escape(summary["verdict_text"])}</p>',
             f"<p class=note>Seed {summary['seed']}; ended at {_cell(sim['ended_s'])} s of "
             f"{_cell(sim['duration_s'])} s ({sim['steps']} steps, {sim['events']:,} events)."
             "</p>"]
    groups = pd.DataFrame(summary["by_group"])
    if len(groups):
        groups = groups.rename(columns={"median_first_detection_after_launch_s":
                                        "seen after launch (s, median)"})
        parts.append("<h3>Raid</h3>" + _table(groups, left=("group", "kind")))
    if summary["assets"]:
        assets = pd.DataFrame(summary["assets"])
        parts.append("<h3>Defended assets</h3>" + _table(assets, left=("asset",)))
    batteries = pd.DataFrame([{"battery": name, **values} for name, values
                              in summary["interceptors"]["by_battery"].items()])
    if len(batteries):
        batteries["cost_usd"] = batteries["cost_usd"].map(_money)
        parts.append("<h3>Batteries</h3>" + _table(batteries, left=("battery", "interceptor",
                                                                    "layer")))
    if summary.get("layers"):
        layers = pd.DataFrame([{"layer": name, **values} for name, values
                               in summary["layers"].items()])
        layers["cost_usd"] = layers["cost_usd"].map(_money)
        parts.append("<h3>Layers</h3>" + _table(layers, left=("layer",)))
    cost = summary["cost"]
    ratio = cost["interceptor_usd_per_threat_usd_killed"]
    parts.append(f"<p>Interceptors spent {_money(cost['interceptors_usd'])} to destroy "
                 f"munitions worth {_money(cost.get('munitions_killed_usd', 0.0))} (raid "
                 f"worth {_money(cost['threats_total_usd'])}); cost exchange "
                 f"{'-' if ratio is None else f'{ratio:.2f}'} USD spent per USD of munitions "
                 "destroyed.</p>")
    return "<h2>Summary</h2>" + "".join(parts)


def _events_section(run: StoredRun) -> str:
    events = run.events
    shown = events.head(EVENT_ROWS_MAX).copy()
    for column in ("east_m", "north_m", "up_m"):
        shown[column] = shown[column].round(0)
    shown["time_s"] = shown["time_s"].round(2)
    left_out = len(events) - len(shown)
    detections = int(run.summary["sim"]["events"]) - len(events)
    note = (f"<p class=note>{len(events):,} events besides {detections:,} "
            f"{' and '.join(SKIPPED_KINDS).replace('_', ' ')}s"
            + (f"; the first {len(shown):,} are shown, {left_out:,} left out (the full log "
               "is events.parquet)" if left_out else "") + ". Ids are -1 where unused.</p>")
    return "<h2>Events</h2>" + note + _table(shown, left=("kind", "sensor", "battery", "asset"))


def _campaign_plots(folder: Path) -> str:
    """Sweep or campaign plots already written in ``folder/plots`` (PNG), embedded."""
    pictures = sorted((folder / "plots").glob("*.png")) if (folder / "plots").is_dir() else []
    if not pictures:
        return ""
    figures = "".join(
        f'<figure><img alt="{html.escape(p.stem)}" src="data:image/png;base64,'
        f'{base64.b64encode(p.read_bytes()).decode("ascii")}"><figcaption>'
        f"{html.escape(p.name)}</figcaption></figure>" for p in pictures)
    return "<h2>Campaign plots</h2>" + figures


def report_html(run: StoredRun) -> str:
    """The report of a run as one HTML document (a string)."""
    from matplotlib.figure import Figure

    def image(kind: str) -> str:
        figure: Figure = figure_of(run, kind)  # type: ignore[arg-type]
        return _png_data_uri(figure)

    images = {kind: image(kind) for kind in PLOT_KINDS}  # matplotlib is not thread-safe
    summary = run.summary
    plots = "".join(f'<figure><img alt="{kind}" src="{uri}"><figcaption>'
                    f"{html.escape(PLOT_CAPTIONS[kind])}</figcaption></figure>"
                    for kind, uri in images.items())
    title = f"iadsim report: {summary['scenario']}, seed {summary['seed']}"
    return ("<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>"
            f"<h1>{html.escape(title)}</h1><p class=note>{html.escape(summary['notional'])}"
            "</p>" + _summary_section(summary) + "<h2>Plots</h2>" + plots
            + _campaign_plots(run.folder) + _scenario_section(run) + _events_section(run)
            + "</body></html>\n")


def write_report(folder: str | Path, out: str | Path | None = None,
                 pdf: bool = False) -> list[Path]:
    """Write the HTML report of a run folder (default ``FOLDER/report.html``), and its PDF
    beside it (same name, ``.pdf``) when ``pdf``. Returns the files written.

    A campaign or sweep folder (an interval table, no event log) gets the campaign report
    of :mod:`iadsim.interfaces.campaign_report`.

    Raises
    ------
    RunDirectoryError
        When the run folder or one of its files cannot be read.
    ReportError
        When an output cannot be written, or the PDF cannot be printed.
    """
    from iadsim.interfaces.campaign_report import campaign_report_html, is_campaign_folder

    target = Path(out) if out is not None else Path(folder) / "report.html"
    if Path(folder).is_dir() and is_campaign_folder(Path(folder)):
        text = campaign_report_html(Path(folder))
    else:
        text = report_html(read_run(folder))
    _write_atomically(target, text.encode("utf-8"))
    written = [target]
    if pdf:
        written.append(print_pdf(target, target.with_suffix(".pdf")))
    return written


def _write_atomically(target: Path, data: bytes) -> None:
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.",
                                             dir=target.parent if str(target.parent) else ".")
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        with_default_mode(temporary)
        os.replace(temporary, target)
        temporary = None
    except OSError as error:
        raise ReportError(f"{target}: cannot write ({error.strerror or error})") from None
    finally:
        if temporary is not None and os.path.exists(temporary):
            os.remove(temporary)


def chromium_path() -> str | None:
    """The headless Chromium found on PATH (Debian's ``chromium``), or None."""
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def print_pdf(page: Path, out: Path) -> Path:
    """Print an HTML file to PDF with headless Chromium (temporary name, then renamed)."""
    browser = chromium_path()
    if browser is None:
        raise ReportError(f"{out}: --pdf needs Chromium on PATH (Debian: apt-get install "
                          "chromium); the HTML report was written")
    temporary = None
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".pdf",
                                             dir=out.parent if str(out.parent) else ".")
        os.close(handle)
        with tempfile.TemporaryDirectory(prefix="iadsim-chromium-") as profile:
            completed = subprocess.run(
                [browser, *chromium_flags(profile), f"--print-to-pdf={temporary}",
                 "--no-pdf-header-footer", page.resolve().as_uri()],
                capture_output=True, timeout=PDF_TIMEOUT_S, check=False)
        if completed.returncode != 0 or os.path.getsize(temporary) == 0:
            reason = completed.stderr.decode(errors="replace").strip().splitlines()
            raise ReportError(f"{out}: Chromium could not print the report "
                              f"({reason[-1] if reason else completed.returncode})")
        with_default_mode(temporary)
        os.replace(temporary, out)
        temporary = None
    except subprocess.TimeoutExpired:
        raise ReportError(f"{out}: Chromium did not finish printing within "
                          f"{PDF_TIMEOUT_S:.0f} s") from None
    except OSError as error:
        raise ReportError(f"{out}: cannot write ({error.strerror or error})") from None
    finally:
        if temporary is not None and os.path.exists(temporary):
            os.remove(temporary)
    return out


def chromium_flags(profile: str) -> list[str]:
    """Headless flags that keep Chromium off the network (it makes background
    connections otherwise) and work as root in a container."""
    return ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={profile}"]


__all__ = ["PlotError", "ReportError", "print_pdf", "report_html", "write_report"]
