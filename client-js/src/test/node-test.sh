#!/bin/sh
# Runs the JavaScript unit tests (src/test/js/*.test.js) with Node's built-in test runner. Called by
# Maven in the test phase; a machine without Node skips them, saying so, instead of failing the build.
set -eu
cd "$(dirname "$0")/js"
if ! command -v node >/dev/null 2>&1; then
  echo "client-js: SKIPPED the JavaScript unit tests: no 'node' on the PATH (install Node.js 18 or newer to run them)"
  exit 0
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 18 ]; then
  echo "client-js: SKIPPED the JavaScript unit tests: node $(node --version) is too old (node:test needs 18 or newer)"
  exit 0
fi
echo "client-js: running the JavaScript unit tests with node $(node --version)"
exec node --test --test-reporter=spec
