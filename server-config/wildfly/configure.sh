#!/usr/bin/env bash
# Applies sse-hub.cli to a stopped WildFly and removes any earlier deployment. Usage: configure.sh WILDFLY_HOME
set -euo pipefail
rm -f "$1"/standalone/deployments/ROOT.war*
JAVA_OPTS="-Xmx256m" bash "$1/bin/jboss-cli.sh" --file="$(dirname "$0")/sse-hub.cli" >/dev/null
JAVA_OPTS="-Xmx256m" bash "$1/bin/jboss-cli.sh" --file="$(dirname "$0")/forget-deployments.cli" >/dev/null
# The boot logs before the logging subsystem reads standalone.xml, from logging.properties, which WildFly rewrites
# only once booted: lower org.jboss.as.config there too, or the next boot still logs the -D options at DEBUG.
sed -i 's/^logger\.org\.jboss\.as\.config\.level=DEBUG$/logger.org.jboss.as.config.level=INFO/' \
    "$1/standalone/configuration/logging.properties"
