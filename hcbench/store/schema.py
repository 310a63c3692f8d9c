"""The run database's tables: everything the loop did, row by row (paper section 6's database).

What the loop reads lives in the plain tables. What only a simulator knows (a rater's
true profile, a rating's true utility) lives in the ``truth_*`` tables, which the loop
never reads; metrics and reports join them in.

Version 2 calls the nearest training sample that a request's song is compared with its
"reference" (version 1 said "baseline"; ``hcbench.store.migrations`` upgrades such runs),
so that "baseline" can name a method compared with the paper's loop. Version 3 counts each
round's rating calls (``rating_calls``): what a method spent of its budget. Version 4 keeps
pairwise answers (``preferences``: which of two songs a rater prefers) beside the ratings. Version 5
records each simulated rater's home taste cluster (``truth_rater_tastes``), so that metrics can say
whom a version serves. Version 6 keeps what a stage reported of its work (``stages.summary``: a
method's selection and fine-tune summaries, such as songs added to D or the final loss).
"""
SCHEMA_VERSION = 6

SCHEMA = """
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
    reference_song_id INTEGER REFERENCES songs(id),   -- nearest training sample, rated too
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
    role TEXT NOT NULL CHECK (role IN ('served', 'reference', 'agreement')),
    iteration INTEGER NOT NULL,
    version INTEGER,                          -- version of the rated song (NULL: corpus song)
    stars REAL NOT NULL,
    listen_seconds REAL NOT NULL,
    song_seconds REAL NOT NULL,
    created_at REAL NOT NULL,
    UNIQUE (request_id, rater_id, song_id, role)   -- a resumed run cannot rate twice
);
CREATE TABLE IF NOT EXISTS preferences (
    id INTEGER PRIMARY KEY,
    iteration INTEGER NOT NULL,
    request_id INTEGER NOT NULL REFERENCES requests(id),  -- the request whose raters were asked
    rater_id INTEGER NOT NULL REFERENCES raters(id),
    first_song_id INTEGER NOT NULL REFERENCES songs(id),   -- heard first
    second_song_id INTEGER NOT NULL REFERENCES songs(id),
    chose_first INTEGER NOT NULL CHECK (chose_first IN (0, 1)),  -- 1: the rater prefers the first song
    created_at REAL NOT NULL,
    UNIQUE (iteration, rater_id, first_song_id, second_song_id)  -- a resumed run cannot answer twice
);
CREATE TABLE IF NOT EXISTS rating_calls (
    iteration INTEGER PRIMARY KEY,
    calls INTEGER NOT NULL,                   -- answered: one rater's stars+listening for a song, or a pairwise answer
    budget INTEGER,                           -- the round's limit (NULL: unlimited)
    charged INTEGER NOT NULL                  -- 1: spent by the method; 0: the evaluation round, charged to none
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
    pair_score REAL NOT NULL,                 -- R from the requester, who also rated the reference
    reference_score REAL,                     -- the requester's R of the reference (NULL: none)
    beats INTEGER NOT NULL,                   -- pair_score > reference_score from an unflagged requester
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
    summary TEXT,                             -- JSON object the stage returned (a method's report); NULL if none
    PRIMARY KEY (iteration, stage)
);
CREATE TABLE IF NOT EXISTS truth_raters (
    rater_id INTEGER PRIMARY KEY,
    profile TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS truth_rater_tastes (
    rater_id INTEGER PRIMARY KEY,
    cluster INTEGER NOT NULL                  -- the taste centre the rater's taste was drawn around
);
CREATE TABLE IF NOT EXISTS truth_ratings (
    rating_id INTEGER PRIMARY KEY REFERENCES ratings(id),
    utility REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS truth_preferences (
    preference_id INTEGER PRIMARY KEY REFERENCES preferences(id),
    first_utility REAL NOT NULL,              -- the rater's true utility of the first song
    second_utility REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS truth_songs (
    song_id INTEGER PRIMARY KEY REFERENCES songs(id),
    quality REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS ratings_by_song ON ratings(song_id);
CREATE INDEX IF NOT EXISTS ratings_by_iteration ON ratings(iteration);
CREATE INDEX IF NOT EXISTS requests_by_iteration ON requests(iteration);
CREATE INDEX IF NOT EXISTS preferences_by_iteration ON preferences(iteration);
"""
