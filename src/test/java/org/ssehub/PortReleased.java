package org.ssehub;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jboss.arquillian.container.spi.event.container.BeforeDeploy;
import org.jboss.arquillian.core.api.annotation.Observes;
import org.jboss.arquillian.core.spi.LoadableExtension;

/**
 * Where each deployment gets a server JVM of its own (Payara Micro), waits before deploying until the last one has
 * let go of the test port: the adapter stops a server with {@code Process.destroy()} and does not wait for it to
 * exit, so the next one could find the port still bound and fail to start.
 */
public class PortReleased implements LoadableExtension {

    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(60);

    @Override
    public void register(ExtensionBuilder builder) {
        builder.observer(PortReleased.class);
    }

    public void beforeDeploy(@Observes BeforeDeploy event) {
        Integer port = Integer.getInteger("it.port");
        if (!Boolean.getBoolean("it.jvm.per.deployment") || port == null) {
            return;
        }
        long deadline = System.nanoTime() + TIMEOUT_NANOS;
        while (!free(port) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    private static boolean free(int port) {
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException bound) {
            return false;
        }
    }
}
