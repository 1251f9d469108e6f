package org.ssehub;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.inject.spi.CDI;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Map;
import org.ssehub.topics.TopicRegistry;

/**
 * Activates JAX-RS under {@code /api}; the page is served by the servlet container at the root. Resources and
 * providers are discovered by scanning, so the same WAR works on Jersey and RESTEasy.
 */
@ApplicationPath("api")
public class HubApplication extends Application {

    /** Jersey would describe the API in WADL, which needs JAXB; on Tomcat it is absent and Jersey warns at each start. */
    @Override
    public Map<String, Object> getProperties() {
        return Map.of("jersey.config.server.wadl.disableWadl", true);
    }

    /**
     * Streams get their farewell here, on undeploy: Jersey calls this before it shuts down what its sinks send
     * through, while a CDI callback would come after the servlet container has destroyed Jersey's servlet.
     */
    @PreDestroy
    void closeStreams() {
        CDI.current().select(TopicRegistry.class).get().closeStreams();
    }
}
