#!/usr/bin/env bash
# Three Dtx.Campaign nodes on one PostgreSQL on this machine, behind nginx on :5080 (one Quartz cluster,
# one outbox, keys and sessions in the database). Stop with Ctrl-C: every process started here is stopped.
#   deploy/local-cluster.sh            # database dtx_cluster on 127.0.0.1:5432, user dtx/dtx
# Settings (environment): DTX_CLUSTER_DB, DTX_CLUSTER_PG (the nodes' connection string without the database; the
# database itself is created as dtx on 127.0.0.1:5432),
# DTX_CLUSTER_PORT (nginx, 5080), DTX_CLUSTER_NODE_PORTS ("5081 5082 5083"), DTX_CLUSTER_APP (a folder that already
# holds the published server: no publish), DTX_PUBLIC_URL; any other server setting (Email__SmtpHost, …) is passed on.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
DB="${DTX_CLUSTER_DB:-dtx_cluster}"
PG="${DTX_CLUSTER_PG:-Host=127.0.0.1;Port=5432;Username=dtx;Password=dtx}"
PORT="${DTX_CLUSTER_PORT:-5080}"
NODE_PORTS="${DTX_CLUSTER_NODE_PORTS:-5081 5082 5083}"
# Nothing written here is for other users (migrate's output holds the administrator's password) ...
umask 077
WORK="$(mktemp -d)"
# ... but nginx's workers, an unprivileged user, must reach their temp folders inside to buffer large bodies and answers.
chmod 711 "$WORK"

command -v nginx >/dev/null || { echo "installing nginx"; $SUDO apt-get install -y -qq nginx >/dev/null; }
pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is not running on 127.0.0.1:5432 (service postgresql start)" >&2; exit 1; }
psql "postgresql://dtx:dtx@127.0.0.1:5432/postgres" -tAc "select 1 from pg_database where datname='$DB'" | grep -q 1 \
  || psql "postgresql://dtx:dtx@127.0.0.1:5432/postgres" -qc "create database $DB"

# The published build, as in production; it finds its appsettings.json and static files from its own folder.
APP="${DTX_CLUSTER_APP:-}"
if [ -z "$APP" ]; then
  APP="$WORK/app"
  dotnet publish src/Dtx.Campaign.Server -c Release -o "$APP" --nologo -v quiet
fi
export Database__Provider=Postgres ConnectionStrings__Campaign="$PG;Database=$DB" Scheduling__SchedulerName=dtx-local-cluster
# Production refuses a loopback public address (links in notices and certificate QR codes must open elsewhere).
export Email__PublicBaseUrl="${DTX_PUBLIC_URL:-https://dtx.example.gov.vn}"
dotnet "$APP/dtx-campaign.dll" migrate >"$WORK/migrate.log" 2>&1 || { cat "$WORK/migrate.log" >&2; exit 1; }

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT INT TERM
upstream=""
for port in $NODE_PORTS; do
  Urls="http://127.0.0.1:$port" Storage__DataDirectory="$WORK/data" dotnet "$APP/dtx-campaign.dll" >"$WORK/node-$port.log" 2>&1 &
  pids+=($!)
  # To try a failover: kill -9 a node's pid; nginx sends its requests to the others.
  echo "Node http://127.0.0.1:$port: pid $!, log $WORK/node-$port.log"
  upstream="$upstream server 127.0.0.1:$port max_fails=1 fail_timeout=3s;"
done
# Host as the browser sent it, port included: the nodes accept a change only from their own origin.
cat >"$WORK/nginx.conf" <<NGINX
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events {}
http {
  access_log off;
  client_body_temp_path $WORK/nginx-body;
  proxy_temp_path $WORK/nginx-proxy;
  upstream dtx {$upstream }
  server { listen 127.0.0.1:$PORT; client_max_body_size 25m;
    location / { proxy_pass http://dtx; proxy_set_header Host \$http_host; proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for; proxy_next_upstream error timeout http_502; } }
}
NGINX
nginx -c "$WORK/nginx.conf" -g "daemon off;" &
pids+=($!)
for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 1; done
curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null || { echo "The nodes did not answer on http://127.0.0.1:$PORT/healthz; the end of their logs:" >&2; tail -n 5 "$WORK"/node-*.log >&2; exit 1; }
echo "Nodes behind http://127.0.0.1:$PORT (logs in $WORK)."
# migrate creates the first administrator on a new database and prints its password once.
grep -h "First administrator" "$WORK/migrate.log" \
  || echo "The database $DB already had its administrator (its password was printed when it was created; drop the database to start again)."
wait
