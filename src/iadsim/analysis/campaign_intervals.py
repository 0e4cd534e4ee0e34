"""An inventory campaign's answers with their intervals: day by day, and the dry days.

From the day rows of :func:`iadsim.analysis.inventory_campaign.play_campaign` over
replications:

- :func:`day_intervals`: per day, P(no leaker), P(<asset> destroyed by the day) and
  P(<layer> dry by the day) (Clopper-Pearson over replications), and the mean leakers,
  damage, rounds fired and magazine (batteries and depot) per interceptor type and per
  layer (percentile bootstrap, seeded);
- :func:`dry_days`: per layer, interceptor type and battery, the day it runs dry (the
  first day at whose end its batteries hold no round): P(dry within the campaign) and
  the median dry day with its order-statistic interval; a replication in which it never
  runs dry counts as "after the last day" (censored), which the median handles and a
  mean could not.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from iadsim.analysis.campaign_plan import campaign_types
from iadsim.analysis.intervals import bootstrap_mean, clopper_pearson, median_interval
from iadsim.analysis.replication_metrics import column_name
from iadsim.scenario.schema import Scenario

INTERVAL_COLUMNS = ["day", "metric", "kind", "estimate", "low", "high", "successes", "trials",
                    "method"]


def _stream(seed: int, key: tuple[int, ...]) -> int:
    """A bootstrap seed, a pure function of the scenario seed and the metric's key."""
    return int(np.random.SeedSequence(seed, spawn_key=key).generate_state(
        1, np.uint64)[0] >> np.uint64(1))


def _dry_by_day(days: pd.DataFrame, column: str) -> pd.Series:
    """Per row: has the item's stock been 0 at the end of this day or an earlier one of
    the same replication."""
    empty = (days[column] == 0).astype(int)
    return empty.groupby(days["replication"]).cummax().astype(bool)


def day_intervals(days: pd.DataFrame, scenario: Scenario, seed: int,
                  confidence: float = 0.95) -> pd.DataFrame:
    """Per day and metric: estimate and interval over the replications in ``days``.

    Metrics: ``P(no leaker)``; ``P(destroyed) <asset>`` (its damage since day 1 has
    reached 1); ``P(dry) <layer>`` (the layer's batteries emptied on this day or before);
    means of ``leakers``, ``damage``, ``interceptors_fired``,
    ``stock <type>``, ``depot <type>`` and ``stock <layer>``. Columns of
    :data:`INTERVAL_COLUMNS` (``successes``/``trials`` for probabilities only).
    """
    types = [column_name(name) for name in campaign_types(scenario)]
    layers = [c[len("layer_stock_"):] for c in days.columns if c.startswith("layer_stock_")]
    assets = [column_name(asset.name) for asset in scenario.defended_assets]
    dry = {layer: _dry_by_day(days, f"layer_stock_{layer}") for layer in layers}
    means = ([("leakers", "mean leakers"), ("damage", "mean damage"),
              ("interceptors_fired", "mean interceptors_fired")]
             + [(f"stock_{t}", f"mean stock {t}") for t in types]
             + [(f"depot_{t}", f"mean depot {t}") for t in types]
             + [(f"layer_stock_{layer}", f"mean stock {layer}") for layer in layers])
    records = []
    for day, frame in days.groupby("day", sort=True):
        def probability(metric: str, hits: np.ndarray, day: int = int(day)) -> None:
            interval = clopper_pearson(int(hits.sum()), int(hits.size), confidence)
            records.append({"day": day, "metric": metric, "kind": "probability",
                            "estimate": interval.estimate, "low": interval.low,
                            "high": interval.high, "successes": int(hits.sum()),
                            "trials": int(hits.size), "method": interval.method})

        probability("P(no leaker)", frame["no_leaker"].to_numpy(dtype=int))
        for asset in assets:
            probability(f"P(destroyed) {asset}",
                        (frame[f"cumulative_damage_{asset}"] >= 1.0).to_numpy(dtype=int))
        for layer in layers:
            probability(f"P(dry) {layer}", dry[layer].loc[frame.index].to_numpy(dtype=int))
        for offset, (column, metric) in enumerate(means):
            interval = bootstrap_mean(frame[column].to_numpy(dtype=float),
                                      _stream(seed, (2_000_000 + int(day), offset)), confidence)
            records.append({"day": int(day), "metric": metric, "kind": "mean",
                            "estimate": interval.estimate, "low": interval.low,
                            "high": interval.high, "successes": np.nan, "trials": np.nan,
                            "method": interval.method})
    return pd.DataFrame.from_records(records, columns=INTERVAL_COLUMNS)


def dry_days(days: pd.DataFrame, scenario: Scenario, layers: list[str],
             confidence: float = 0.95) -> pd.DataFrame:
    """The day each layer, interceptor type and battery runs dry, over replications.

    Returns one row per item: ``item``, ``level`` (layer, type, battery),
    ``replications``, ``dry`` (replications in which it ran dry), ``p_dry`` with
    ``p_dry_low``/``p_dry_high`` (Clopper-Pearson), ``median_day`` with
    ``median_day_low``/``median_day_high`` (:func:`~iadsim.analysis.intervals.median_interval`;
    ``inf`` = after the last day, NaN = too few replications for an interval),
    ``first_day`` and ``last_day`` (earliest and latest over the replications that ran
    dry; NaN if none did).
    """
    last_day = int(days["day"].max())
    types = campaign_types(scenario)
    items = ([("layer", layer, f"layer_stock_{layer}") for layer in layers]
             + [("type", name, f"stock_{column_name(name)}") for name in types]
             + [("battery", b.name, f"battery_stock_{column_name(b.name)}")
                for b in scenario.batteries])
    records = []
    for level, item, column in items:
        empty_days = days["day"].where(days[column] == 0)
        first = empty_days.groupby(days["replication"]).min()  # NaN: never dry
        count = int(first.notna().sum())
        probability = clopper_pearson(count, int(first.size), confidence)
        median = median_interval(first.fillna(np.inf).to_numpy(), confidence)
        records.append({
            "item": item, "level": level, "replications": int(first.size), "dry": count,
            "p_dry": probability.estimate, "p_dry_low": probability.low,
            "p_dry_high": probability.high, "median_day": median.estimate,
            "median_day_low": median.low, "median_day_high": median.high,
            "first_day": float(first.min()) if count else np.nan,
            "last_day": float(first.max()) if count else np.nan,
            "campaign_days": last_day})
    return pd.DataFrame.from_records(records)
