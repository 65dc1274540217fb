#!/usr/bin/env bash
# tests/test_editor_schema.py drives the YAML language server (npm: yaml-language-server,
# the server behind VS Code's YAML extension) to check what an editor underlines in
# srm_data.yaml. Install it into tools/editor from tools/editor/package-lock.json when
# missing (and Debian's nodejs and npm first, as root, when they are missing).
set -euo pipefail
cd "$(dirname "$0")/../tools/editor"
wanted=$(sed -n 's/.*"yaml-language-server": "\(.*\)".*/\1/p' package.json)
if grep -qs "\"version\": \"$wanted\"" node_modules/yaml-language-server/package.json; then
  exit 0
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "error: node and npm are needed for the editor test; install Node.js (e.g. sudo apt-get install -y nodejs npm)." >&2
    exit 1
  fi
  echo "Installing Debian's nodejs and npm for the editor test..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q --no-install-recommends nodejs npm >/dev/null
fi
echo "Installing the YAML language server into tools/editor..."
npm ci --no-audit --no-fund --loglevel=error
