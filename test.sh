#!/usr/bin/env bash
# Runs every test of Dtx.Campaign on a fresh Debian machine with the .NET SDK.
# Installs and starts what the tests need (PostgreSQL, an SMTP server), then runs all test projects. Fails loudly:
# a missing dependency is an error, never a skipped test.
set -euo pipefail
cd "$(dirname "$0")"

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
APT_UPDATED=""
apt_install() {
  if [ -z "$APT_UPDATED" ]; then $SUDO apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

# --- PostgreSQL ------------------------------------------------------------------------------
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  echo "test.sh: installing PostgreSQL"
  apt_install postgresql
fi
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "test.sh: starting PostgreSQL"
  $SUDO service postgresql start >/dev/null
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
pg_isready -h 127.0.0.1 -p 5432
# initdb and postgres refuse to run as root: talk to the server as the postgres user.
if ! $SUDO su postgres -c "psql -tAc \"select 1 from pg_roles where rolname='dtx'\"" | grep -q 1; then
  $SUDO su postgres -c "psql -qc \"create role dtx login superuser password 'dtx'\""
fi
# --- SMTP: Debian's aiosmtpd; each test class starts its own server on a free port ----------
if ! /usr/bin/python3 -c "import aiosmtpd" >/dev/null 2>&1; then
  echo "test.sh: installing the SMTP test server (python3-aiosmtpd)"
  apt_install python3-aiosmtpd
fi
/usr/bin/python3 -c "import aiosmtpd"

# --- Documents: poppler (pdftotext, pdftoppm, pdfsig) and tesseract with the Vietnamese model read PDFs back
if ! command -v pdftoppm >/dev/null || ! command -v tesseract >/dev/null || [ -z "$(ls /usr/share/tesseract-ocr/*/tessdata/vie.traineddata 2>/dev/null)" ]; then
  echo "test.sh: installing poppler-utils, tesseract-ocr, tesseract-ocr-vie"
  apt_install poppler-utils tesseract-ocr tesseract-ocr-vie
fi

# --- Deployment: nginx for deploy/local-cluster.sh, openssl for the key certificate of docs/operations.md
if ! command -v nginx >/dev/null || ! command -v openssl >/dev/null; then
  echo "test.sh: installing nginx and openssl"
  apt_install nginx openssl
fi

# --- Test tools from npm (tests/tools/package-lock.json): the OpenAPI linter, run on the served document
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "test.sh: installing Node.js and npm for tests/tools"
  apt_install nodejs npm
fi
node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' \
  || { echo "test.sh: tests/tools (the OpenAPI linter) needs Node.js 20.19 or later; this machine has $(node --version)." >&2; exit 1; }
if [ ! -x tests/tools/node_modules/.bin/redocly ]; then
  echo "test.sh: installing tests/tools (npm ci)"
  npm ci --prefix tests/tools --no-audit --no-fund --ignore-scripts >/dev/null
fi

# --- Browser: Debian's Chromium, driven by Playwright in tests/Dtx.Campaign.Ui.Tests (never `playwright install`)
if [ ! -x /usr/bin/chromium ]; then
  echo "test.sh: installing Chromium for the browser tests"
  apt_install chromium
fi
/usr/bin/chromium --headless --no-sandbox --disable-gpu --version >/dev/null 2>&1 \
  || { echo "test.sh: /usr/bin/chromium does not run; the browser tests need it." >&2; exit 1; }

export DTX_TEST_POSTGRES="${DTX_TEST_POSTGRES:-Host=127.0.0.1;Port=5432;Username=dtx;Password=dtx;Database=postgres}"

# --- Build and test ---------------------------------------------------------------------------
# The compiler server keeps the referenced assemblies loaded from one project to the next: a fresh clone built in 54 s
# with it against 79 s with a compiler process per project (C# compiler CPU 76 s against 111 s; 2026-12-07, load 3-5).
# Some environments turn it off (UseSharedCompilation=false); it is stopped once the build is done, before the tests.
dotnet build Dtx.Campaign.sln -c Release -nologo -clp:ErrorsOnly -p:UseSharedCompilation=true
dotnet build-server shutdown --vbcscompiler >/dev/null
logs=$(mktemp -d)
status=0
# The server tests and the browser tests each keep both cores busy, and two at once fought over them (13-15 min on
# 2 cores, against 10.5 one after the other): they run one after the other. The small projects (scoring, workflows,
# documents) run beside the server tests instead of after them: the workflow tests spend most of their minute waiting
# on Quartz's real-time check-ins and child processes, and the server tests start with their four long classes, which
# mostly wait on the server processes they start.
side=()
while read -r project; do
  case "$project" in
    */Dtx.Campaign.Server.Tests.csproj|*/Dtx.Campaign.Ui.Tests.csproj) ;;
    *) side+=("$project") ;;
  esac
done < <(dotnet sln Dtx.Campaign.sln list | grep -E '\.Tests\.csproj$')
(
  for project in "${side[@]}"; do
    dotnet test "$project" -c Release --no-build -nologo > "$logs/$(basename "$project" .csproj).log" 2>&1 \
      || echo "$project" >> "$logs/failed-projects"
  done
) &
side_pid=$!
dotnet test tests/Dtx.Campaign.Server.Tests/Dtx.Campaign.Server.Tests.csproj -c Release --no-build -nologo 2>&1 | tee "$logs/server.log" || status=$?
wait "$side_pid"
for project in "${side[@]}"; do cat "$logs/$(basename "$project" .csproj).log"; done
[ ! -s "$logs/failed-projects" ] || status=1
dotnet test tests/Dtx.Campaign.Ui.Tests/Dtx.Campaign.Ui.Tests.csproj -c Release --no-build -nologo 2>&1 | tee "$logs/ui.log" || status=$?

# One closing line for the whole run, summed over the test projects.
passed=$(cat "$logs"/*.log | grep -oE 'Passed: +[0-9]+' | awk '{s+=$2} END {print s+0}')
failed=$(cat "$logs"/*.log | grep -oE 'Failed: +[0-9]+' | awk '{s+=$2} END {print s+0}')
skipped=$(cat "$logs"/*.log | grep -oE 'Skipped: +[0-9]+' | awk '{s+=$2} END {print s+0}')
projects=$(cat "$logs"/*.log | grep -cE '^(Passed|Failed)! ' || true)
rm -rf "$logs"
echo "Total: $passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then exit 1; fi
if [ "$projects" -ne $(( ${#side[@]} + 2 )) ]; then echo "test.sh: $projects test projects reported, $(( ${#side[@]} + 2 )) expected." >&2; exit 1; fi
if [ "$skipped" -ne 0 ]; then echo "test.sh: tests were skipped; every test must run." >&2; exit 1; fi
