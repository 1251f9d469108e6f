#!/usr/bin/env bash
# Runs the standard workloads on one runtime against sse-hub and the two baselines, in one server run: the server
# pinned to CPU 0, the load tool to CPU 1. Writes bench/results/RUNTIME-LABEL-WORKLOAD.json, then bench/RESULTS.md
# and bench/results.png from every result there.
#   bench/run.sh payara|wildfly|tomcat [workload ...]     (default: all standard workloads)
#   SECONDS_PER_RUN=20 WARMUP=5 RAMP_MAX=8000 LABELS="hub async" SERVER_OPTS="-Xmx6g" bench/run.sh tomcat headline ramp
# REPEAT=3 measures each of REPEATED (default: headline steady stalled1 stalled10) three times, the apps taking turns,
# and records the median of each figure. STALL_HOLD=S keeps publishing after a stalled workload's window until the
# hub has dropped its stalled readers or S seconds pass (Payara over loopback takes over a minute, RESULTS.md).
# BEFORE=<git revision> also builds that revision of sse-hub (in a git worktree) and deploys it beside the others as
# the app `before` (add it to LABELS), for a before/after comparison in one server run.
# PROFILE=1 also profiles the server's CPU in each measured window with async-profiler, into bench/results/profiles/
# (flame graph .html, top frames .txt, stacks .collapsed; for idle, the classes the streams added to the heap); the
# profiler costs a little CPU, so its runs' figures go to bench/target/RUNTIME, not into bench/results.
# OLD_LOADGEN=<git revision> also builds the load tool of that revision; the label `oldtool` then measures the hub
# with it, to check that two versions of the tool agree. These runs and their medians stay in bench/target/RUNTIME.
# The label `cluster` measures two more deployments of the hub, node-a and node-b, on a redis-server that this script
# starts (pinned to CPU 1, beside the load tool, no persistence): subscribers and publications take turns over the two
# nodes. The workload `topics` (1,000 topics × 5 subscribers) runs only for the hub's labels.
#   LABELS="hub cluster" bench/run.sh wildfly headline topics
set -euo pipefail
runtime=${1:?usage: bench/run.sh payara|wildfly|tomcat [workload ...]}
shift
workloads=${*:-idle headline fast large churn steady stalled1 stalled10 ramp capacity}
labels=${LABELS:-hub async naive}
seconds=${SECONDS_PER_RUN:-15}
warmup=${WARMUP:-5}
port=18480
token=bench-publish-token-0123456789

root=$(cd "$(dirname "$0")/.." && pwd)
bench=$root/bench
work=$bench/target/$runtime
mkdir -p "$bench/results"
# A run with the cluster files its figures under RUNTIME+redis, apart from the runs without it: its `hub` row is the
# single-node figure of the same server run, which the cluster's figures are compared with.
[[ " $labels " == *" cluster "* ]] && cluster=1 || cluster=
name=$runtime${cluster:++redis}
touch "$bench/results/$name-hub-disconnects.txt"
rm -rf "$work" && mkdir -p "$work"

mvn -q -B -f "$root/pom.xml" package -DskipTests
if [ -n "${BEFORE:-}" ]; then
    git -C "$root" worktree remove --force "$work/before-src" 2>/dev/null || true
    git -C "$root" worktree add --force --detach "$work/before-src" "$BEFORE" > /dev/null
    mvn -q -B -f "$work/before-src/pom.xml" package -DskipTests
fi
# The WAR of sse-hub at BEFORE, as FLAVOUR (sse-hub or sse-hub-tomcat), if BEFORE is set.
before_war() { [ -n "${BEFORE:-}" ] && echo "$work/before-src/target/$1.war"; }
mvn -q -B -f "$bench/baselines/pom.xml" package
mvn -q -B -f "$bench/loadgen/pom.xml" package -DskipTests
if [ -n "${OLD_LOADGEN:-}" ]; then
    git -C "$root" worktree remove --force "$work/old-loadgen" 2>/dev/null || true
    git -C "$root" worktree add --force --detach "$work/old-loadgen" "$OLD_LOADGEN" > /dev/null
    mvn -q -B -f "$work/old-loadgen/bench/loadgen/pom.xml" package -DskipTests
fi
version() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" "$root/pom.xml" | head -1; }
fetch() { mvn -q -B -f "$root/pom.xml" dependency:copy -Dartifact="$1" -DoutputDirectory="$work" -Dmdep.stripVersion=true; }

