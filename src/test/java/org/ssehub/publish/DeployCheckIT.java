package org.ssehub.publish;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.Map;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ssehub.DeployedWar;
import org.ssehub.ServerLog;

/**
 * A weak key stops the deployment, not the first publish: the WAR given a 1,024-bit RSA key as SSE_JWT_PUBLIC_KEY (a
 * context parameter; the test servers set no key) does not come up, and the server log names the setting.
 */
@ExtendWith(ArquillianExtension.class)
class DeployCheckIT {

    private static final String WEAK = "weak-key";

    @ArquillianResource
    private Deployer deployer;

    @Deployment(name = WEAK, managed = false, testable = false)
    static WebArchive war() throws Exception {
        var generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(generator.generateKeyPair().getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----";
        return DeployedWar.war(Map.of("SSE_JWT_PUBLIC_KEY", pem));
    }

    @Test
    void aWeakKeyStopsTheDeploymentNamingTheSetting() throws Exception {
        ServerLog log = ServerLog.mark();
        boolean refused;
        String why = "";
        try {
            deployer.deploy(WEAK);
            refused = false;
        } catch (Exception deploymentFailed) {
            refused = true;
            for (Throwable cause = deploymentFailed; cause != null; cause = cause.getCause()) {
                why += cause.getMessage();
            }
        }
        try {
            if (!refused) {
                String war = new java.io.File(System.getProperty("sse-hub.war")).getName();
                URI topics = URI.create("http://127.0.0.1:" + Integer.getInteger("it.port") + "/" + war.substring(0, war.length() - 4)
                        + "/api/topics");
                HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(topics).build(), HttpResponse.BodyHandlers.ofString());
                assertNotEquals(200, answer.statusCode(), "the app with a 1,024-bit key answers: " + answer.body());
            }
            String message = "SSE_JWT_PUBLIC_KEY is an RSA key of 1024 bits";
            assertTrue(why.contains(message) || log.grewWith(message), "the failure names the setting: " + why);
        } finally {
            try {
                deployer.undeploy(WEAK);
            } catch (Exception notDeployed) {
                // what failed to deploy may not be there to undeploy
            }
        }
    }
}
