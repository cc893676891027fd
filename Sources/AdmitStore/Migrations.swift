/// The schema, as numbered migrations that are only ever appended.
///
/// Migration `n` (1-based) brings a database from `PRAGMA user_version = n - 1` to `n`. A database
/// at a higher version than `Migrations.all.count` was written by a newer Admit and is refused.
/// Never edit a migration that has shipped: add a new one.
///
/// Most are SQL only; one that must also compute (migration 4 hashes a first state row for every
/// user) has a step in Swift, run in the same transaction after its SQL.
enum Migrations {
    /// One migration: its SQL, and what it computes after the SQL, if anything.
    struct Migration: Sendable {
        var sql: String
        var step: (@Sendable (Store) throws -> Void)? = nil
        /// Whether it rebuilds a table others refer to: foreign keys are then off while it runs
        /// (SQLite's procedure for such changes, lang_altertable.html section 7) and checked
        /// before it commits.
        var rebuildsTables = false
    }

    static let all: [Migration] = [
        Migration(sql: version1), Migration(sql: version2), Migration(sql: version3),
        Migration(sql: version4, step: { try $0.startStateRows() }, rebuildsTables: true),
        Migration(sql: version5),
    ]

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

    /// The `CHECK (column IN (…))` constraints rewritten as `column = … OR column = …`, with the
    /// same meaning.
    ///
    /// SQLite evaluates a constant `IN` list in a CHECK by building a temporary index on every
    /// execution of an INSERT or UPDATE: three quarters of the time of a bulk insert into `users`.
    /// Equalities cost nothing of the kind. The table definitions are edited in place through
    /// `writable_schema`, the procedure SQLite documents for changing CHECK constraints
    /// (lang_altertable.html, section 7): every existing row satisfies the new constraints since
    /// they accept exactly the same values. `writable_schema = RESET` makes this connection re-read
    /// the schema; the table created and dropped at the end bumps the schema version, so that every
    /// other connection re-reads it too.
    //
    // BEFORE EDITING: this migration edits `sqlite_schema` by TEXT REPLACEMENT. Each `replace()`
    // below finds the CHECK exactly as migrations 1 and 2 wrote it (spaces, quotes, order of the
    // values) and swaps in the new text.
    // - A string that does not match changes nothing and raises no error: the old constraint
    //   silently stays. So copy the old text from `version1`/`version2`, never retype it; and
    //   `CheckConstraintMigrationTests` (which reads `sqlite_schema` after the migration) must
    //   say so if a constraint was missed.
    // - The new text must be a constraint every existing row already satisfies: SQLite does not
    //   re-check rows when the schema is edited this way, and `PRAGMA integrity_check` would
    //   then report them.
    // - It has shipped: never edit it to change the schema. Add a migration; to change a table,
    //   rebuild it as migration 4 does (`rebuildsTables`). A fix here reaches only databases
    //   still below version 3.
    // - Use the technique only on text that Admit's own migrations wrote: it depends on that
    //   text being the same, character for character, in every database.
    static let version3 = """
        PRAGMA writable_schema = ON;
        UPDATE sqlite_schema SET sql = replace(replace(sql,
                'CHECK (profession IN (''radiologist'', ''radiographer'', ''other''))',
                'CHECK (profession = ''radiologist'' OR profession = ''radiographer'' OR profession = ''other'')'),
                'CHECK (account IN (''active'', ''suspended'', ''closed''))',
                'CHECK (account = ''active'' OR account = ''suspended'' OR account = ''closed'')')
            WHERE type = 'table' AND name = 'users';
        UPDATE sqlite_schema SET sql = replace(replace(replace(sql,
                'CHECK (source IN (''self'', ''bulk'', ''admin''))',
                'CHECK (source = ''self'' OR source = ''bulk'' OR source = ''admin'')'),
                'CHECK (forced IN (0, 1))',
                'CHECK (forced = 0 OR forced = 1)'),
                'CHECK (account_state IS NULL OR account_state IN (''active'', ''suspended'', ''closed''))',
                'CHECK (account_state IS NULL OR account_state = ''active'' OR account_state = ''suspended'' OR account_state = ''closed'')')
            WHERE type = 'table' AND name = 'enrolments';
        UPDATE sqlite_schema SET sql = replace(sql,
                'CHECK (status IN (''running'', ''completed'', ''failed''))',
                'CHECK (status = ''running'' OR status = ''completed'' OR status = ''failed'')')
            WHERE type = 'table' AND name = 'import_batches';
        PRAGMA writable_schema = RESET;
        CREATE TABLE migration_3_schema_reload(x);
        DROP TABLE migration_3_schema_reload;
        """