redis_port=18479
# Copies the hub's WAR FROM to TO with SSE_REDIS_URL set in its web.xml: only these deployments use Redis.
cluster_node() {
    local web=$work/node-web
    rm -rf "$web" && mkdir -p "$web/WEB-INF"
    unzip -p "$1" WEB-INF/web.xml | sed "s|</web-app>|<context-param><param-name>SSE_REDIS_URL</param-name><param-value>redis://127.0.0.1:$redis_port</param-value></context-param></web-app>|" \
        > "$web/WEB-INF/web.xml"
    cp "$1" "$2"
    (cd "$web" && jar uf "$2" WEB-INF/web.xml)
}
if [ -n "$cluster" ]; then
    taskset -c 1 redis-server --bind 127.0.0.1 --port $redis_port --save '' --appendonly no --daemonize no \
        > "$work/redis.log" 2>&1 &
    redis_pid=$!
    trap 'kill "$redis_pid" 2>/dev/null' EXIT
    for _ in $(seq 1 50); do redis-cli -p $redis_port ping > /dev/null 2>&1 && break; sleep 0.2; done
fi

if [ -n "${PROFILE:-}" ]; then
    fetch "tools.profiler:async-profiler:3.0:jar"
    unzip -q -o "$work/async-profiler.jar" 'linux-x64/*' -d "$work"
    mkdir -p "$bench/results/profiles"
fi

ulimit -n 20000
server_opts=${SERVER_OPTS:-"-Xms1g -Xmx6g -XX:+UseG1GC"}
export SSE_PUBLISH_TOKEN=$token SSE_MAX_CONNECTIONS=25000 SSE_MAX_CONNECTIONS_PER_CLIENT=25000 \
    SSE_CONNECTS_PER_CLIENT_PER_SECOND=1000000 SSE_CONNECTS_BURST=1000000
