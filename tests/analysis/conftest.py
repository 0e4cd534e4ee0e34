"""Shared fixtures of the campaign tests: Dask clients inside the test process, and a
Ctrl-C between two recorded parts of a results store.

An in-process cluster (threads, ``processes=False``) starts in a fraction of a second and
uses the kernels the test process has already loaded; the process clusters that
``iadsim.monte_carlo`` starts are exercised by the tests marked slow.
"""

from __future__ import annotations

import logging

import pytest


@pytest.fixture(scope="session")
def thread_clients():
    """Two in-process Dask clients: one worker, and two workers (one thread each).

    Made with the campaigns' own worker settings (:data:`LOCAL_WORKER_CONFIG`), so without
    Dask's sampling profiler: on Python 3.11 its ``sys._current_frames()``, run every 10 ms
    from the event loop's thread, can start a garbage collection while holding the
    interpreter's thread-list lock and wait on that lock forever (seen here: a fresh-clone
    ``make test`` hung in ``test_interrupted_campaign_resumes_without_loss_or_duplicates``
    with the loop thread in ``_PyThread_CurrentFrames`` -> ``gc_collect_main`` ->
    ``PyThread_acquire_lock_timed`` and both replication threads waiting for the GIL)."""
    import dask
    from distributed import Client, LocalCluster

    from iadsim.analysis.monte_carlo import LOCAL_WORKER_CONFIG

    with dask.config.set(LOCAL_WORKER_CONFIG):
        clusters = [LocalCluster(n_workers=count, processes=False, threads_per_worker=1,
                                 dashboard_address=":0", silence_logs=logging.ERROR)
                    for count in (1, 2)]
    clients = [Client(cluster, set_as_default=False) for cluster in clusters]
    yield {1: clients[0], 2: clients[1]}
    for client, cluster in zip(clients, clusters, strict=True):
        client.close()
        cluster.close()


@pytest.fixture
def interrupt_appends(monkeypatch):
    """``interrupt_appends(after)``: from then on, the ``after``-th call of
    ``ResultsStore.append`` that records rows (a campaign's last flush may have none)
    records its part and then raises KeyboardInterrupt (a Ctrl-C between two flushes).
    Returns the list of the row counts of all the calls, filled as they come.
    ``monkeypatch.undo()`` restores ``append``."""
    from iadsim.analysis import results_store

    def arm(after: int) -> list[int]:
        original = results_store.ResultsStore.append
        calls: list[int] = []

        def interrupt(self, rows):
            original(self, rows)
            calls.append(len(rows))
            if rows and sum(1 for count in calls if count) == after:
                raise KeyboardInterrupt

        monkeypatch.setattr(results_store.ResultsStore, "append", interrupt)
        return calls

    return arm
