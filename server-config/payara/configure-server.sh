#!/usr/bin/env bash
# Binds a freshly unzipped Payara Server's domain1 to 127.0.0.1, with HTTP on $2 (HTTPS on $2+1) and the admin
# console on $3, by editing domain.xml before the domain first starts: listeners on 127.0.0.1, Hazelcast on that
# interface only, no JMS broker (the app uses none). Usage: configure-server.sh PAYARA_HOME HTTP ADMIN
set -euo pipefail
home=$1 http=$2 admin=$3
domain=$home/glassfish/domains/domain1/config/domain.xml
done_marker=$home/.sse-hub-configured
[ -f "$done_marker" ] && exit 0
sed -i -E \
  -e 's/address="0\.0\.0\.0"/address="127.0.0.1"/g' \
  -e "s/<network-listener port=\"8080\"/<network-listener address=\"127.0.0.1\" port=\"$http\"/" \
  -e "s/<network-listener port=\"8181\"/<network-listener address=\"127.0.0.1\" port=\"$((http + 1))\"/" \
  -e "s/<network-listener port=\"4848\"/<network-listener address=\"127.0.0.1\" port=\"$admin\"/" \
  -e 's/<hazelcast-runtime-configuration /<hazelcast-runtime-configuration das-bind-address="127.0.0.1" interface="127.0.0.1" /' \
  -e 's/(<jms-host name="default_JMS_host" host=)"localhost"/\1"127.0.0.1"/' \
  -e 's/<network-listener port="\$\{ASADMIN_LISTENER_PORT\}"/<network-listener address="127.0.0.1" port="${ASADMIN_LISTENER_PORT}"/' \
  -e '0,/<jvm-options>-Xmx512m<\/jvm-options>/s//<jvm-options>-Xmx512m<\/jvm-options><jvm-options>-Dhazelcast.socket.bind.any=false<\/jvm-options>/' \
  -e '/<config name="server-config"/a <jms-service type="DISABLED" default-jms-host="default_JMS_host"><jms-host name="default_JMS_host" host="127.0.0.1" port="7676"/></jms-service>' \
  "$domain"
for expected in "address=\"127.0.0.1\" port=\"$http\"" "address=\"127.0.0.1\" port=\"$admin\"" 'interface="127.0.0.1"'; do
  grep -q "$expected" "$domain" || { echo "configure-server.sh: $domain has no $expected" >&2; exit 1; }
done
if grep -q 'address="0\.0\.0\.0"' "$domain"; then
  echo "configure-server.sh: $domain still binds 0.0.0.0" >&2
  exit 1
fi
touch "$done_marker"
