"""One replication as one flat row, and a campaign's rows as an interval table.

A run's summary (:func:`iadsim.analysis.summary.summarize`) is a nested dictionary whose
keys other stages may extend; this module reads only the keys below, each with
``dict.get`` so that a missing key gives a missing value rather than an error:

=====================================  =====================================================
summary key                            row column(s)
=====================================  =====================================================
``verdict``                            ``verdict``
``threats.total/killed/leaked/         ``threats``, ``killed``, ``leakers``, ``detected``,
detected/completed_route``             ``completed_route``; ``no_leaker`` = (leakers == 0)
``assets[].asset/leakers/survived``    ``survived_<asset>`` (0/1), ``leakers_<asset>``
``interceptors.fired/kills``           ``interceptors_fired``, ``interceptor_kills``
``interceptors.by_type.<type>.fired/   ``fired_<type>``, ``kills_<type>``
kills``
``cost.interceptors_usd/               ``interceptor_cost_usd``, ``threats_killed_usd``,
threats_killed_usd``                   ``cost_exchange_ratio`` (NaN when nothing killed)
``sim.ended_s/events/wall_time_s``     ``ended_s``, ``events``, ``wall_time_s``
=====================================  =====================================================

The whole summary (less its wall time, which differs from run to run) is kept as JSON in
``summary_json``, so that a key added later is still in the store.

Names of assets and interceptor types become column names with every character other than
a letter or digit turned into ``_`` (``survived_government_quarter``), so SQL needs no quotes.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from iadsim.analysis.intervals import bootstrap_mean, clopper_pearson
from iadsim.scenario.campaign_schema import column_name

#: Row columns that vary between identical runs (timing); left out of comparisons.
TIMING_COLUMNS = ("wall_time_s",)


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and value is not None else np.nan


def summary_row(summary: dict[str, Any]) -> dict[str, Any]:
    """The flat row of one replication's summary (see the module docstring for the keys)."""
    threats = summary.get("threats") or {}
    interceptors = summary.get("interceptors") or {}
    cost = summary.get("cost") or {}
    sim = summary.get("sim") or {}
    leakers = _number(threats.get("leaked"))
    row: dict[str, Any] = {
        "verdict": str(summary.get("verdict", "")),
        "threats": _number(threats.get("total")),
        "killed": _number(threats.get("killed")),
        "leakers": leakers,
        "detected": _number(threats.get("detected")),
        "completed_route": _number(threats.get("completed_route")),
        "no_leaker": float(leakers == 0) if np.isfinite(leakers) else np.nan,
        "interceptors_fired": _number(interceptors.get("fired")),
        "interceptor_kills": _number(interceptors.get("kills")),
        "interceptor_cost_usd": _number(cost.get("interceptors_usd")),
        "threats_killed_usd": _number(cost.get("threats_killed_usd")),
    }
    killed_usd = row["threats_killed_usd"]
    row["cost_exchange_ratio"] = (row["interceptor_cost_usd"] / killed_usd
                                  if killed_usd and np.isfinite(killed_usd) else np.nan)
    for asset in summary.get("assets") or []:
        name = column_name(str(asset.get("asset", "")))
        survived = asset.get("survived")
        row[f"survived_{name}"] = float(survived) if isinstance(survived, bool) else np.nan
        row[f"leakers_{name}"] = _number(asset.get("leakers"))
    for interceptor, counts in (interceptors.get("by_type") or {}).items():
        name = column_name(str(interceptor))
        row[f"fired_{name}"] = _number((counts or {}).get("fired"))
        row[f"kills_{name}"] = _number((counts or {}).get("kills"))
    row["ended_s"] = _number(sim.get("ended_s"))
    row["events"] = _number(sim.get("events"))
    row["wall_time_s"] = _number(sim.get("wall_time_s"))
    stable = {**summary, "sim": {k: v for k, v in sim.items() if k != "wall_time_s"}}
    row["summary_json"] = json.dumps(stable, sort_keys=True)
    return row


#: Count and cost columns summarised by the mean and a bootstrap interval, in table order.
MEAN_COLUMNS = ("leakers", "killed", "detected", "completed_route", "interceptors_fired",
                "interceptor_kills", "interceptor_cost_usd", "cost_exchange_ratio")


def interval_table(rows: pd.DataFrame, seed: int, confidence: float = 0.95) -> pd.DataFrame:
    """Per metric, the estimate and its interval over the replications in ``rows``.

    Probabilities (Clopper-Pearson over replications or shots):

    * ``P(no leaker)``: replications with no leaker;
    * ``P(survives) <asset>``: replications in which the asset was not reached;
    * ``P(kill) per shot`` and ``P(kill) per shot <type>``: kills over interceptors fired,
      pooled over the replications (a shot is one round fired; a salvo of two at one
      threat that kills it counts one kill in two shots).

    Counts and costs (mean over replications, percentile bootstrap seeded by ``seed``):
    the columns of :data:`MEAN_COLUMNS` present in ``rows``.

    Returns
    -------
    pandas.DataFrame
        Columns ``metric``, ``kind`` (``probability`` or ``mean``), ``estimate``, ``low``,
        ``high``, ``successes``, ``trials`` (NaN for means), ``method``.
    """
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    records = []

    def probability(metric: str, successes: float, trials: float) -> None:
        interval = clopper_pearson(int(successes), int(trials), confidence)
        records.append({"metric": metric, "kind": "probability",
                        "estimate": interval.estimate, "low": interval.low,
                        "high": interval.high, "successes": int(successes),
                        "trials": int(trials), "method": interval.method})

    def replication_probability(metric: str, column: str) -> None:
        values = rows[column].dropna().to_numpy()
        probability(metric, values.sum(), values.size)

    if "no_leaker" in rows:
        replication_probability("P(no leaker)", "no_leaker")
    for column in rows.columns:
        if column.startswith("survived_"):
            replication_probability(f"P(survives) {column[len('survived_'):]}", column)
    if {"interceptors_fired", "interceptor_kills"} <= set(rows.columns):
        probability("P(kill) per shot", rows["interceptor_kills"].sum(),
                    rows["interceptors_fired"].sum())
    for column in rows.columns:
        if column.startswith("fired_") and f"kills_{column[6:]}" in rows:
            fired = rows[column].sum()
            if fired > 0:
                probability(f"P(kill) per shot {column[6:]}", rows[f"kills_{column[6:]}"].sum(),
                            fired)
    for offset, column in enumerate(c for c in MEAN_COLUMNS if c in rows):
        # One bootstrap stream per metric, a pure function of (seed, metric position).
        stream = int(np.random.SeedSequence(seed, spawn_key=(1_000_000 + offset,))
                     .generate_state(1, np.uint64)[0] >> np.uint64(1))
        interval = bootstrap_mean(rows[column].to_numpy(dtype=float), stream, confidence)
        records.append({"metric": f"mean {column}", "kind": "mean",
                        "estimate": interval.estimate, "low": interval.low,
                        "high": interval.high, "successes": np.nan, "trials": np.nan,
                        "method": interval.method})
    return pd.DataFrame.from_records(records, columns=["metric", "kind", "estimate", "low",
                                                       "high", "successes", "trials",
                                                       "method"])
