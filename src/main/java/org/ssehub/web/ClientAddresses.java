package org.ssehub.web;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.ssehub.config.Settings;

/**
 * The address of the client a request comes from, which the per-client caps count by: the peer's address, or, when
 * the peer is one of {@code SSE_TRUSTED_PROXIES}, the nearest address that the proxies recorded in {@code Forwarded}
 * (RFC 7239), else {@code X-Forwarded-For}, that is not itself a trusted proxy. Read from the right, so a client
 * cannot put itself in front of what the proxy wrote.
 */
@ApplicationScoped
public class ClientAddresses {

    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    /** With a colon, {@link InetAddress#getByName} parses an IPv6 literal or refuses; it never looks the name up. */
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private List<Cidr> trusted = List.of();

    @Inject
    void configure(Settings settings) {
        trust(settings.trustedProxies());
    }

    void trust(List<String> proxies) {
        trusted = proxies.stream().map(Cidr::parse).toList();
    }

    /** The client's address: the peer's as the runtime gives it, or, behind a trusted proxy, normalised. */
    public String of(HttpServletRequest request) {
        if (trusted.isEmpty()) {
            return request.getRemoteAddr();
        }
        return of(request.getRemoteAddr(), Collections.list(request.getHeaders("Forwarded")),
                Collections.list(request.getHeaders("X-Forwarded-For")));
    }

    String of(String peer, List<String> forwarded, List<String> xForwardedFor) {
        InetAddress address = literal(peer);
        if (address == null || !isTrusted(address)) {
            return address == null ? peer : address.getHostAddress();
        }
        List<String> hops = forwardedFor(forwarded);
        if (hops.isEmpty()) {
            hops = split(xForwardedFor);
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            InetAddress hop = literal(hops.get(i));
            if (hop == null) {
                return address.getHostAddress();
            }
            address = hop;
            if (!isTrusted(hop)) {
                break;
            }
        }
        return address.getHostAddress();
    }

    /**
     * Whether the client reached the hub over HTTPS: directly, or, when the peer is a trusted proxy, as the scheme the
     * proxy recorded says ({@code proto} of the last {@code Forwarded} element, else the last {@code X-Forwarded-Proto}).
     */
    public boolean secure(HttpServletRequest request) {
        return secure(request.isSecure(), request.getRemoteAddr(), Collections.list(request.getHeaders("Forwarded")),
                Collections.list(request.getHeaders("X-Forwarded-Proto")));
    }

    boolean secure(boolean direct, String peer, List<String> forwarded, List<String> xForwardedProto) {
        if (direct) {
            return true;
        }
        InetAddress address = literal(peer);
        if (address == null || !isTrusted(address)) {
            return false;
        }
        List<String> elements = split(forwarded);
        String proto = null;
        if (!elements.isEmpty()) {
            for (String pair : elements.get(elements.size() - 1).split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).trim().equalsIgnoreCase("proto")) {
                    proto = pair.substring(eq + 1).trim().replace("\"", "");
                }
            }
        } else {
            List<String> protos = split(xForwardedProto);
            proto = protos.isEmpty() ? null : protos.get(protos.size() - 1);
        }
        return "https".equalsIgnoreCase(proto);
    }

    private boolean isTrusted(InetAddress address) {
        for (Cidr cidr : trusted) {
            if (cidr.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> split(List<String> headers) {
        List<String> parts = new ArrayList<>();
        for (String header : headers) {
            for (String part : header.split(",")) {
                parts.add(part.trim());
            }
        }
        return parts;
    }

    /** The {@code for} of each element of {@code Forwarded}, in order; an element without one counts as unknown. */
    private static List<String> forwardedFor(List<String> headers) {
        List<String> hops = new ArrayList<>();
        for (String element : split(headers)) {
            String node = "unknown";
            for (String pair : element.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("for")) {
                    node = node(pair.substring(eq + 1).trim());
                }
            }
            hops.add(node);
        }
        return hops;
    }

    /** {@code "[2001:db8::1]:4711"} or {@code 192.0.2.1:80} as the bare address. */
    private static String node(String value) {
        String v = value.startsWith("\"") && value.endsWith("\"") && value.length() > 1
                ? value.substring(1, value.length() - 1) : value;
        if (v.startsWith("[")) {
            int end = v.indexOf(']');
            return end > 0 ? v.substring(1, end) : v;
        }
        int colon = v.indexOf(':');
        return colon > 0 && v.indexOf(':', colon + 1) < 0 ? v.substring(0, colon) : v;
    }

    /** {@code text} as an address if it is an IP literal, without any name lookup; otherwise null. */
    static InetAddress literal(String text) {
        if (text == null || !(IPV4.matcher(text).matches() || IPV6.matcher(text).matches())) {
            return null;
        }
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** An address with a prefix length, such as {@code 10.0.0.0/8} or {@code ::1}. */
    public record Cidr(byte[] network, int bits) {

        /** Throws {@link IllegalArgumentException} for anything but an IP literal with an optional prefix length. */
        public static Cidr parse(String text) {
            int slash = text.indexOf('/');
            InetAddress address = literal(slash < 0 ? text : text.substring(0, slash));
            if (address == null) {
                throw new IllegalArgumentException("SSE_TRUSTED_PROXIES takes IP addresses and CIDR ranges such as "
                        + "10.0.0.0/8, not '" + text + "'");
            }
            int max = address.getAddress().length * 8;
            int bits = max;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(text.substring(slash + 1));
                } catch (NumberFormatException e) {
                    bits = -1;
                }
            }
            if (bits < 0 || bits > max) {
                throw new IllegalArgumentException("SSE_TRUSTED_PROXIES: the prefix length of '" + text
                        + "' must be 0 to " + max);
            }
            return new Cidr(address.getAddress(), bits);
        }

        boolean contains(InetAddress address) {
            byte[] candidate = address.getAddress();
            if (candidate.length != network.length) {
                return false;
            }
            int whole = bits / 8;
            for (int i = 0; i < whole; i++) {
                if (candidate[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest) & 0xff;
            return (candidate[whole] & mask) == (network[whole] & mask);
        }
    }
}
