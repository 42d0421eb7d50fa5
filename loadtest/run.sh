#!/usr/bin/env bash
# make loadtest / make loadtest-faults: gunicorn on PostgreSQL on 127.0.0.1, a bounded headless locust run,
# then a comparison of the database with what the clients were told. Usage: loadtest/run.sh [normal|faults]
set -euo pipefail
cd "$(dirname "$0")/.."

VARIANT=${1:-normal}
PORT=${LOADTEST_PORT:-8500}
USERS=${LOADTEST_USERS:-40}
SPAWN_RATE=${LOADTEST_SPAWN_RATE:-10}
DURATION=${LOADTEST_DURATION:-60s}
FAULT_AFTER=${LOADTEST_FAULT_AFTER:-25}   # seconds into the run when PostgreSQL is restarted
WORKERS=${LOADTEST_WORKERS:-4}
DB=${LOADTEST_DB:-loadtest}
PY=${PY:-.venv/bin/python}
BIN=$(dirname "$PY")
OUT=loadtest/results/$VARIANT-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"

echo "== PostgreSQL: cluster up, role root, fresh database $DB"
CLUSTER=$(ls /etc/postgresql)
pg_lsclusters -h | awk '$4=="online"{f=1} END{exit !f}' || pg_ctlcluster --skip-systemctl-redirect "$CLUSTER" main start
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
su postgres -c "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname='root'\"" | grep -q 1 \
  || su postgres -c "psql -c \"CREATE ROLE root SUPERUSER LOGIN PASSWORD 'root'\""
su postgres -c "dropdb --if-exists --force $DB" && su postgres -c "createdb -O root $DB"

# Production settings, except plain http on 127.0.0.1 (no TLS redirect, no secure-only cookies, no HSTS).
export DATABASE_URL=postgres://root:root@127.0.0.1:5432/$DB
export DEBUG=false SECRET_KEY=$($PY -c "import secrets; print(secrets.token_urlsafe(50))")
export PRIVATE_WORDS_KEYS=${PRIVATE_WORDS_KEYS:-$($PY -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())")}
export ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=false SECURE_COOKIES=false SECURE_HSTS_SECONDS=0
unset DJANGO_ALLOW_ASYNC_UNSAFE

echo "== migrate, collectstatic, seed"
$PY manage.py migrate --noinput -v0
$PY manage.py collectstatic --noinput -v0
$PY manage.py seed_demo >/dev/null
$PY loadtest/seed_users.py --practitioners 300 --teams 6

echo "== gunicorn on 127.0.0.1:$PORT ($WORKERS workers)"
"$BIN/gunicorn" resilience_site.wsgi --bind "127.0.0.1:$PORT" --workers "$WORKERS" --no-control-socket \
  --access-logfile - --error-logfile - >"$OUT/gunicorn.log" 2>&1 &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null || { echo "gunicorn did not start"; cat "$OUT/gunicorn.log"; exit 1; }

VERIFY_ARGS=()
export LOADTEST_ACK_FILE=$OUT/acks.jsonl LOADTEST_OUTAGE_FILE=$OUT/outage.json LOADTEST_EXPECT_OUTAGE=0
if [ "$VARIANT" = faults ]; then
  export LOADTEST_EXPECT_OUTAGE=1
  VERIFY_ARGS+=(--expect-outage)
  (
    sleep "$FAULT_AFTER"
    start=$(date +%s.%N)
    echo "== $(date -u +%T) restarting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$CLUSTER" main restart
    end=$(date +%s.%N)
    echo "== $(date -u +%T) PostgreSQL is back after $(echo "$end - $start" | bc) s"
    echo "$start $end" >"$OUT/restart.txt"
  ) &
  RESTARTER=$!
fi

echo "== locust: $USERS users, $SPAWN_RATE/s, $DURATION"
set +e
"$BIN/locust" -f loadtest/locustfile.py --headless -u "$USERS" -r "$SPAWN_RATE" -t "$DURATION" \
  --host "http://127.0.0.1:$PORT" --only-summary --csv "$OUT/locust" --stop-timeout 10 >"$OUT/locust.log" 2>&1
LOCUST_RC=$?
set -e
[ -n "${RESTARTER:-}" ] && wait "$RESTARTER"

HEALTH=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz")
echo "== after the run: /healthz answers $HEALTH"
kill $GUNICORN; wait $GUNICORN 2>/dev/null || true
trap - EXIT
tail -n 30 "$OUT/locust.log"

echo "== figures ($OUT/summary.md)"
set +e
$PY loadtest/verify.py "$OUT" --users "$USERS" --duration "$DURATION" "${VERIFY_ARGS[@]}"
VERIFY_RC=$?
set -e
if [ -f "$OUT/restart.txt" ]; then
  read -r start end <"$OUT/restart.txt"
  echo "PostgreSQL restart took $(echo "$end - $start" | bc) s" | tee -a "$OUT/summary.md"
fi
echo "/healthz after the run: $HEALTH" | tee -a "$OUT/summary.md"
echo "locust exit code: $LOCUST_RC; verification exit code: $VERIFY_RC"
[ "$LOCUST_RC" -eq 0 ] && [ "$VERIFY_RC" -eq 0 ] && [ "$HEALTH" = 200 ]
