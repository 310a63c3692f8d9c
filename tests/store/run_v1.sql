-- A run database as hcbench wrote it at schema version 1 (hcbench/store/schema.py at commit 0ff3598),
-- with one request of each kind: a new song rated by its requester, against its baseline, and by an
-- agreement rater; and an old song served from D. tests/store/test_migrations.py upgrades it.
PRAGMA user_version = 1;
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS raters (
    id INTEGER PRIMARY KEY                    -- the population's rater id
);
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY,                   -- 0 is the base model, n+1 is fine-tuned from n
    parent INTEGER,
    path TEXT NOT NULL,                       -- model folder in diffusers' layout
    train_size INTEGER NOT NULL DEFAULT 0,    -- training-set songs it was fine-tuned on
    created_iteration INTEGER NOT NULL,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS songs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('corpus', 'generated')),
    version INTEGER,                          -- generating version; NULL for corpus songs
    iteration INTEGER,                        -- when it was made (generated songs)
    request_id INTEGER,                       -- the request it answered (generated songs)
    image_path TEXT NOT NULL,                 -- uint8 mel spectrogram, PNG
    audio_path TEXT NOT NULL,                 -- what raters hear, WAV
    seconds REAL NOT NULL,
    label TEXT,                               -- corpus songs: collection and piece, for tables
    source TEXT UNIQUE                        -- corpus songs: split and clip index, registered once
);
CREATE TABLE IF NOT EXISTS requests (
    id INTEGER PRIMARY KEY,                   -- planned in order; the plan of an iteration is one transaction
    iteration INTEGER NOT NULL,
    rater_id INTEGER NOT NULL REFERENCES raters(id),
    version INTEGER NOT NULL,                 -- the live version the request drew (evaluation without bias)
    dispatch TEXT NOT NULL CHECK (dispatch IN ('new', 'old')),
    served_song_id INTEGER REFERENCES songs(id),      -- set when generated (new) or at planning (old)
    baseline_song_id INTEGER REFERENCES songs(id),    -- nearest training sample, rated too
    agreement_raters TEXT NOT NULL DEFAULT '[]'       -- JSON list: extra raters of a new song (output agreement)
);
CREATE TABLE IF NOT EXISTS request_inputs (
    request_id INTEGER NOT NULL REFERENCES requests(id),
    position INTEGER NOT NULL,
    song_id INTEGER NOT NULL REFERENCES songs(id),
    PRIMARY KEY (request_id, position)
);
CREATE TABLE IF NOT EXISTS ratings (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES requests(id),
    rater_id INTEGER NOT NULL REFERENCES raters(id),
    song_id INTEGER NOT NULL REFERENCES songs(id),
    role TEXT NOT NULL CHECK (role IN ('served', 'baseline', 'agreement')),
    iteration INTEGER NOT NULL,
    version INTEGER,                          -- version of the rated song (NULL: corpus song)
    stars REAL NOT NULL,
    listen_seconds REAL NOT NULL,
    song_seconds REAL NOT NULL,
    created_at REAL NOT NULL,
    UNIQUE (request_id, rater_id, song_id, role)   -- a resumed run cannot rate twice
);
CREATE TABLE IF NOT EXISTS qc (
    iteration INTEGER NOT NULL,
    rater_id INTEGER NOT NULL,
    reputation REAL NOT NULL,
    n_ratings INTEGER NOT NULL,
    brief_listens INTEGER NOT NULL,           -- ratings given after hardly listening
    flagged INTEGER NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (iteration, rater_id)
);
CREATE TABLE IF NOT EXISTS rating_qc (
    rating_id INTEGER PRIMARY KEY REFERENCES ratings(id),
    iteration INTEGER NOT NULL,               -- the QC pass that weighed it
    weight REAL NOT NULL,                     -- 0 (discarded) to 1 (trusted)
    listen_failed INTEGER NOT NULL,           -- high stars, hardly listened
    outlier INTEGER NOT NULL                  -- far from the song's other ratings
);
CREATE TABLE IF NOT EXISTS song_scores (
    iteration INTEGER NOT NULL,
    song_id INTEGER NOT NULL REFERENCES songs(id),
    score REAL NOT NULL,                      -- QC-weighted mean of the rating function R over its raters
    pair_score REAL NOT NULL,                 -- R from the requester, who also rated the baseline
    baseline_score REAL,                      -- the requester's R of the baseline (NULL: none)
    beats INTEGER NOT NULL,                   -- pair_score > baseline_score from an unflagged requester
    confidence REAL NOT NULL,                 -- eq. 2's c
    n_ratings INTEGER NOT NULL,
    PRIMARY KEY (iteration, song_id)
);
CREATE TABLE IF NOT EXISTS training_set (
    song_id INTEGER PRIMARY KEY REFERENCES songs(id),
    added_iteration INTEGER NOT NULL,
    confidence REAL NOT NULL,
    score REAL NOT NULL,
    removed_iteration INTEGER,                -- NULL while in D
    removed_reason TEXT
);
CREATE TABLE IF NOT EXISTS stages (
    iteration INTEGER NOT NULL,
    stage TEXT NOT NULL,
    seconds REAL NOT NULL,
    finished_at REAL NOT NULL,
    PRIMARY KEY (iteration, stage)
);
CREATE TABLE IF NOT EXISTS truth_raters (
    rater_id INTEGER PRIMARY KEY,
    profile TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS truth_ratings (
    rating_id INTEGER PRIMARY KEY REFERENCES ratings(id),
    utility REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS truth_songs (
    song_id INTEGER PRIMARY KEY REFERENCES songs(id),
    quality REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS ratings_by_song ON ratings(song_id);
CREATE INDEX IF NOT EXISTS ratings_by_iteration ON ratings(iteration);
CREATE INDEX IF NOT EXISTS requests_by_iteration ON requests(iteration);
INSERT INTO meta VALUES ('config', '{"seed": 0, "loop": {"versions": 2, "selection": {"top_k": 16, "beat_baseline": true, "purge": true}}, "finetune": {"objective": "weighted"}}');
INSERT INTO meta VALUES ('seed', '0');
INSERT INTO raters VALUES (0), (1), (2);
INSERT INTO versions VALUES (0, NULL, 'tiny', 0, 0, 1.0), (1, 0, 'versions/v1/model', 1, 0, 2.0);
INSERT INTO songs VALUES (1, 'corpus', NULL, NULL, NULL, 'songs/0000001.png', 'songs/0000001.wav', 3.0, 'bach/a', 'corpus:heldout:4');
INSERT INTO songs VALUES (2, 'corpus', NULL, NULL, NULL, 'songs/0000002.png', 'songs/0000002.wav', 3.0, 'bach/b', 'corpus:train:7');
INSERT INTO songs VALUES (3, 'generated', 0, 0, 1, 'songs/0000003.png', 'songs/0000003.wav', 3.0, NULL, NULL);
INSERT INTO requests VALUES (1, 0, 0, 0, 'new', 3, 2, '[2]');
INSERT INTO requests VALUES (2, 1, 1, 1, 'old', 3, NULL, '[]');
INSERT INTO request_inputs VALUES (1, 0, 1), (2, 0, 1);
INSERT INTO ratings VALUES (1, 1, 0, 3, 'served', 0, 0, 4.0, 3.0, 3.0, 10.0);
INSERT INTO ratings VALUES (2, 1, 0, 2, 'baseline', 0, NULL, 3.0, 2.0, 3.0, 10.0);
INSERT INTO ratings VALUES (3, 1, 2, 3, 'agreement', 0, 0, 3.5, 3.0, 3.0, 10.0);
INSERT INTO ratings VALUES (4, 2, 1, 3, 'served', 1, 0, 4.5, 3.0, 3.0, 11.0);
INSERT INTO rating_qc VALUES (1, 0, 0.9, 0, 0), (2, 0, 0.9, 0, 0), (3, 0, 0.8, 0, 0);
INSERT INTO truth_ratings VALUES (1, 0.61), (2, 0.42), (3, 0.55), (4, 0.63);
INSERT INTO truth_raters VALUES (0, 'honest'), (1, 'honest'), (2, 'lazy');
INSERT INTO qc VALUES (0, 0, 0.9, 2, 0, 0, ''), (0, 2, 0.8, 1, 0, 0, '');
INSERT INTO song_scores VALUES (0, 3, 0.7, 0.72, 0.51, 1, 0.68, 2);
INSERT INTO training_set VALUES (3, 0, 0.68, 0.7, NULL, NULL);
INSERT INTO stages VALUES (0, 'plan', 0.5, 1.0), (0, 'score', 0.1, 2.0), (0, 'done', 0.0, 3.0);
