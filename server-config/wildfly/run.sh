#!/usr/bin/env bash
# Starts WildFly on 127.0.0.1:PORT with the app at /. Usage: run.sh WILDFLY_HOME WAR PORT
set -euo pipefail
home=$1 war=$2 port=$3
bash "$(dirname "$0")/configure.sh" "$home"
cp "$war" "$home/standalone/deployments/ROOT.war"
exec bash "$home/bin/standalone.sh" -b 127.0.0.1 -bmanagement 127.0.0.1 -Djboss.http.port="$port"
