package org.ssehub.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.ssehub.DeployedWar;
import org.ssehub.ServerLog;

/**
 * The test servers get their credentials as -D options (-Dsse.publish.token, -Dsse.jwt.secret): none may reach a log
 * file of the server, which Tomcat's VersionLoggerListener would write them to unless told logArgs="false".
 */
class SecretsIT extends DeployedWar {

    @Test
    void noCredentialReachesTheServerLog() throws Exception {
        get("api/topics");
        assertFalse(ServerLog.files().isEmpty(), "the server writes its log where the tests look: " + System.getProperty("it.server.logs"));
        for (String secret : new String[] {"it-publish-token", "it-jwt-secret-of-at-least-32-bytes!"}) {
            assertEquals(List.of(), ServerLog.filesContaining(secret), "log files holding " + secret);
        }
    }
}
