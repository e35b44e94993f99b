#!/usr/bin/env bash
# Three Dtx.Campaign nodes on one PostgreSQL on this machine, behind nginx on :5080 (one Quartz cluster,
# one outbox, keys and sessions in the database). Stop with Ctrl-C: every process started here is stopped.
#   deploy/local-cluster.sh            # database dtx_cluster on 127.0.0.1:5432, user dtx/dtx
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
DB="${DTX_CLUSTER_DB:-dtx_cluster}"
PG="${DTX_CLUSTER_PG:-Host=127.0.0.1;Port=5432;Username=dtx;Password=dtx}"
WORK="$(mktemp -d)"

command -v nginx >/dev/null || { echo "installing nginx"; $SUDO apt-get install -y -qq nginx >/dev/null; }
pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL is not running on 127.0.0.1:5432 (service postgresql start)" >&2; exit 1; }
psql "postgresql://dtx:dtx@127.0.0.1:5432/postgres" -tAc "select 1 from pg_database where datname='$DB'" | grep -q 1 \
  || psql "postgresql://dtx:dtx@127.0.0.1:5432/postgres" -qc "create database $DB"

# The published build, as in production; it finds its appsettings.json and static files from its own folder.
dotnet publish src/Dtx.Campaign.Server -c Release -o "$WORK/app" --nologo -v quiet
export Database__Provider=Postgres ConnectionStrings__Campaign="$PG;Database=$DB" Scheduling__SchedulerName=dtx-local-cluster
# Production refuses a loopback public address (links in notices and certificate QR codes must open elsewhere).
export Email__PublicBaseUrl="${DTX_PUBLIC_URL:-https://dtx.example.gov.vn}"
dotnet "$WORK/app/dtx-campaign.dll" migrate | tee "$WORK/migrate.log"

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT INT TERM
for port in 5081 5082 5083; do
  Urls="http://127.0.0.1:$port" Storage__DataDirectory="$WORK/data" dotnet "$WORK/app/dtx-campaign.dll" >"$WORK/node-$port.log" 2>&1 &
  pids+=($!)
done
cat >"$WORK/nginx.conf" <<NGINX
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events {}
http {
  access_log off;
  client_body_temp_path $WORK/nginx-body;
  proxy_temp_path $WORK/nginx-proxy;
  upstream dtx { server 127.0.0.1:5081 max_fails=1 fail_timeout=3s; server 127.0.0.1:5082 max_fails=1 fail_timeout=3s; server 127.0.0.1:5083 max_fails=1 fail_timeout=3s; }
  server { listen 127.0.0.1:5080; client_max_body_size 25m;
    location / { proxy_pass http://dtx; proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for; proxy_next_upstream error timeout http_502; } }
}
NGINX
nginx -c "$WORK/nginx.conf" -g "daemon off;" &
pids+=($!)
for _ in $(seq 1 60); do curl -fsS http://127.0.0.1:5080/healthz >/dev/null 2>&1 && break; sleep 1; done
echo "Three nodes behind http://127.0.0.1:5080 (logs in $WORK)."
# migrate creates the first administrator on a new database and prints its password once.
grep -h "First administrator" "$WORK/migrate.log" \
  || echo "The database $DB already had its administrator (its password was printed when it was created; drop the database to start again)."
wait
