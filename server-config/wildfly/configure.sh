#!/usr/bin/env bash
# Applies sse-hub.cli to a stopped WildFly and removes any earlier deployment. Usage: configure.sh WILDFLY_HOME
set -euo pipefail
rm -f "$1"/standalone/deployments/ROOT.war*
JAVA_OPTS="-Xmx256m" bash "$1/bin/jboss-cli.sh" --file="$(dirname "$0")/sse-hub.cli" >/dev/null
JAVA_OPTS="-Xmx256m" bash "$1/bin/jboss-cli.sh" --file="$(dirname "$0")/forget-deployments.cli" >/dev/null
