"""The report of a campaign folder (``iadsim mc --out`` or ``iadsim sweep --out``): the
interval table, histograms of leakers and rounds fired per replication, the sweep plots
already written in ``plots/``, and links to the kept replications' run folders (each of
which has its own report: ``iadsim report FOLDER/events/replication-000000``).

Same rules as :mod:`iadsim.interfaces.html_report`: one self-contained HTML file, no
script, images as data URIs.
"""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from iadsim.interfaces.run_directory import RunDirectoryError

#: Files that make a folder a campaign folder, in the order they are looked for.
CAMPAIGN_TABLES = ("intervals.csv", "sweep.csv")
HISTOGRAM_COLUMNS = {"leakers": "leakers per replication",
                     "interceptors_fired": "rounds fired per replication"}


def is_campaign_folder(folder: Path) -> bool:
    """True for a folder with an interval table and no event log of its own."""
    return (not (folder / "events.parquet").exists()
            and any((folder / name).exists() for name in CAMPAIGN_TABLES))


def _read_table(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path)
    except (OSError, ValueError) as error:
        raise RunDirectoryError(f"{path}: unreadable interval table "
                                f"({str(error).splitlines()[0]})") from None


def _histograms(path: Path) -> str:
    """PNG data URI of the replication histograms, or ``""`` without replications."""
    if not path.exists():
        return ""
    try:
        rows = pd.read_parquet(path)
    except Exception as error:  # pyarrow raises several types for a damaged file
        raise RunDirectoryError(f"{path}: corrupted or truncated Parquet file "
                                f"({str(error).splitlines()[0]})") from None
    columns = [c for c in HISTOGRAM_COLUMNS if c in rows.columns]
    if not columns or rows.empty:
        return ""
    figure = Figure(figsize=(4.2 * len(columns), 3.2), dpi=100, layout="constrained")
    for axes, column in zip(figure.subplots(1, len(columns), squeeze=False)[0], columns,
                            strict=True):
        values = rows[column].dropna().astype(int)
        axes.hist(values, bins=range(int(values.min()), int(values.max()) + 2), align="left",
                  color="#0072B2", rwidth=0.85)
        axes.set_xlabel(HISTOGRAM_COLUMNS[column])
        axes.set_ylabel("replications")
        axes.set_title(f"{len(values)} replications", fontsize=8, loc="left")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    uri = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<figure><img alt="replications" src="{uri}"><figcaption>Replications.' \
           "</figcaption></figure>"


def campaign_report_html(folder: Path) -> str:
    """The report of a campaign or sweep folder as one HTML document."""
    from iadsim.interfaces.html_report import STYLE, _campaign_plots, _table

    table_path = next(folder / n for n in CAMPAIGN_TABLES if (folder / n).exists())
    table = _table(_read_table(table_path), left=("metric", "method", "variant"))
    description = ""
    campaign = folder / "campaign.json"
    if campaign.exists():
        try:
            details = json.loads(campaign.read_text(encoding="utf-8"))
            description = html.escape(", ".join(f"{k} {v}" for k, v in details.items()
                                                if not isinstance(v, dict | list)))
        except (OSError, ValueError):
            description = ""
    kept = sorted(p.name for p in (folder / "events").glob("replication-*") if p.is_dir())
    replicas = ("<h2>Kept replications</h2><p>Each is a run folder with its own report "
                f"(<code>iadsim report {html.escape(str(folder))}/events/NAME</code>): "
                + html.escape(", ".join(kept)) + "</p>") if kept else ""
    title = f"iadsim campaign report: {folder.name}"
    return ("<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head><body>"
            f"<h1>{html.escape(title)}</h1><p class=note>{description}</p>"
            f"<h2>Estimates ({html.escape(table_path.name)})</h2>{table}"
            + _histograms(folder / "replications.parquet") + _campaign_plots(folder)
            + replicas + "</body></html>\n")
