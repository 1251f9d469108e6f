package org.ssehub.cluster;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.OperateOnDeployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ssehub.DeployedWar;

/**
 * The two nodes as two deployments of the WAR in one server (WildFly, Tomcat): each its own application, with its
 * own hub, connections to Redis and reading thread, sharing nothing but Redis.
 */
@ExtendWith(ArquillianExtension.class)
class ClusterIT extends ClusterTests {

    @ArquillianResource
    @OperateOnDeployment("a")
    private URL a;

    @ArquillianResource
    @OperateOnDeployment("b")
    private URL b;

    @Deployment(name = "a", testable = false)
    static WebArchive deployA() throws Exception {
        return node("node-a.war");
    }

    @Deployment(name = "b", testable = false)
    static WebArchive deployB() throws Exception {
        return node("node-b.war");
    }

    static WebArchive node(String name) throws Exception {
        return ShrinkWrap.create(WebArchive.class, name).merge(DeployedWar.war(nodeSettings()));
    }

    @Override
    URI nodeA() {
        return root(a);
    }

    @Override
    URI nodeB() {
        return root(b);
    }

    static URI root(URL deployed) {
        try {
            String url = deployed.toString();
            return new URI(url.endsWith("/") ? url : url + "/");
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
