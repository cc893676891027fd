#!/usr/bin/env bash
# OneRoster import beside `admit register` CSV of the same users, one run, release build
# (BENCHMARKS.md, "OneRoster import").
#
#   Benchmarks/oneroster.sh [USERS]      # default 100,000
#
# The same USERS users, every one enrolled in idor-2020 from 2020-11-10 (Vienna), written as
# Admit's CSV (`admit register FILE --package idor-2020 --at …`) and as a OneRoster 1.1 bulk
# package (manifest, users, classes, enrollments; a folder and the same as a .zip, with a class
# map), each imported into a new database; best of RUNS (default 3) wall times and peak memory.
# Also the CSV with an external_id column (the sourcedId), which the OneRoster import keeps too.
#
# Environment: WORK (a folder for data and databases; default a new temporary one), ADMIT (a
# binary to use instead of building), RUNS.
set -euo pipefail
cd "$(dirname "$0")/.."
users=${1:-100000}
runs=${RUNS:-3}
work=${WORK:-$(mktemp -d)}
mkdir -p "$work"

if [ -z "${ADMIT:-}" ]; then
  if command -v flock >/dev/null; then flock /tmp/admit-build.lock swift build -c release --product admit >&2
  else swift build -c release --product admit >&2; fi
  ADMIT="$(swift build -c release --show-bin-path)/admit"
fi
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); work: $work" >&2
summary() { printf '%-52s %s\n' "$1" "$2"; }

data="$work/oneroster-$users"
if [ ! -f "$data/roster.zip" ]; then
  mkdir -p "$data/roster"
  python3 - "$users" "$data" <<'PY'
import sys
n, out = int(sys.argv[1]), sys.argv[2]
professions = ["radiologist", "radiographer", "other"]
with open(f"{out}/users.csv", "w") as admit, open(f"{out}/roster/users.csv", "w") as users, \
        open(f"{out}/roster/enrollments.csv", "w") as enrollments:
    admit.write("email,name,profession,country,account,subscription\n")
    users.write("sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,givenName,familyName,"
                "middleName,identifier,email,sms,phone,agentSourcedIds,grades,password\r\n")
    enrollments.write("sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,primary,"
                      "beginDate,endDate\r\n")
    for i in range(1, n + 1):
        email = f"user{i}@example.org"
        admit.write(f"{email},Given{i} Family{i},{professions[i % 3]},AT,active,none\n")
        users.write(f"u{i},active,2020-11-01T09:00:00.000Z,true,org1,student,user{i},\"{{LDAP:{i}}}\",Given{i},Family{i},"
                    f",,{email},,,,,\r\n")
        enrollments.write(f"e{i},active,2020-11-01T09:00:00.000Z,c1,org1,u{i},student,true,2020-11-10,\r\n")
with open(f"{out}/roster/classes.csv", "w") as classes:
    classes.write("sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,location,"
                  "schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods\r\n")
    classes.write("c1,active,,IDoR 2020 webinar,,course1,,scheduled,,org1,term1,,,\r\n")
files = ["academicSessions", "categories", "classes", "classResources", "courses", "courseResources", "demographics",
         "enrollments", "lineItems", "orgs", "resources", "results", "users"]
bulk = {"classes", "enrollments", "users"}
with open(f"{out}/roster/manifest.csv", "w") as manifest:
    manifest.write("propertyName,value\r\nmanifest.version,1.0\r\noneroster.version,1.1\r\n")
    for f in files:
        manifest.write(f"file.{f},{'bulk' if f in bulk else 'absent'}\r\n")
    manifest.write("source.systemName,Benchmark SIS\r\nsource.systemCode,bench\r\n")
with open(f"{out}/map.csv", "w") as m:
    m.write("class,package\nc1,idor-2020\n")
PY
  (cd "$data/roster" && python3 -c 'import zipfile,sys,os; z=zipfile.ZipFile("../roster.zip","w",zipfile.ZIP_DEFLATED); [z.write(f) for f in sorted(os.listdir("."))]')
fi

# The same users as Admit's CSV with an external_id column (the sourcedId): the OneRoster import
# keys users by it, and keeping it unique costs an index the plain CSV import does not have.
if [ ! -f "$data/users-ext.csv" ]; then
  python3 - "$users" "$data" <<'PY'
import sys
n, out = int(sys.argv[1]), sys.argv[2]
professions = ["radiologist", "radiographer", "other"]
with open(f"{out}/users-ext.csv", "w") as admit:
    admit.write("email,name,profession,country,account,subscription,external_id\n")
    for i in range(1, n + 1):
        admit.write(f"user{i}@example.org,Given{i} Family{i},{professions[i % 3]},AT,active,none,u{i}\n")
PY
fi

timed() {  # label, then the command; prints the best wall time of $runs, rows per second, peak memory
  local label=$1; shift
  local best=999999 rss=0
  for _ in $(seq "$runs"); do
    rm -f "$work/o.sqlite" "$work/o.sqlite-wal" "$work/o.sqlite-shm"
    "$ADMIT" audit verify --db "$work/o.sqlite" --seeds Seeds --policies Policies > /dev/null   # a new, seeded database
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" --db "$work/o.sqlite" --seeds Seeds --policies Policies --json \
      > "$work/out.json"
    read -r seconds kb < <(tail -1 "$work/time.txt")
    best=$(awk -v a="$best" -v b="$seconds" 'BEGIN { print (b < a) ? b : a }')
    rss=$kb
  done
  local enrolled
  enrolled=$(sqlite3 "$work/o.sqlite" "SELECT count(*) FROM enrolments")
  summary "$label" "$best s, $(awk -v s="$best" -v n="$users" 'BEGIN { printf "%.0f", n / s }') users/s, peak $((rss / 1024)) MB, $enrolled enrolled"
}
timed "admit register CSV --package --at ($users users)" \
  "$ADMIT" register "$data/users.csv" --package idor-2020 --at 2020-11-10T00:00:00+01:00
timed "admit register CSV with external_id, --package --at" \
  "$ADMIT" register "$data/users-ext.csv" --package idor-2020 --at 2020-11-10T00:00:00+01:00
timed "admit register --format oneroster, a folder" "$ADMIT" register --format oneroster "$data/roster" --class-map "$data/map.csv"
timed "admit register --format oneroster, a .zip" "$ADMIT" register --format oneroster "$data/roster.zip" --class-map "$data/map.csv"
