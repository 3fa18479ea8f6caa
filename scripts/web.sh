#!/usr/bin/env bash
# Installs the dashboard's pinned ECharts with npm (package-lock.json) and
# copies its built file, with its licence, into the assets the gateway embeds.
# The copies are committed, so `make run` and `make test` need no npm; run
# this (make web) after changing the version in gateway/web/package.json.
set -euo pipefail
cd "$(dirname "$0")/../gateway/web"
npm ci --ignore-scripts --no-audit --no-fund
cp node_modules/echarts/dist/echarts.min.js static/vendor/echarts.min.js
cp node_modules/echarts/LICENSE static/vendor/echarts.LICENSE.txt
echo "static/vendor/echarts.min.js: echarts $(node -p 'require("./node_modules/echarts/package.json").version')"