    /// The compact audit log (Docs/database.md, "The audit log").
    ///
    /// The rows of migrations 1 to 3 stay as they were, in `audit_log_v1`, and still verify and
    /// replay; new rows go to three tables that share one sequence and one hash chain, which runs
    /// on from the last old row: `audit_decisions` (a decision in integers and a reason code),
    /// `audit_changes` (every change of a user, carrying the user's whole state after it: the
    /// facts a decision names by version) and `audit_events` (policy loads, imports, refusals).
    /// Texts that repeat (actors, lecture ids, policy hashes) are stored once in `audit_texts`
    /// and hashed as text, so an edit there breaks the rows that use it. Hashes are 32-byte
    /// blobs; a row does not repeat the previous row's hash. The view `audit_log` shows every row
    /// of both formats in the old columns, for the `sqlite3` shell.
    ///
    /// The Swift step (`Store.startStateRows`) moves the head to a blob and appends one
    /// `user.state` row per existing user with the state the tables hold, so that every user has
    /// a state in the log from here on.
    ///
    /// It also rebuilds `users` with a partial unique index on `external_id` instead of the
    /// column's UNIQUE constraint: most users have none, and SQLite kept every NULL in the
    /// constraint's index (15 % of the cost of inserting a user).
    static let version4 = """
        CREATE TABLE users_rebuilt (
            id            INTEGER PRIMARY KEY,
            email         TEXT NOT NULL UNIQUE,
            name          TEXT NOT NULL,
            profession    TEXT NOT NULL CHECK (profession = 'radiologist' OR profession = 'radiographer' OR profession = 'other'),
            country       TEXT CHECK (country IS NULL OR length(country) = 2),
            account       TEXT NOT NULL CHECK (account = 'active' OR account = 'suspended' OR account = 'closed'),
            subscription  TEXT NOT NULL DEFAULT 'none',
            registered_at INTEGER NOT NULL,
            external_id   TEXT,
            updated_at    INTEGER NOT NULL
        ) STRICT;
        INSERT INTO users_rebuilt(id, email, name, profession, country, account, subscription, registered_at, external_id, updated_at)
            SELECT id, email, name, profession, country, account, subscription, registered_at, external_id, updated_at FROM users;
        DROP TABLE users;
        ALTER TABLE users_rebuilt RENAME TO users;
        CREATE UNIQUE INDEX users_by_external_id ON users(external_id) WHERE external_id IS NOT NULL;

        ALTER TABLE audit_log RENAME TO audit_log_v1;
        -- The head's hash becomes a blob; the Swift step copies it over and drops the old table.
        ALTER TABLE audit_head RENAME TO audit_head_v1;
        CREATE TABLE audit_head (
            id   INTEGER PRIMARY KEY CHECK (id = 1),
            seq  INTEGER NOT NULL,
            hash BLOB NOT NULL
        ) STRICT;

        CREATE TABLE audit_texts (
            id   INTEGER PRIMARY KEY,
            text TEXT NOT NULL UNIQUE
        ) STRICT;

        CREATE TABLE audit_decisions (
            seq         INTEGER PRIMARY KEY,
            recorded_at INTEGER NOT NULL,
            actor       INTEGER NOT NULL,
            user_id     INTEGER NOT NULL,
            facts       INTEGER NOT NULL,
            lecture     INTEGER NOT NULL,
            at          INTEGER NOT NULL,
            effect      INTEGER NOT NULL,
            policy      INTEGER NOT NULL,
            reasons     BLOB NOT NULL,
            hash        BLOB NOT NULL
        ) STRICT;

        CREATE TABLE audit_changes (
            seq           INTEGER PRIMARY KEY,
            recorded_at   INTEGER NOT NULL,
            actor         INTEGER NOT NULL,
            kind          INTEGER NOT NULL,
            user_id       INTEGER NOT NULL,
            version       INTEGER NOT NULL,
            batch_id      INTEGER,
            policy        INTEGER,
            overrode      BLOB,
            email         TEXT NOT NULL,
            name          TEXT NOT NULL,
            profession    TEXT NOT NULL,
            country       TEXT,
            account       TEXT NOT NULL,
            subscription  TEXT NOT NULL,
            registered_at INTEGER NOT NULL,
            external_id   TEXT,
            enrolments    BLOB NOT NULL,
            hash          BLOB NOT NULL
        ) STRICT;
        -- A decision names the facts it used as (user_id, version).
        CREATE UNIQUE INDEX audit_changes_by_user ON audit_changes(user_id, version);

        CREATE TABLE audit_events (
            seq         INTEGER PRIMARY KEY,
            recorded_at INTEGER NOT NULL,
            actor       INTEGER NOT NULL,
            kind        TEXT NOT NULL,
            package_id  TEXT,
            at          INTEGER,
            policy      INTEGER,
            batch_id    INTEGER,
            detail      TEXT NOT NULL,
            hash        BLOB NOT NULL
        ) STRICT;

        CREATE TRIGGER audit_texts_no_update BEFORE UPDATE ON audit_texts
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_texts_no_delete BEFORE DELETE ON audit_texts
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_decisions_no_update BEFORE UPDATE ON audit_decisions
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_decisions_no_delete BEFORE DELETE ON audit_decisions
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_changes_no_update BEFORE UPDATE ON audit_changes
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_changes_no_delete BEFORE DELETE ON audit_changes
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
            BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

        -- Every row of the log in the columns of the first format, for people with the shell.
        CREATE VIEW audit_log AS
            SELECT seq, recorded_at, actor, kind, user_id, package_id, lecture_id, at, effect, policy_hash, batch_id, detail
                FROM audit_log_v1
            UNION ALL
            SELECT d.seq, d.recorded_at, a.text, 'decision', d.user_id, l.package_id, t.text, d.at,
                    CASE d.effect WHEN 0 THEN 'allow' ELSE 'deny' END, p.text, NULL,
                    json_object('facts', d.facts, 'reasons', hex(d.reasons))
                FROM audit_decisions d JOIN audit_texts a ON a.id = d.actor JOIN audit_texts t ON t.id = d.lecture
                JOIN audit_texts p ON p.id = d.policy LEFT JOIN lectures l ON l.id = t.text
            UNION ALL
            SELECT c.seq, c.recorded_at, a.text,
                    CASE c.kind WHEN 1 THEN 'user.created' WHEN 2 THEN 'user.updated' WHEN 3 THEN 'enrolment.added'
                        WHEN 4 THEN 'enrolment.withdrawn' WHEN 5 THEN 'user.state' ELSE 'change.' || c.kind END,
                    c.user_id, NULL, NULL, NULL, NULL, p.text, c.batch_id,
                    json_object('version', c.version, 'email', c.email, 'name', c.name, 'profession', c.profession,
                        'country', c.country, 'account', c.account, 'subscription', c.subscription,
                        'registeredAt', c.registered_at, 'externalId', c.external_id, 'enrolments', hex(c.enrolments),
                        'overrode', hex(c.overrode))
                FROM audit_changes c JOIN audit_texts a ON a.id = c.actor LEFT JOIN audit_texts p ON p.id = c.policy
            UNION ALL
            SELECT e.seq, e.recorded_at, a.text, e.kind, NULL, e.package_id, NULL, e.at, NULL, p.text, e.batch_id, e.detail
                FROM audit_events e JOIN audit_texts a ON a.id = e.actor LEFT JOIN audit_texts p ON p.id = e.policy;
        """

