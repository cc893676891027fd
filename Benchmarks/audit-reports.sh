#!/usr/bin/env bash
# Benchmark for issue 5: the enrolment report on 1,000,000 users and 1,000,000 enrolments, and a
# decision query on 10,000,000 logged decisions (release build).
#
#   Benchmarks/audit-reports.sh [DB]      (default /tmp/admit-audit-bench.sqlite)
#
# Builds `admit` in release mode, creates and seeds a database, bulk-inserts the generated rows
# with the sqlite3 shell (the rows are data for the reports, so the audit chain of the generated
# decisions is not computed), then times the one-time catch-up of the report indexes and the
# reports themselves with hyperfine.
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${1:-/tmp/admit-audit-bench.sqlite}
USERS=${USERS:-1000000}
DECISIONS=${DECISIONS:-10000000}

swift build -c release --product admit >/dev/null
ADMIT=$(swift build -c release --show-bin-path)/admit
rm -f "$DB" "$DB-wal" "$DB-shm"
"$ADMIT" check --db "$DB" --user ada@example.org --lecture idor-2020-07 --at 2020-11-15T10:00:00+01:00 >/dev/null

echo "generating $USERS users and enrolments, $DECISIONS decisions..."
time sqlite3 "$DB" <<SQL
PRAGMA journal_mode = WAL;
PRAGMA synchronous = OFF;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $USERS)
INSERT INTO users(email, name, profession, country, account, subscription, registered_at, updated_at)
SELECT 'user' || i || '@example.org', 'User ' || i,
       CASE i % 3 WHEN 0 THEN 'radiologist' WHEN 1 THEN 'radiographer' ELSE 'other' END,
       CASE i % 7 WHEN 0 THEN 'AT' WHEN 1 THEN 'DE' WHEN 2 THEN 'IT' WHEN 3 THEN 'FR' WHEN 4 THEN 'ES' WHEN 5 THEN 'PT' ELSE NULL END,
       CASE WHEN i % 100 = 0 THEN 'suspended' ELSE 'active' END, 'none', 1604000000000, 1604000000000
FROM n;
INSERT INTO enrolments(user_id, package_id, enrolled_at, source, forced, account_state)
SELECT id, 'idor-2020', 1604790000000 + (id * 1117) % (13 * 86400000),
       CASE WHEN id % 10 = 0 THEN 'bulk' WHEN id % 10 = 1 THEN 'admin' ELSE 'self' END,
       id % 1000 = 0, account
FROM users WHERE email LIKE 'user%@example.org';
COMMIT;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $DECISIONS)
INSERT INTO audit_log(seq, recorded_at, actor, kind, user_id, package_id, lecture_id, at, effect, policy_hash, batch_id, detail, prev_hash, hash)
SELECT (SELECT seq FROM audit_head) + i, 1605000000000 + i, 'bench', 'decision', 5 + (i * 7919) % ($USERS * 9 / 10),
       'idor-2020', 'idor-2020-' || printf('%02d', 1 + i % 39), 1604800000000 + (i * 104729) % (12 * 86400000),
       CASE WHEN i % 10 = 0 THEN 'deny' ELSE 'allow' END, 'sha256:bench', NULL,
       '{"action":"open","reasons":[{"code":"permitted","rule":"free-access","message":"permit ''free-access'' applies"}]}',
       '0000000000000000000000000000000000000000000000000000000000000000', '0000000000000000000000000000000000000000000000000000000000000000'
FROM n;
UPDATE audit_head SET seq = (SELECT max(seq) FROM audit_log);
COMMIT;
SQL
ls -la "$DB"

echo "one-time catch-up of the report indexes over $DECISIONS decisions:"
time "$ADMIT" audit decisions --db "$DB" --user user123@example.org --limit 1 >/dev/null

hyperfine --warmup 1 --runs 5 \
  "$ADMIT audit enrolments --db $DB --format json" \
  "$ADMIT audit enrolments --db $DB" \
  "$ADMIT audit decisions --db $DB --user user123@example.org --limit 0" \
  "$ADMIT audit decisions --db $DB --lecture idor-2020-07 --effect deny --limit 100" \
  "$ADMIT audit decisions --db $DB --effect deny --limit 100"
