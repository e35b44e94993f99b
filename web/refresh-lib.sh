#!/usr/bin/env bash
# Refreshes the vendored front-end files from npm (versions pinned in package.json).
# Nothing is downloaded at run or test time: the copied files are committed.
set -euo pipefail
cd "$(dirname "$0")"
npm install --no-audit --no-fund --ignore-scripts
lib=../src/Dtx.Campaign.Server/wwwroot/lib
axe=../tests/Dtx.Campaign.Ui.Tests/axe
rm -rf "$lib" && mkdir -p "$lib/htmx" "$lib/chartjs" "$axe"
cp node_modules/htmx.org/dist/htmx.min.js node_modules/htmx.org/LICENSE "$lib/htmx/"
cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/LICENSE.md "$lib/chartjs/"
cp node_modules/axe-core/axe.min.js node_modules/axe-core/LICENSE "$axe/"
echo "refreshed: $lib, $axe"
