#!/usr/bin/env bash
# Re-render the app icons from assets/icon.svg (needs rsvg-convert: apt-get install librsvg2-bin).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v rsvg-convert >/dev/null || { echo "rsvg-convert not found: apt-get install librsvg2-bin" >&2; exit 1; }
rsvg-convert -w 512 -h 512 assets/icon.svg -o assets/icon.png
rsvg-convert -w 32 -h 32 assets/icon.svg -o assets/tray-icon.png
echo "wrote assets/icon.png (512x512) and assets/tray-icon.png (32x32)"
