#!/usr/bin/env bash
# Starts Tomcat on 127.0.0.1:PORT with the app (the WAR that bundles Jersey and Weld) at /. Usage: run.sh CATALINA_HOME WAR PORT
set -euo pipefail
home=$1 war=$2 port=$3
bash "$(dirname "$0")/configure.sh" "$home"
cp "$war" "$home/webapps/ROOT.war"
CATALINA_OPTS="${CATALINA_OPTS:-} -Dhttp.port=$port -Dshutdown.port=-1" exec bash "$home/bin/catalina.sh" run
