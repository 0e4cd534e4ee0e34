"""The HTML report: self-contained, loads in headless Chromium, PDF, bad inputs."""

from __future__ import annotations

import base64
import re
import shutil

import pytest

from iadsim.interfaces import html_report
from iadsim.interfaces.cli import main
from iadsim.interfaces.html_report import chromium_flags, chromium_path, report_html
from iadsim.interfaces.run_directory import read_run

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def page(small_run_folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "report.html"
    with pytest.raises(SystemExit) as exited:
        main(["report", str(small_run_folder), "--out", str(out)])
    assert exited.value.code == 0
    return out


def test_the_report_embeds_four_pngs_and_refers_to_nothing_outside(page):
    text = page.read_text(encoding="utf-8")
    sources = re.findall(r'<img[^>]* src="([^"]+)"', text)
    assert len(sources) == 4
    for source in sources:
        assert source.startswith("data:image/png;base64,")
        assert base64.b64decode(source.split(",", 1)[1])[:8] == PNG_MAGIC
    assert "<script" not in text and "<link" not in text and "@import" not in text
    assert not re.search(r"(src|href)=\"(https?:)?//", text)
    assert "url(" not in text


def test_the_report_holds_the_summary_scenario_and_events(page, small_run_folder):
    text = page.read_text(encoding="utf-8")
    assert "NOT DEFENDED: 1 leaker(s) reached 1 asset(s)" in text
    for name in ("sam-home", "gun-home", "sam-far", "cruise-pair", "late-drones", "depot"):
        assert name in text
    run = read_run(small_run_folder)
    event_rows = text.split("<h2>Events</h2>", 1)[1].count("<tr>") - 1  # less the header
    assert event_rows == len(run.events)


def test_a_huge_event_table_is_thinned(small_run_folder, monkeypatch):
    monkeypatch.setattr(html_report, "EVENT_ROWS_MAX", 10)
    run = read_run(small_run_folder)
    text = report_html(run)
    assert text.split("<h2>Events</h2>", 1)[1].count("<tr>") - 1 == 10
    assert f"the first 10 are shown, {len(run.events) - 10:,} left out" in text


def test_a_truncated_event_log_writes_nothing_and_exits_2(small_run_folder, tmp_path, capsys):
    folder = tmp_path / "run"
    shutil.copytree(small_run_folder, folder)
    events = folder / "events.parquet"
    events.write_bytes(events.read_bytes()[: events.stat().st_size // 2])
    with pytest.raises(SystemExit) as exited:
        main(["report", str(folder)])
    assert exited.value.code == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith(f"error: {events}: corrupted or truncated Parquet file")
    assert len(error.splitlines()) == 1
    assert not [p for p in folder.iterdir() if "report" in p.name]


def test_an_unwritable_report_path_exits_2_naming_it(small_run_folder, tmp_path, capsys):
    out = tmp_path / "missing-folder" / "report.html"
    with pytest.raises(SystemExit) as exited:
        main(["report", str(small_run_folder), "--out", str(out)])
    assert exited.value.code == 2
    assert capsys.readouterr().err.strip() == (
        f"error: {out}: cannot write (No such file or directory)")


def test_pdf_without_chromium_says_so(small_run_folder, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(html_report, "chromium_path", lambda: None)
    out = tmp_path / "r.html"
    with pytest.raises(SystemExit) as exited:
        main(["report", str(small_run_folder), "--out", str(out), "--pdf"])
    assert exited.value.code == 2
    assert "--pdf needs Chromium on PATH" in capsys.readouterr().err
    assert out.exists() and not out.with_suffix(".pdf").exists()


needs_chromium = pytest.mark.skipif(chromium_path() is None,
                                    reason="Debian's chromium is not installed")


@needs_chromium
def test_the_pdf_is_printed_by_chromium(small_run_folder, tmp_path):
    out = tmp_path / "r.html"
    with pytest.raises(SystemExit) as exited:
        main(["report", str(small_run_folder), "--out", str(out), "--pdf"])
    assert exited.value.code == 0
    pdf = out.with_suffix(".pdf").read_bytes()
    assert pdf[:5] == b"%PDF-" and len(pdf) > 50_000  # the four plots are in it
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@needs_chromium
def test_chromium_loads_the_page_and_every_image(page, tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    requests, failures = [], []
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium_path(),
                                         args=chromium_flags(str(tmp_path))[1:-1])
        try:
            tab = browser.new_page()
            tab.on("request", lambda request: requests.append(request.url))
            tab.on("requestfailed", lambda request: failures.append(request.url))
            tab.goto(page.as_uri(), wait_until="load")
            images = tab.evaluate("Array.from(document.images).map("
                                  "i => [i.alt, i.complete, i.naturalWidth, i.naturalHeight])")
            headings = tab.evaluate("Array.from(document.querySelectorAll('h2'))"
                                    ".map(h => h.textContent)")
        finally:
            browser.close()
    assert [alt for alt, *_ in images] == ["map", "timeline", "profile", "magazines"]
    assert all(complete and width > 400 and height > 200
               for _, complete, width, height in images)
    assert headings == ["Summary", "Plots", "Scenario", "Events"]
    assert failures == []
    assert all(url.startswith(("file:", "data:")) for url in requests)


def test_a_campaign_folder_and_its_kept_replication_get_reports(tmp_path):
    import iadsim

    folder = tmp_path / "campaign"
    result = iadsim.monte_carlo("sinop-trial", 3, workers=1, out=folder, keep_events=1,
                                progress=False)
    with pytest.raises(SystemExit) as exited:
        main(["report", str(folder)])
    assert exited.value.code == 0
    text = (folder / "report.html").read_text(encoding="utf-8")
    assert "<h2>Estimates (intervals.csv)</h2>" in text
    assert text.count("<tr>") - 1 == len(result.intervals)  # one row per metric
    assert re.findall(r'<img alt="([^"]+)" src="data:image/png;base64,', text) == [
        "replications"]
    assert "replication-000000" in text
    kept = folder / "events" / "replication-000000"
    with pytest.raises(SystemExit) as exited:  # no scenario.json: the built-in of its name
        main(["report", str(kept), "--out", str(tmp_path / "kept.html")])
    assert exited.value.code == 0
    assert "iadsim report: sinop-trial" in (tmp_path / "kept.html").read_text("utf-8")
