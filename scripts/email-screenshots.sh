#!/usr/bin/env bash
# Renders the emails of docs/emails.md to PNG with headless Chromium, full page, at 800 px (a
# desktop mail client) and 375 px (a phone), in English and Chinese:
#   - the weekly report of the shipped joint-course example and of the joint-ads example;
#   - an alert, a restatement (old and new values) and a rejection, from the joint-ads example
#     run twice: the second run brings a late file for W47 with two bad rows;
#   - the joint-course report at 375 px in dark mode.
# Installs Debian's chromium and fonts-noto-cjk (CJK glyphs) when missing.
#   bash scripts/email-screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi 'Noto Sans CJK'; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium fonts-noto-cjk
fi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
as_of=2026-11-23T06:00:00+08:00
run() { node bin/crosslift.mjs run --as-of "$as_of" "$@" >/dev/null; }

# The shipped joint course: every week since it started (one file is partly rejected).
run --data examples/joint-course --backfill --out "$out/course"

# Joint ads: every week (its return on ad spend falls, so alerts fire), then a late file for W47.
cp -r examples/joint-ads "$out/ads-data"
run --data "$out/ads-data" --backfill --state "$out/ads-state" --out "$out/ads"
late="$out/ads-data/inbox/joint-ads/adnest/campaigns/campaigns-2026-w47-newsletter.csv"
{
  echo 'date,campaign_id,impressions,clicks,conversions,spend,revenue'
  for day in 16 17 18 19 20 21 22; do
    for n in 1 2 3 4 5 6; do echo "2026-11-$day,newsletter-$n,3000,90,1,60,240"; done
  done
  echo '2026-11-19,newsletter-7,1000,2000,5,100,500'
  echo '2026-11-31,newsletter-8,1000,20,5,100,500'
} >"$late"
run --data "$out/ads-data" --state "$out/ads-state" --out "$out/late"

pick() { ls "$1"/email-*-"$2"-"$3"*.html | tail -n 1; }
en_course=data-team_zhixue
zh_course=partnerships_beacon-academy
en_ads=accounts_adnest
zh_ads=growth_brightpath
emails=(
  "report-course en $(pick "$out/course" report $en_course)"
  "report-course zh-CN $(pick "$out/course" report $zh_course)"
  "report-ads en $(pick "$out/ads" report $en_ads)"
  "report-ads zh-CN $(pick "$out/ads" report $zh_ads)"
  "alert en $(pick "$out/ads" alert $en_ads)"
  "alert zh-CN $(pick "$out/ads" alert $zh_ads)"
  "restatement en $(pick "$out/late" restatement $en_ads)"
  "restatement zh-CN $(pick "$out/late" restatement $zh_ads)"
  "rejection en $(pick "$out/late" rejection $en_ads)"
  "rejection zh-CN $(pick "$out/course" rejection $zh_course)"
)
mkdir -p docs/images
shots="$out/shots.json"
{
  echo '['
  for e in "${emails[@]}"; do
    read -r kind locale html <<<"$e"
    for width in 800 375; do
      echo "{\"html\": \"$html\", \"png\": \"docs/images/email-$kind-$locale-$width.png\", \"width\": $width},"
    done
    echo "HTML $kind $locale: $(wc -c <"$html") bytes" >&2
  done
  read -r _ _ html <<<"${emails[0]}"
  echo "{\"html\": \"$html\", \"png\": \"docs/images/email-report-course-en-375-dark.png\", \"width\": 375, \"dark\": true}"
  echo ']'
} >"$shots"
# Node 20 has WebSocket behind a flag; later versions have it built in.
flag=$(node -e 'process.stdout.write(typeof WebSocket === "function" ? "" : "--experimental-websocket")')
node $flag scripts/email-screenshots.mjs "$shots"
