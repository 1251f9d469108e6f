#!/usr/bin/env bash
# Installs server.xml (and, for tests, a tomcat-users.xml) into Tomcat. Usage: configure.sh CATALINA_HOME [TOMCAT_USERS_XML]
set -euo pipefail
cp "$(dirname "$0")/server.xml" "$1/conf/server.xml"
if [ -n "${2:-}" ]; then
  cp "$2" "$1/conf/tomcat-users.xml"
fi
