package org.ssehub.config;

import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Makes the settings injectable; a record cannot be a CDI bean itself. */
@Dependent
public class SettingsProducer {

    @Produces
    @Singleton
    Settings settings() {
        return Settings.fromSystem();
    }
}
