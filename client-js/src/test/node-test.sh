#!/bin/sh
# Runs the JavaScript unit tests (src/test/js/*.test.js) with Node's built-in test runner. Called by
# Maven in the test phase; a machine without Node skips them, saying so, instead of failing the build.
set -eu
cd "$(dirname "$0")/js"
# CLIENT_JS_REQUIRE_NODE=true (set by .ci/run, which installs Node.js): a missing or too old node fails the
# build instead, so that CI cannot pass with these tests skipped.
skip() {
  if [ "${CLIENT_JS_REQUIRE_NODE:-false}" = "true" ]; then
    echo "client-js: FAILED: $1, and CLIENT_JS_REQUIRE_NODE=true requires the JavaScript unit tests to run" >&2
    exit 1
  fi
  echo "client-js: SKIPPED the JavaScript unit tests: $1"
  exit 0
}
if ! command -v node >/dev/null 2>&1; then
  skip "no 'node' on the PATH (install Node.js 18.15 or newer to run them)"
fi
# node:test with --test-reporter needs 18.15 or newer.
if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 18 || (a === 18 && b >= 15) ? 0 : 1)'; then
  skip "node $(node --version) is too old (the tests need 18.15 or newer)"
fi
echo "client-js: running the JavaScript unit tests with node $(node --version)"
exec node --test --test-reporter=spec
