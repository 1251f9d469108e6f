package org.ssehub.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.ssehub.DeployedWar;

class SubscribeLimitsIT extends DeployedWar {

    @Test
    void badTopicNamesAndTooManyTopicsGetAProblem() throws Exception {
        String tooMany = IntStream.rangeClosed(1, 33).mapToObj(i -> "topic=t" + i).collect(Collectors.joining("&"));
        String longest = "x".repeat(64);
        for (String query : new String[] {"topic=", "topic=.dot", "topic=a%2Fb", "topic=a%0Ab", "topic=" + longest + "x", tooMany}) {
            HttpResponse<String> response = get("api/events?" + query);
            assertEquals(400, response.statusCode(), query);
            assertTrue(response.headers().firstValue("content-type").orElseThrow().startsWith("application/problem+json"), query);
        }
        String thirtyTwo = IntStream.rangeClosed(1, 32).mapToObj(i -> "topic=t" + i).collect(Collectors.joining("&"));
        try (var stream = stream("api/events?" + thirtyTwo + "&topic=" + longest)) {
            assertEquals(400, stream.status(), "33 distinct topics");
        }
        try (var stream = stream("api/events?" + thirtyTwo)) {
            assertEquals(200, stream.status());
        }
        try (var stream = stream("api/events/?topic=ticker")) {
            assertEquals(200, stream.status(), "a trailing slash is the same stream");
            assertEquals("ticker", stream.nextEvent(TIMEOUT).event());
        }
    }
}
