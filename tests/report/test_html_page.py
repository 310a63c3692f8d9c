"""report.html: songs to listen to per version, every link a file of the run, the same bytes on rebuild,
and (slow) a real run's page in headless Chromium."""
from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from PIL import Image

from hcbench.commands.run import run_experiment
from hcbench.report.build import rebuild_report
from hcbench.store import RunStore, records
from tests.loop.conftest import loop_config
from tests.report.chromium import headless_chromium
from tests.report.page import missing_files, page_links

LABEL = '<i>Bach</i> & "Sons"'  # a corpus label that must reach the page as text


def _song_files(run_dir, song_id: int) -> tuple[str, str, float]:
    (run_dir / "songs").mkdir(exist_ok=True)
    image, audio = f"songs/{song_id:07d}.png", f"songs/{song_id:07d}.wav"
    Image.fromarray(np.full((8, 8), 40 * song_id, np.uint8)).save(run_dir / image)
    sf.write(run_dir / audio, np.sin(np.arange(800) * 0.1 * song_id).astype(np.float32), 8000)
    return image, audio, 0.1


def _small_store(run_dir) -> RunStore:
    """Two versions: v0 made song 3 in iteration 0 and songs 4, 5 in iteration 1; v1 made song 6."""
    store = RunStore(run_dir)
    with store.transaction() as db:
        records.raters(db, [0, 1])
        records.corpus_song(db, 1, _song_files(run_dir, 1), LABEL, "train:1")
        records.corpus_song(db, 2, _song_files(run_dir, 2), "reel", "train:2")
        records.version(db, 0, None, "versions/v0", 0, 0)
        records.version(db, 1, 0, "versions/v1", 1, 0)
        for song, (iteration, version, inputs) in enumerate([(0, 0, [1, 2]), (1, 0, [2]), (1, 0, [2]), (1, 1, [1])], 3):
            request = records.request(db, iteration, 0, version, "new", None, None, [1], inputs)
            records.generated_song(db, song, _song_files(run_dir, song), version, iteration, request)
            records.rating(db, request, 0, song, "served", iteration, version, 5.0, 0.05, 0.1, 0.0)
            records.rating(db, request, 1, song, "reference", iteration, version, 1.0, 0.1, 0.1, 0.0)
    return store


def test_the_page_lists_each_versions_latest_songs_with_inputs_and_ratings(tmp_path):
    rebuild_report(_small_store(tmp_path), songs_per_version=2)
    page = tmp_path / "report.html"
    audio = [link for tag, link in page_links(page) if tag == "audio"]
    # v0's two songs of the last iteration, each after itself its input song 2; then v1's song 6 and its input
    assert audio == ["songs/0000004.wav", "songs/0000002.wav", "songs/0000005.wav", "songs/0000002.wav",
                     "songs/0000006.wav", "songs/0000001.wav"]
    assert missing_files(page) == []
    text = page.read_text(encoding="utf-8")
    assert "The first 2 of the 3 songs v0 made" in text and "The first 1 of the 1 songs v1 made" in text
    assert "&lt;i&gt;Bach&lt;/i&gt; &amp; &quot;Sons&quot;" in text and "<i>" not in text
    assert "<td>5.00</td><td>1</td><td>50%</td>" in text  # the reference's 1 star is no rating of the song


def test_a_rebuilt_page_has_the_same_bytes(tmp_path):
    store = _small_store(tmp_path)
    rebuild_report(store)
    first = (tmp_path / "report.html").read_bytes()
    (tmp_path / "report.html").unlink()
    rebuild_report(store)
    assert (tmp_path / "report.html").read_bytes() == first


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    run_dir = tmp_path_factory.mktemp("run")
    run_experiment(loop_config(run_dir, "loop.versions=2"))
    return run_dir


@pytest.mark.slow
def test_a_runs_page_links_its_songs_and_plot_and_is_rebuilt_byte_for_byte(finished_run):
    page = finished_run / "report.html"
    written = page.read_bytes()  # by the loop's hook after the last iteration
    tags = {tag for tag, _ in page_links(page)}
    assert {"img", "audio", "a"} <= tags and ("img", "versions.png") in page_links(page)
    assert missing_files(page) == []
    rebuild_report(RunStore(finished_run, create=False))
    assert page.read_bytes() == written


@pytest.mark.slow
def test_a_runs_page_loads_and_plays_in_headless_chromium(finished_run):
    browser = headless_chromium()
    try:
        browser.get((finished_run / "report.html").as_uri())
        images = browser.execute_script(
            "return [...document.images].map(i => [i.getAttribute('src'), i.complete && i.naturalWidth > 0]);")
        assert images and all(loaded for _, loaded in images), images
        audio = browser.execute_async_script(_LOAD_EVERY_AUDIO)
        assert audio and all(state == "ok" for _, state in audio), audio
        errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
        assert errors == []
    finally:
        browser.quit()


# the page loads no audio until played (preload="none"): load each one's metadata, report each one's fate
_LOAD_EVERY_AUDIO = """
const done = arguments[arguments.length - 1];
const players = [...document.querySelectorAll('audio')];
Promise.all(players.map(a => new Promise(resolve => {
    a.addEventListener('loadedmetadata', () => resolve([a.getAttribute('src'), a.duration > 0 ? 'ok' : 'empty']));
    a.addEventListener('error', () => resolve([a.getAttribute('src'), 'error ' + (a.error && a.error.code)]));
    a.preload = 'metadata';
    a.load();
}))).then(done);
"""
