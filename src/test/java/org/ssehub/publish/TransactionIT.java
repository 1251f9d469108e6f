package org.ssehub.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ssehub.DeployedWar;
import org.ssehub.SseStream;
import org.ssehub.SseStream.Frame;

/**
 * In-process publishing waits for the transaction: a rolled-back publication never reaches subscribers.
 * Deploys the built WAR plus {@link TransactionProbe}, which runs a real JTA transaction (Payara, WildFly).
 */
@ExtendWith(ArquillianExtension.class)
class TransactionIT {

    @ArquillianResource
    private URL deployedAt;

    @Deployment(testable = false)
    static WebArchive war() {
        return DeployedWar.war().addClass(TransactionProbe.class);
    }

    @Test
    void aRolledBackPublicationIsNeverDeliveredAndACommittedOneIs() throws Exception {
        assumeFalse("tomcat".equals(System.getProperty("arquillian.launch")), "Tomcat has no JTA");
        String url = deployedAt.toString();
        URI base = URI.create(url.endsWith("/") ? url : url + "/");
        String topic = "tx-" + UUID.randomUUID();
        try (SseStream stream = SseStream.open(base, "api/events?topic=" + topic)) {
            assertEquals(200, stream.status());
            stream.next(DeployedWar.TIMEOUT);
            assertEquals(200, probe(base, topic, "rollback"));
            assertEquals(200, probe(base, topic, "commit"));
            Frame first = stream.nextEvent(DeployedWar.TIMEOUT);
            assertEquals("probe", first.event());
            assertEquals("commit", first.data(), "the rolled-back publication came first");
        }
    }

    private static int probe(URI base, String topic, String outcome) throws Exception {
        var request = HttpRequest.newBuilder(base.resolve("api/probe/" + topic + "/" + outcome))
                .timeout(DeployedWar.TIMEOUT).POST(BodyPublishers.noBody()).build();
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(request, BodyHandlers.discarding()).statusCode();
    }
}
