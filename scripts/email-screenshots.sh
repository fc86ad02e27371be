#!/usr/bin/env bash
# Renders one report email (English), one in Chinese and one alert email of the shipped example
# to PNG with headless Chromium, for docs/emails.md. Installs Debian's chromium when missing.
#   bash scripts/email-screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium fonts-noto-cjk
fi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
node bin/crosslift.mjs run --data examples/joint-course --as-of 2026-11-23T06:00:00+08:00 --backfill --out "$out" >/dev/null
report_en="$(ls "$out"/email-*-report-data-team*.html | tail -n 1)"
report_zh="$(ls "$out"/email-*-report-partnerships*.html | tail -n 1)"
alert="$(ls "$out"/email-*-alert-data-team*.html | head -n 1)"
shoot() {
  # The flags keep Chromium off the network (this machine has none) and out of any profile.
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$out/profile" --hide-scrollbars --window-size="$3" \
    --screenshot="$2" "file://$1" >/dev/null 2>&1
  echo "wrote $2"
}
shoot "$report_en" docs/images/report-email-en.png 820,1500
shoot "$report_zh" docs/images/report-email-zh-CN.png 820,1500
shoot "$alert" docs/images/alert-email.png 820,420
