package org.ssehub;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.RMIServerSocketFactory;
import java.util.Map;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import javax.management.remote.rmi.RMIConnectorServer;

/**
 * A Java agent for the test Tomcat: the JMX connector the Arquillian adapter deploys through, on 127.0.0.1 only.
 * The JDK's own agent, which the adapter's {@code -Dcom.sun.management.jmxremote.port} starts, also opens a local
 * connector on every address; the test JVM turns it off with {@code -XX:-ManagementServer} and loads this instead.
 */
public final class LoopbackJmx {

    private static Registry registry;
    private static JMXConnectorServer server;

    private LoopbackJmx() {
    }

    public static void premain(String port) throws IOException {
        int number = Integer.parseInt(port);
        RMIServerSocketFactory loopback = new Loopback();
        registry = LocateRegistry.createRegistry(number, null, loopback);
        var url = new JMXServiceURL("service:jmx:rmi://127.0.0.1:" + number + "/jndi/rmi://127.0.0.1:" + number + "/jmxrmi");
        server = JMXConnectorServerFactory.newJMXConnectorServer(url,
                Map.of(RMIConnectorServer.RMI_SERVER_SOCKET_FACTORY_ATTRIBUTE, loopback),
                ManagementFactory.getPlatformMBeanServer());
        server.start();
    }

    /** Equal to every other, so that the registry and the connector share one port. */
    private record Loopback() implements RMIServerSocketFactory {
        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            return new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        }
    }
}
