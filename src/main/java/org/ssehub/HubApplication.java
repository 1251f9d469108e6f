package org.ssehub;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * Activates JAX-RS under {@code /api}; the page is served by the servlet container at the root.
 * Resources and providers are discovered by scanning, so the same WAR works on Jersey and RESTEasy.
 */
@ApplicationPath("api")
public class HubApplication extends Application {
}
