/// The schema, as numbered migrations that are only ever appended.
///
/// Migration `n` (1-based) brings a database from `PRAGMA user_version = n - 1` to `n`. A database
/// at a higher version than `Migrations.all.count` was written by a newer Admit and is refused.
/// Never edit a migration that has shipped: add a new one.
enum Migrations {
    static let all: [String] = [version1, version2]

    /// Users, catalog, enrolments, policy versions, import batches and the hash-chained audit log.
    static let version1 = """
        CREATE TABLE packages (
            id       TEXT PRIMARY KEY NOT NULL,
            title    TEXT NOT NULL,
            platform TEXT NOT NULL,
            zone     TEXT NOT NULL
        ) STRICT;

        CREATE TABLE lectures (
            id         TEXT PRIMARY KEY NOT NULL,
            package_id TEXT NOT NULL REFERENCES packages(id),
            position   INTEGER NOT NULL CHECK (position >= 1),
            title      TEXT NOT NULL,
            UNIQUE (package_id, position)
        ) STRICT;

        CREATE TABLE users (
            id            INTEGER PRIMARY KEY,
            email         TEXT NOT NULL UNIQUE,
            name          TEXT NOT NULL,
            profession    TEXT NOT NULL CHECK (profession IN ('radiologist', 'radiographer', 'other')),
            country       TEXT CHECK (country IS NULL OR length(country) = 2),
            account       TEXT NOT NULL CHECK (account IN ('active', 'suspended', 'closed')),
            subscription  TEXT NOT NULL DEFAULT 'none',
            registered_at INTEGER NOT NULL,
            external_id   TEXT UNIQUE,
            updated_at    INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE import_batches (
            id         INTEGER PRIMARY KEY,
            file_name  TEXT NOT NULL,
            sha256     TEXT NOT NULL,
            actor      TEXT NOT NULL,
            started_at INTEGER NOT NULL,
            ended_at   INTEGER,
            status     TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
            counts     TEXT
        ) STRICT;

        CREATE TABLE enrolments (
            id           INTEGER PRIMARY KEY,
            user_id      INTEGER NOT NULL REFERENCES users(id),
            package_id   TEXT NOT NULL REFERENCES packages(id),
            enrolled_at  INTEGER NOT NULL,
            source       TEXT NOT NULL CHECK (source IN ('self', 'bulk', 'admin')),
            forced       INTEGER NOT NULL DEFAULT 0 CHECK (forced IN (0, 1)),
            withdrawn_at INTEGER CHECK (withdrawn_at IS NULL OR withdrawn_at >= enrolled_at),
            batch_id     INTEGER REFERENCES import_batches(id)
        ) STRICT;
        -- One current enrolment per user and package; withdrawn ones stay as history.
        CREATE UNIQUE INDEX enrolments_current ON enrolments(user_id, package_id) WHERE withdrawn_at IS NULL;
        CREATE INDEX enrolments_by_user ON enrolments(user_id, package_id);

        CREATE TABLE policy_versions (
            hash            TEXT PRIMARY KEY NOT NULL,
            first_loaded_at INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE policy_files (
            version_hash TEXT NOT NULL REFERENCES policy_versions(hash),
            path         TEXT NOT NULL,
            text         TEXT NOT NULL,
            PRIMARY KEY (version_hash, path)
        ) STRICT;

        -- Append-only and hash-chained: hash = SHA-256(prev_hash and this row's content).
        -- Keyed by sequence only, so appending never touches a random-key index.
        CREATE TABLE audit_log (
            seq         INTEGER PRIMARY KEY,
            recorded_at INTEGER NOT NULL,
            actor       TEXT NOT NULL,
            kind        TEXT NOT NULL,
            user_id     INTEGER,
            package_id  TEXT,
            lecture_id  TEXT,
            at          INTEGER,
            effect      TEXT,
            policy_hash TEXT,
            batch_id    INTEGER,
            detail      TEXT NOT NULL,
            prev_hash   TEXT NOT NULL,
            hash        TEXT NOT NULL
        ) STRICT;
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

        -- The last row's sequence and hash, so that removing rows from the end is detectable.
        CREATE TABLE audit_head (
            id   INTEGER PRIMARY KEY CHECK (id = 1),
            seq  INTEGER NOT NULL,
            hash TEXT NOT NULL
        ) STRICT;
        INSERT INTO audit_head(id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
        """

    /// Audit reports: the account state an enrolment was recorded under, and indexes and rollups
    /// of the decision log that are brought up to date when a report asks (never on the append path).
    static let version2 = """
        ALTER TABLE enrolments ADD COLUMN account_state TEXT
            CHECK (account_state IS NULL OR account_state IN ('active', 'suspended', 'closed'));
        CREATE INDEX enrolments_by_package_time ON enrolments(package_id, enrolled_at);

        -- How far the tables below have read the audit log.
        CREATE TABLE audit_index_state (
            id       INTEGER PRIMARY KEY CHECK (id = 1),
            last_seq INTEGER NOT NULL
        ) STRICT;
        INSERT INTO audit_index_state(id, last_seq) VALUES (1, 0);

        CREATE TABLE decisions_by_user (
            user_id INTEGER NOT NULL,
            seq     INTEGER NOT NULL,
            PRIMARY KEY (user_id, seq)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE decisions_by_lecture (
            lecture_id TEXT NOT NULL,
            seq        INTEGER NOT NULL,
            PRIMARY KEY (lecture_id, seq)
        ) STRICT, WITHOUT ROWID;

        -- Allowed openings per user and package.
        CREATE TABLE lecture_opens (
            user_id    INTEGER NOT NULL,
            package_id TEXT NOT NULL,
            first_at   INTEGER NOT NULL,
            last_at    INTEGER NOT NULL,
            opens      INTEGER NOT NULL,
            PRIMARY KEY (user_id, package_id)
        ) STRICT, WITHOUT ROWID;

        -- Allowed openings at an instant when the user had no enrolment in the package counting.
        CREATE TABLE opens_without_enrolment (
            seq        INTEGER PRIMARY KEY,
            user_id    INTEGER NOT NULL,
            package_id TEXT NOT NULL,
            lecture_id TEXT NOT NULL,
            at         INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX opens_without_enrolment_by_package ON opens_without_enrolment(package_id, at);
        """
}
