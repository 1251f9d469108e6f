package org.ssehub.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressesTest {

    private static ClientAddresses trusting(String... proxies) {
        ClientAddresses addresses = new ClientAddresses();
        addresses.trust(List.of(proxies));
        return addresses;
    }

    @Test
    void withoutTrustedProxiesTheHeadersChangeNothing() {
        ClientAddresses addresses = trusting();
        assertEquals("127.0.0.1", addresses.of("127.0.0.1", List.of("for=198.51.100.7"), List.of("198.51.100.8")));
    }

    @Test
    void aPeerThatIsNotTrustedIsTheClientWhateverItForwards() {
        ClientAddresses addresses = trusting("10.0.0.0/8");
        assertEquals("192.0.2.9", addresses.of("192.0.2.9", List.of(), List.of("198.51.100.8")));
    }

    @Test
    void theNearestUntrustedHopRecordedByTrustedProxiesIsTheClient() {
        ClientAddresses addresses = trusting("10.0.0.0/8", "127.0.0.1");
        assertEquals("198.51.100.8", addresses.of("127.0.0.1", List.of(), List.of("203.0.113.1, 198.51.100.8, 10.1.2.3")),
                "the client cannot put itself in front: 203.0.113.1 is what it sent");
        assertEquals("198.51.100.8", addresses.of("127.0.0.1", List.of(), List.of("203.0.113.1", "198.51.100.8")),
                "several header lines are one list");
        assertEquals("10.9.9.9", addresses.of("127.0.0.1", List.of(), List.of("10.9.9.9, 10.1.2.3")),
                "all hops trusted: the farthest");
        assertEquals("127.0.0.1", addresses.of("127.0.0.1", List.of(), List.of()), "no header: the peer");
    }

    @Test
    void forwardedWinsOverXForwardedForAndItsForms() {
        ClientAddresses addresses = trusting("127.0.0.1", "::1");
        assertEquals("192.0.2.60", addresses.of("127.0.0.1",
                List.of("for=203.0.113.1, for=192.0.2.60;proto=https;by=203.0.113.43"), List.of("198.51.100.8")));
        assertEquals("2001:db8:cafe:0:0:0:0:17", addresses.of("::1", List.of("For=\"[2001:db8:cafe::17]:4711\""), List.of()));
        assertEquals("192.0.2.43", addresses.of("127.0.0.1", List.of("for=\"192.0.2.43:80\""), List.of()));
    }

    @Test
    void aHopThatIsNoAddressStopsTheWalkAtTheProxyThatRecordedIt() {
        ClientAddresses addresses = trusting("127.0.0.0/8");
        assertEquals("127.0.0.2", addresses.of("127.0.0.1", List.of(), List.of("198.51.100.8, evil.example, 127.0.0.2")));
        assertEquals("127.0.0.1", addresses.of("127.0.0.1", List.of("for=unknown"), List.of()));
        assertEquals("127.0.0.1", addresses.of("127.0.0.1", List.of(), List.of("1.2.3.999")), "never a name lookup");
    }

    @Test
    void rangesMatchByPrefix() {
        ClientAddresses addresses = trusting("192.168.4.0/22", "fd00::/8");
        assertEquals("198.51.100.8", addresses.of("192.168.7.255", List.of(), List.of("198.51.100.8")));
        assertEquals("192.168.8.1", addresses.of("192.168.8.1", List.of(), List.of("198.51.100.8")));
        assertEquals("198.51.100.8", addresses.of("fd12:3456::1", List.of(), List.of("198.51.100.8")));
        assertEquals("198.51.100.8", addresses.of("::ffff:192.168.5.5", List.of(), List.of("198.51.100.8")),
                "an IPv4-mapped peer is the IPv4 address");
    }

    @Test
    void badEntriesAreRefusedWithTheSettingsName() {
        for (String bad : List.of("proxy.example", "10.0.0.0/33", "10.0.0.0/x", "300.1.1.1", "::1/129")) {
            var e = assertThrows(IllegalArgumentException.class, () -> ClientAddresses.Cidr.parse(bad), bad);
            assertEquals(true, e.getMessage().startsWith("SSE_TRUSTED_PROXIES"), e.getMessage());
        }
    }

    @Test
    void theSchemeIsTakenFromATrustedProxyOnly() {
        var addresses = new ClientAddresses();
        addresses.trust(List.of("10.0.0.0/8"));
        assertTrue(addresses.secure(true, "192.0.2.1", List.of(), List.of()), "TLS to the hub itself");
        assertTrue(addresses.secure(false, "10.0.0.1", List.of(), List.of("https")));
        assertTrue(addresses.secure(false, "10.0.0.1", List.of("for=192.0.2.1;proto=http", "for=192.0.2.2;proto=https"), List.of("http")),
                "the last Forwarded element, the nearest proxy's, wins over X-Forwarded-Proto");
        assertFalse(addresses.secure(false, "10.0.0.1", List.of(), List.of("https, http")));
        assertFalse(addresses.secure(false, "192.0.2.1", List.of("proto=https"), List.of("https")), "from no trusted proxy");
        assertFalse(addresses.secure(false, "10.0.0.1", List.of(), List.of()));
    }
}
