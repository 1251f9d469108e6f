package org.ssehub.bench.baseline;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

@ApplicationPath("api")
public class BaselinesApplication extends Application {
}
