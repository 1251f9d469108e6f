#!/usr/bin/env bash
# Applies sse-hub.cli to a stopped WildFly. Usage: configure.sh WILDFLY_HOME
set -euo pipefail
JAVA_OPTS="-Xmx256m" bash "$1/bin/jboss-cli.sh" --file="$(dirname "$0")/sse-hub.cli" >/dev/null