    /// The user's role in the system they were imported from (`external_role`: a OneRoster
    /// role, read from `users.csv` or `roles.csv`), in `users` and in every state row after it.
    ///
    /// Both columns are NULL for the rows that were there before. A state row's hash covers the
    /// role only when it has one (`RowHasher.change`), so every row written before this
    /// migration, and every row without a role after it, hashes as it did. The view `audit_log`
    /// is made again with the role in a state row's detail.
    static let version5 = """
        ALTER TABLE users ADD COLUMN external_role TEXT;
        ALTER TABLE audit_changes ADD COLUMN external_role TEXT;

        DROP VIEW audit_log;
        -- Every row of the log in the columns of the first format, for people with the shell.
        CREATE VIEW audit_log AS
            SELECT seq, recorded_at, actor, kind, user_id, package_id, lecture_id, at, effect, policy_hash, batch_id, detail
                FROM audit_log_v1
            UNION ALL
            SELECT d.seq, d.recorded_at, a.text, 'decision', d.user_id, l.package_id, t.text, d.at,
                    CASE d.effect WHEN 0 THEN 'allow' ELSE 'deny' END, p.text, NULL,
                    json_object('facts', d.facts, 'reasons', hex(d.reasons))
                FROM audit_decisions d JOIN audit_texts a ON a.id = d.actor JOIN audit_texts t ON t.id = d.lecture
                JOIN audit_texts p ON p.id = d.policy LEFT JOIN lectures l ON l.id = t.text
            UNION ALL
            SELECT c.seq, c.recorded_at, a.text,
                    CASE c.kind WHEN 1 THEN 'user.created' WHEN 2 THEN 'user.updated' WHEN 3 THEN 'enrolment.added'
                        WHEN 4 THEN 'enrolment.withdrawn' WHEN 5 THEN 'user.state' ELSE 'change.' || c.kind END,
                    c.user_id, NULL, NULL, NULL, NULL, p.text, c.batch_id,
                    json_object('version', c.version, 'email', c.email, 'name', c.name, 'profession', c.profession,
                        'country', c.country, 'account', c.account, 'subscription', c.subscription,
                        'registeredAt', c.registered_at, 'externalId', c.external_id, 'externalRole', c.external_role,
                        'enrolments', hex(c.enrolments), 'overrode', hex(c.overrode))
                FROM audit_changes c JOIN audit_texts a ON a.id = c.actor LEFT JOIN audit_texts p ON p.id = c.policy
            UNION ALL
            SELECT e.seq, e.recorded_at, a.text, e.kind, NULL, e.package_id, NULL, e.at, NULL, p.text, e.batch_id, e.detail
                FROM audit_events e JOIN audit_texts a ON a.id = e.actor LEFT JOIN audit_texts p ON p.id = e.policy;
        """
}
