#!/usr/bin/env bash
# Starts Payara Micro on 127.0.0.1:PORT with the app at /. Usage: run.sh PAYARA_MICRO_JAR WAR PORT
set -euo pipefail
jar=$1 war=$2 port=$3
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" -Dhazelcast.socket.bind.any=false -jar "$jar" \
  --deploy "$war" --contextroot / --port "$port" --nocluster \
  --prebootcommandfile "$(dirname "$0")/pre-boot-commands.asadmin"
