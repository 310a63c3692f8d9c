"""report.html: the run's summary on top, then each version's songs to listen to beside their spectrograms.

One static page that works offline from the run directory: CSS inline, every link relative
(songs/..., versions.png), nothing fetched. All text is escaped; the page depends on the
database alone, so a rebuild writes the same bytes.
"""
from __future__ import annotations

import html
from urllib.parse import quote

from hcbench.metrics.loop_metrics import RunMetrics, evaluation
from hcbench.report.formatting import number_text
from hcbench.report.tables import evaluation_table, input_count_table, steps_table
from hcbench.store import RunStore, queries

SONGS_PER_VERSION = 8  # keeps a default run's page light: each song brings its inputs' players and images too

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 80em; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; vertical-align: top; text-align: left; }
th { background: #f3f3f3; }
figure { display: inline-block; margin: 0 0.5em 0.5em 0; }
/* row 0 of a song's PNG is its lowest mel band: flipped, low notes sit at the bottom as in any spectrogram */
figure img { display: block; width: 128px; height: 128px; image-rendering: pixelated; transform: scaleY(-1); }
figure audio { display: block; width: 16em; }
figcaption { font-size: 0.85em; color: #555; max-width: 16em; }
.plot { max-width: 100%; }
"""


def report_html(store: RunStore, metrics: RunMetrics, title: str, songs_per_version: int = SONGS_PER_VERSION) -> str:
    """The whole page; ``songs_per_version`` caps the songs listed under each version."""
    songs = queries.songs_to_listen_to(store, songs_per_version)
    inputs = queries.input_songs_of(store, sorted({s["request_id"] for s in songs}))
    nav = " · ".join(f'<a href="#v{v}">v{v}</a>' for v in metrics.versions)
    body = [f"<h1>{_text(title)}</h1>", f"<p>Songs to listen to, per version: {nav}</p>", _summary(metrics)]
    body += [_version_section(v, [s for s in songs if s["version"] == v], inputs, songs_per_version)
             for v in metrics.versions]
    return "\n".join(["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
                      f"<title>{_text(title)}</title>", f"<style>{_STYLE}</style>", "</head>", "<body>",
                      *body, "</body>", "</html>", ""])


def _summary(metrics: RunMetrics) -> str:
    """The evaluation table, each step's change and the plot, as report.md has them."""
    if not metrics.cells:
        return "<p>No iteration is scored yet.</p>"
    return "\n".join([
        '<img class="plot" src="versions.png" alt="rating and utility per version">',
        "<h2>Evaluation: every version, rated side by side</h2>",
        "<p>Stars are what raters reported (raw, then QC-weighted); utility is the simulators' hidden truth. "
        "95% bootstrap intervals. Every table of the run is in <a href=\"report.md\">report.md</a>.</p>",
        _table(*evaluation_table(evaluation(metrics))), _table(*steps_table(metrics.steps)),
        *(["<h2>Evaluation by input songs per request</h2>", _table(*input_count_table(metrics.by_input_count))]
          if metrics.by_input_count else [])])


def _version_section(version: int, songs: list[dict], inputs: dict[int, list[dict]], limit: int) -> str:
    heading = f'<h2 id="v{version}">Songs of v{version}</h2>'
    if not songs:
        return f"{heading}\n<p>v{version} made no song.</p>"
    shown = (f"The first {len(songs)} of the {songs[0]['of_version']} songs v{version} made, the last "
             f"iteration's first (at most {limit} per version; <code>hcbench report RUN_DIR "
             "songs_per_version=N</code> lists more).")
    header = ["song", "input songs", "mean stars", "ratings", "listened", "true utility"]
    rows = [_song_row(song, inputs.get(song["request_id"], [])) for song in songs]
    return "\n".join([heading, f"<p>{shown}</p>", "<table>", _header_row(header), *rows, "</table>"])


def _song_row(song: dict, inputs: list[dict]) -> str:
    """A song's player beside its inputs' players and its ratings as an answer (served or output agreement)."""
    caption = f"song {song['id']}, iteration {song['iteration']}"
    cells = [_player(song, caption), "".join(_player(s, s["label"] or f"song {s['id']}") for s in inputs),
             _text(number_text(song["stars"])), str(song["ratings"]),
             "–" if song["listened"] is None else f"{100 * song['listened']:.0f}%",
             _text(number_text(song["utility"], 3))]
    return "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


def _player(song: dict, caption: str) -> str:
    """Spectrogram, audio controls and a caption; the audio loads only when played, to keep the page light."""
    return (f'<figure><img src="{_link(song["image_path"])}" alt="spectrogram of {_text(caption)}">'
            f'<audio controls preload="none" src="{_link(song["audio_path"])}"></audio>'
            f"<figcaption>{_text(caption)}</figcaption></figure>")


def _table(header: list[str], rows: list[list[str]]) -> str:
    body = ["<tr>" + "".join(f"<td>{_text(cell)}</td>" for cell in row) + "</tr>" for row in rows]
    return "\n".join(["<table>", _header_row(header), *body, "</table>"])


def _header_row(header: list[str]) -> str:
    return "<tr>" + "".join(f"<th>{_text(name)}</th>" for name in header) + "</tr>"


def _link(path: str) -> str:
    """A path relative to the run directory as an attribute value: URL-quoted, then escaped."""
    return html.escape(quote(path), quote=True)


def _text(value: str) -> str:
    return html.escape(str(value), quote=True)
