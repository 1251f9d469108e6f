#!/usr/bin/env bash
# Installs server.xml (and, for tests, a tomcat-users.xml) into Tomcat and removes any earlier ROOT app.
# Usage: configure.sh CATALINA_HOME [TOMCAT_USERS_XML]
set -euo pipefail
cp "$(dirname "$0")/server.xml" "$1/conf/server.xml"
rm -rf "$1/webapps/ROOT" "$1/webapps/ROOT.war"
if [ -n "${2:-}" ]; then
  cp "$2" "$1/conf/tomcat-users.xml"
fi