case $runtime in
    payara)
        fetch "fish.payara.extras:payara-micro:$(version payara.version):jar"
        cp "$root/target/sse-hub.war" "$work/hub.war"
        cp "$bench/baselines/target/baselines.war" "$work/baselines.war"
        deploys=(--deploy hub.war --deploy baselines.war)
        if [ -n "${BEFORE:-}" ]; then cp "$(before_war sse-hub)" "$work/before.war"; deploys+=(--deploy before.war); fi
        if [ -n "$cluster" ]; then
            for node in node-a node-b; do cluster_node "$root/target/sse-hub.war" "$work/$node.war"; deploys+=(--deploy $node.war); done
        fi
        (cd "$work" && exec taskset -c 0 java $server_opts -jar payara-micro.jar --nocluster --port $port \
            --prebootcommandfile "$root/server-config/payara/pre-boot-commands.asadmin" \
            "${deploys[@]}") > "$work/server.log" 2>&1 &
        marker="payara-micro.jar --nocluster --port $port"
        ;;
    wildfly)
        v=$(version wildfly.version)
        fetch "org.wildfly:wildfly-dist:$v:zip"
        unzip -q "$work/wildfly-dist.zip" -d "$work"
        home=$work/wildfly-$v
        bash "$root/server-config/wildfly/configure.sh" "$home"
        cp "$root/target/sse-hub.war" "$home/standalone/deployments/hub.war"
        cp "$bench/baselines/target/baselines.war" "$home/standalone/deployments/baselines.war"
        [ -n "${BEFORE:-}" ] && cp "$(before_war sse-hub)" "$home/standalone/deployments/before.war"
        if [ -n "$cluster" ]; then
            for node in node-a node-b; do cluster_node "$root/target/sse-hub.war" "$home/standalone/deployments/$node.war"; done
        fi
        JAVA_OPTS="$server_opts" taskset -c 0 bash "$home/bin/standalone.sh" -Djboss.bind.address=127.0.0.1 \
            -Djboss.bind.address.management=127.0.0.1 -Djboss.socket.binding.port-offset=$((port - 8080)) \
            > "$work/server.log" 2>&1 &
        marker="jboss.home.dir=$home"
        ;;
    tomcat)
        v=$(version tomcat.version)
        fetch "org.apache.tomcat:tomcat:$v:zip"
        unzip -q "$work/tomcat.zip" -d "$work"
        home=$work/apache-tomcat-$v
        bash "$root/server-config/tomcat/configure.sh" "$home"
        rm -rf "$home"/webapps/*
        cp "$root/target/sse-hub-tomcat.war" "$home/webapps/hub.war"
        cp "$bench/baselines/target/baselines-tomcat.war" "$home/webapps/baselines.war"
        [ -n "${BEFORE:-}" ] && cp "$(before_war sse-hub-tomcat)" "$home/webapps/before.war"
        if [ -n "$cluster" ]; then
            for node in node-a node-b; do cluster_node "$root/target/sse-hub-tomcat.war" "$home/webapps/$node.war"; done
        fi
        CATALINA_OPTS="$server_opts -Dhttp.port=$port -Dshutdown.port=-1" taskset -c 0 bash "$home/bin/catalina.sh" run \
            > "$work/server.log" 2>&1 &
        marker="catalina.home=$home"
        ;;
    *) echo "unknown runtime $runtime" >&2; exit 2 ;;
esac
launcher=$!
trap 'kill $launcher 2>/dev/null; [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; [ -n "${redis_pid:-}" ] && kill "$redis_pid" 2>/dev/null; wait 2>/dev/null || true' EXIT

base=http://127.0.0.1:$port
for _ in $(seq 1 120); do
    curl -fs -o /dev/null "$base/hub/api/topics" && curl -fs -o /dev/null -X POST -H 'Content-Type: text/plain' \
        --data warm "$base/baselines/async" && { [ -z "${BEFORE:-}" ] || curl -fs -o /dev/null "$base/before/api/topics"; } \
        && break
    sleep 1
done
pid=$(pgrep -f -- "$marker" | while read -r p; do [ "$(basename "$(readlink /proc/"$p"/exe)")" = java ] && echo "$p"; done | head -1)
echo "$runtime server pid $pid on CPU $(taskset -pc "$pid" | awk '{print $NF}')"

# Sets urls to the load tool's flags for what LABEL names.
target() {
    case $1 in
        hub|before|oldtool) local app=$1; [ "$1" = oldtool ] && app=hub
            urls=(--url "$base/$app/api/events?topic={topic}" --publish-url "$base/$app/api/topics/{topic}/events"
                  --header "Authorization: Bearer $token" --count-url "$base/$app/api/topics" --topic bench) ;;
        cluster)
            urls=(--header "Authorization: Bearer $token" --topic bench --redis-pid "$redis_pid")
            for node in node-a node-b; do
                urls+=(--url "$base/$node/api/events?topic={topic}" --publish-url "$base/$node/api/topics/{topic}/events")
            done ;;
        async) urls=(--url "$base/baselines/async" --publish-url "$base/baselines/async") ;;
        naive) urls=(--url "$base/baselines/api/naive" --publish-url "$base/baselines/api/naive") ;;
    esac
}

# Measures LABEL on WORKLOAD into bench/results, or, given a ROUND of a repeated workload, into the work folder.
loadgen() {
    local label=$1 workload=$2 round=${3:-}
    local key=$workload${round:+-$round} out=$bench/results/$name-$1-$2.json
    [ -n "$round" ] && out=$work/$name-$label-$key.json
    [ -n "${PROFILE:-}${OLD_LOADGEN:-}" ] && out=$work/aside-$name-$label-$key.json
    local jar=$bench/loadgen/target/loadgen.jar
    [ "$label" = oldtool ] && jar=$work/old-loadgen/bench/loadgen/target/loadgen.jar
    local args=(--label "$label" --runtime "$name" --workload "$workload" --server-pid "$pid"
        --seconds "$seconds" --warmup-seconds "$warmup" --out "$out")
    [ "$workload" = ramp ] && args+=(--max-ramp-subscribers "${RAMP_MAX:-16000}")
    case $label in hub|before|oldtool|cluster) [ -n "${STALL_HOLD:-}" ] && args+=(--stall-hold-seconds "$STALL_HOLD") ;; esac
    [ -n "${PROFILE:-}" ] && args+=(--profiler "$work/linux-x64/libasyncProfiler.so"
        --profile-out "$bench/results/profiles/$name-$label-$workload")
    target "$label"
    args+=("${urls[@]}")
    [ "$label" = hub ] && before=$(disconnects)
    taskset -c 1 java -Xmx2g -jar "$jar" "${args[@]}" \
        || echo "loadgen failed: $runtime $label $workload" >&2
    settle "$label"
    if [ "$label" = hub ] && [ -z "${PROFILE:-}${OLD_LOADGEN:-}" ]; then
        case $round in ""|1) sed -i -E "/^$workload(-[0-9]+)?:/d" "$bench/results/$name-hub-disconnects.txt" ;; esac
        echo "$key: before $before, after $(disconnects)" >> "$bench/results/$name-hub-disconnects.txt"
    fi
    sleep 3
}

# The hub's disconnects so far, by reason, from its /api/metrics.
disconnects() {
    curl -fs -m 10 "$base/hub/api/metrics" | sed -n 's/^sse_hub_disconnects_total{reason="\(.*\)",*} \(.*\)/\1=\2/p' | tr '\n' ' '
}

# Lets the server let go of the last run's clients before the next run measures heap or CPU. The hub notices an idle
# departed client at its next heartbeat. The baselines only notice one when a broadcast to it fails, so they get a
# broadcast each second until the server holds no more descriptors than before the first run, or holds steady for
# 10 s: the stock broadcaster on WildFly never closes some (RESULTS.md), and Tomcat keeps a few hundred.
settle() {
    if [ "$1" = hub ] || [ "$1" = before ] || [ "$1" = oldtool ] || [ "$1" = cluster ]; then
        local apps=$1 app open
        [ "$1" = oldtool ] && apps=hub
        [ "$1" = cluster ] && apps="node-a node-b"
        for _ in $(seq 1 60); do
            open=0
            for app in $apps; do
                [ "$(curl -fs -m 10 "$base/$app/api/metrics" | sed -n 's/^sse_hub_connections \([0-9]*\).*/\1/p')" = 0 ] || open=1
            done
            [ $open = 0 ] && return
            sleep 1
        done
        echo "$1 streams still open 60 s after the run" >&2
        return
    fi
    local url=$base/baselines/async least=1000000 still=0 n
    [ "$1" = naive ] && url=$base/baselines/api/naive
    for _ in $(seq 1 90); do
        n=$(descriptors)
        [ "$n" -le $((idle_descriptors + 50)) ] && return
        if [ "$n" -lt "$least" ]; then least=$n still=0; else still=$((still + 1)); fi
        [ "$still" -ge 10 ] && break
        curl -fs -m 30 -o /dev/null -X POST -H 'Content-Type: text/plain' --data prune "$url"
        sleep 1
    done
    echo "$1: the server still holds $(descriptors) descriptors after the run (was $idle_descriptors)" >&2
}

