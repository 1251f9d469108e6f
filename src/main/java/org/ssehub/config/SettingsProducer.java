package org.ssehub.config;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;
import jakarta.servlet.ServletContext;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Makes the settings injectable; a record cannot be a CDI bean itself. The context parameters of the deployment's
 * {@code web.xml} are taken as the application starts, before any other bean observes that, since no request
 * context exists yet to reach the {@code ServletContext} bean.
 */
@ApplicationScoped
public class SettingsProducer {

    private static final Logger LOG = Logger.getLogger(SettingsProducer.class.getName());

    private final Map<String, String> contextParameters = new HashMap<>();

    void deployed(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) @Initialized(ApplicationScoped.class) ServletContext context) {
        for (String name : Collections.list(context.getInitParameterNames())) {
            contextParameters.put(name, context.getInitParameter(name));
        }
    }

    /** Logs the effective settings once, secrets masked. */
    @Produces
    @Singleton
    Settings settings() {
        Settings settings = Settings.fromSystem(contextParameters::get);
        LOG.info(() -> "sse-hub " + settings);
        return settings;
    }
}
