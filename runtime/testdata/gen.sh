#!/bin/sh
# Rebuilds the committed .wasm fixtures from their .wat sources.
# Needs wat2wasm from WABT (Debian: apt-get install wabt).
set -e
cd "$(dirname "$0")"
for f in *.wat; do
	wat2wasm --enable-all "$f" -o "${f%.wat}.wasm"
done
