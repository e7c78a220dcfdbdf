#!/usr/bin/env bash
# Checks a generated Allure report (CI): the delivery matrix heatmap is attached, and a dropped cell carries its pcap.
# Usage: check-report.sh REPORT_DIR SKIPPED(true|false)
set -euo pipefail
report="$1"; skipped="${2:-false}"
if [ "$skipped" = true ]; then
  echo "report check: no results, no report to check"; exit 0
fi
cases="$report/data/test-cases"
shopt -s nullglob
html=("$report"/data/attachments/*.html)
[ "${#html[@]}" -gt 0 ] || { echo "report check: no HTML attachment (the matrix.html heatmap) in $report" >&2; exit 1; }
dropped=$(grep -l '"statusMessage" *: *"DROPPED_IN_STACK' "$cases"/*.json 2>/dev/null | head -200 || true)
[ -n "$dropped" ] || { echo "report check: no dropped cell in $cases" >&2; exit 1; }
with_pcap=$(echo "$dropped" | xargs grep -l '"source" *: *"[^"]*\.pcap"' || true)
[ -n "$with_pcap" ] || { echo "report check: no dropped cell in $cases has a pcap attached" >&2; exit 1; }
echo "report check: heatmap attached; $(echo "$with_pcap" | wc -l) dropped cells with their pcap"