descriptors() { ls "/proc/$pid/fd" | wc -l; }
idle_descriptors=$(descriptors)

# The JIT compiles the hub's and the baselines' code while they first carry load; in a profile of a fresh Tomcat,
# compiling took a quarter of the hub's CPU in its first measured window, and in a profile of `fast` (many events
# per send, unlike headline) the compiler took 30 % of the hub's samples. So each label gets unrecorded passes of
# WARM_UP_WORKLOADS (default: headline fast) first, and no measured window pays for compiling what the next one
# then gets for free.
for workload in ${WARM_UP_WORKLOADS:-headline fast}; do
    for label in $labels; do
        [ "$workload" = topics ] && [[ " async naive " == *" $label "* ]] && continue
        target "$label"
        taskset -c 1 java -Xmx2g -jar "$bench/loadgen/target/loadgen.jar" --workload "$workload" --seconds 10 \
            --warmup-seconds 2 "${urls[@]}" --out "$work/warm-up-$label-$workload.json" \
            > "$work/warm-up-$label-$workload.log" 2>&1 \
            || echo "warm-up failed: $runtime $label $workload (see $work/warm-up-$label-$workload.log)" >&2
        settle "$label"
    done
done
idle_descriptors=$(descriptors)

repeat=${REPEAT:-1}
repeated=${REPEATED:-headline steady stalled1 stalled10}
for workload in $workloads; do
    rounds=1
    [[ " $repeated " == *" $workload "* ]] && rounds=$repeat
    for round in $(seq 1 "$rounds"); do
        for label in $labels; do
            [ "$workload" = topics ] && [[ " async naive " == *" $label "* ]] && continue
            if [ "$rounds" = 1 ]; then loadgen "$label" "$workload"; else loadgen "$label" "$workload" "$round"; fi
        done
    done
    if [ "$rounds" != 1 ] && [ -z "${PROFILE:-}${OLD_LOADGEN:-}" ]; then
        for label in $labels; do
            [ "$workload" = topics ] && [[ " async naive " == *" $label "* ]] && continue
            java -jar "$bench/loadgen/target/loadgen.jar" median --out "$bench/results/$name-$label-$workload.json" \
                "$work/$name-$label-$workload"-*.json || echo "median failed: $runtime $label $workload" >&2
        done
    fi
done

if [ -n "${OLD_LOADGEN:-}" ]; then
    for label in $labels; do
        java -jar "$bench/loadgen/target/loadgen.jar" median --out "$work/median-$name-$label.json" \
            "$work/aside-$name-$label"-*.json || echo "median failed: $runtime $label" >&2
    done
elif [ -z "${PROFILE:-}" ]; then
    java -jar "$bench/loadgen/target/loadgen.jar" report --results "$bench/results" --out "$bench/RESULTS.md" \
        --chart "$bench/results.png"
fi
