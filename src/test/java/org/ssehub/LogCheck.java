package org.ssehub;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Run by the build after the integration tests: each runtime's log holds no WARN or ERROR record outside
 * {@link #ALLOWED}, and a runtime whose tests ran wrote one. Arguments: {@code runtime:skipped=path} for each runtime,
 * its log directory or file as {@code it.server.logs} names it; the logs are emptied before the tests start.
 */
public final class LogCheck {

    /** The records a whole run of the tests may leave, by message id (or, for Tomcat, logger), with the reason. */
    static final Map<String, String> ALLOWED = Map.ofEntries(
            Map.entry("WFLYELY01084", "WildFly's default HTTPS listener generates its keystore on first use; the tests use HTTP"),
            Map.entry("WFLYELY00023", "the same keystore, not there yet"),
            Map.entry("WFLYTX0013", "WildFly's transactions node id left at its default: one test server"),
            Map.entry("NCLS-SECURITY-05054", "Payara's bundled trust store holds CA certificates that have expired"),
            Map.entry("NCLS-SECURITY-01145", "Payara Micro 7 at start-up: no JACC policy provider is set, so the JDK's is used;"
                    + " the app uses none"),
            Map.entry("NCLS-SECURITY-01149", "the same notice, for the unset jakarta.security.jacc.policy.provider"),
            Map.entry("Terminating forcefully...", "Payara Micro's Hazelcast, when the adapter stops the test JVM with a signal"),
            Map.entry("Payara Micro Runtime directory is located in a temporary file location",
                    "each test JVM of Payara Micro unpacks into a fresh temporary directory"),
            Map.entry("WFLYSRV0273", "the WAR keeps WildFly Preview's micrometer subsystem out of the app (it would add a"
                    + " second Micrometer); WildFly 38 has no such subsystem and says so at each deployment"),
            Map.entry("Unable to invoke void org.ssehub.publish.Publishers.start()", "DeployCheckIT on Payara: the settings it"
                    + " deploys on purpose refuse to start"),
            Map.entry("Exception while invoking class com.sun.enterprise.web.WebApplication start method", "the same"),
            Map.entry("Exception while loading the app", "the same"),
            Map.entry("HostConfig.deployWAR Error deploying web application archive", "DeployCheckIT on Tomcat, the same"),
            Map.entry("Error while closing the output stream in order to commit response", "Jersey on Payara, when a client"
                    + " closed its connection before the response was committed; Jersey logs it itself"),
            Map.entry("An I/O error has occurred while writing a response message entity chunk to the container output stream",
                    "Jersey on Tomcat, when a client closed its connection as its stream opened: Jersey's first flush of the"
                    + " stream fails and Jersey logs a client's disconnect at SEVERE itself (eclipse-ee4j/jersey#4420)"),
            Map.entry("WELD-000717", "Weld on Tomcat cannot deactivate the contexts of a request that another thread ended"),
            Map.entry("checkThreadLocalMapForLeaks", "Tomcat at undeploy finds Weld's thread-locals on its pool threads and"
                    + " renews those threads; RedeployIT shows threads and classes level off"),
            Map.entry("appears to have started a thread named [weld-worker-", "Weld's bootstrap threads on Tomcat, still"
                    + " ending when Tomcat looks at undeploy"),
            Map.entry("MSC000001", "DeployCheckIT deploys invalid settings on purpose: WildFly reports the failed deployment"),
            Map.entry("WFLYCTL0013", "the same, as the failed management operation"),
            Map.entry("WFLYSRV0021", "the same, as the rolled-back deployment"),
            Map.entry("NCLS-CORE-00019", "DeployCheckIT on Payara Micro: the server stops when its deployment fails"),
            Map.entry("NCLS-CORE-00026", "the same, as the failed lifecycle"),
            Map.entry("AS-WEB-CORE-00108", "the same, as the web context that did not start"),
            Map.entry("AS-WEB-CORE-00174", "the same"),
            Map.entry("org.apache.catalina.core.StandardContext.loadOnStartup",
                    "DeployCheckIT on Tomcat: the JAX-RS servlet refuses to start with invalid settings"),
            Map.entry("Servlet.init() for servlet [org.ssehub.HubApplication] threw exception", "the same"),
            Map.entry("appears to have started a thread named [Catalina-utility-", "Tomcat's own utility pool grew a thread"
                    + " while it deployed the app, and on undeploy Tomcat names the app as its starter (RedeployIT)"),
            Map.entry("fireOnComplete onComplete() call failed for listener of type [org.apache.catalina.core.AsyncListenerWrapper]",
                    "Jersey's listener completes again an async request that Tomcat is completing, after Tomcat's write timeout"
                    + " failed a stalled stream (UndeployIT): \"asyncComplete() is not valid ... [COMPLETING]\""),
            Map.entry("MessagingBinders$EnabledProvidersBinder",
                    "Jersey on Tomcat notes that jakarta.activation is absent, so it has no DataSource writer; none is used"),
            Map.entry("UT010051", "UndeployIT publishes while the deployment stops: Undertow reports the request it could not"
                    + " hand to the stopped deployment (\"Deployment has stopped\")"),
            Map.entry("WELD-000714", "Weld's nested-invocation guard, left on a thread by an async request that another thread"
                    + " ended; Weld clears it on that thread's next request (AbortIT)"),
            Map.entry("UT015023", "the same, once the deployment's context is destroyed"),
            Map.entry("UT010055", "RedeployIT on WildFly, once in three CI runs: a stream the hub closed at undeploy (its"
                    + " client had the farewell) ended its request just after Undertow stopped the deployment's request"
                    + " listeners, so requestDestroyed found them stopped (UT015005)"),
            Map.entry("SSEHUB-0101", "ClusterIT starts a node while Redis is down"),
            Map.entry("SSEHUB-0102", "ClusterIT stops Redis under running nodes"),
            Map.entry("SSEHUB-0104", "ClusterIT restarts Redis empty: streams get reset, as they should"));

    private LogCheck() {
    }

    public static void main(String[] runtimes) throws IOException {
        List<String> problems = new ArrayList<>();
        List<String> checked = new ArrayList<>();
        for (String runtime : runtimes) {
            String[] nameAndPath = runtime.split("=", 2);
            String[] nameAndSkipped = nameAndPath[0].split(":", 2);
            if (Boolean.parseBoolean(nameAndSkipped[1])) {
                continue;
            }
            Path logs = Path.of(nameAndPath[1]);
            ServerLog log = ServerLog.whole(logs);
            if (!log.wroteAnything()) {
                problems.add(nameAndSkipped[0] + ": its tests ran, but it wrote no log at " + logs);
                continue;
            }
            log.problemsSince(ALLOWED).forEach(problem -> problems.add(nameAndSkipped[0] + ": " + problem));
            checked.add(nameAndSkipped[0] + " (" + logs + ")");
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(problems.size() + " warnings or errors in the servers' logs outside the allow-list"
                    + " of LogCheck:\n" + String.join("\n", problems.stream().limit(40).toList()));
        }
        System.out.println("LogCheck: no warning or error outside the allow-list in " + String.join(", ", checked));
    }
}
