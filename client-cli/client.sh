#!/usr/bin/env sh
# Runs the client CLI (listen | publish); builds the jar first if it is missing.
#   client-cli/client.sh listen --gateway http://127.0.0.1:8080 --clients 10
#   client-cli/client.sh publish --rate 50 --count 500
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
jar="$here/target/client-cli.jar"
if [ ! -f "$jar" ]; then
  echo "client.sh: building $jar ..." >&2
  (cd "$root" && mvn -q -pl client-cli -am package -DskipTests) >&2
fi
exec java ${JAVA_OPTS:-} -jar "$jar" "$@"
