package org.ssehub.bench.baseline;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ceiling of a runtime: GET opens a stream with the servlet async API; POST writes its body as one event to
 * every stream, serialised once, on the publishing thread, with no queue and no isolation.
 */
@WebServlet(urlPatterns = "/async", asyncSupported = true)
public class AsyncServletBroadcast extends HttpServlet {

    private static final byte[] HELLO = ": ok\n\n".getBytes(StandardCharsets.UTF_8);

    private final Set<AsyncContext> streams = ConcurrentHashMap.newKeySet();

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/event-stream;charset=UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        AsyncContext stream = request.startAsync();
        stream.setTimeout(0);
        stream.addListener(new Forget(stream));
        response.getOutputStream().write(HELLO);
        response.flushBuffer();
        streams.add(stream);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String data = new String(request.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        byte[] event = ("event: bench\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
        synchronized (this) {
            for (AsyncContext stream : streams) {
                try {
                    var out = stream.getResponse().getOutputStream();
                    out.write(event);
                    out.flush();
                } catch (IOException | IllegalStateException gone) {
                    streams.remove(stream);
                }
            }
        }
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
    }

    private final class Forget implements AsyncListener {
        private final AsyncContext stream;

        Forget(AsyncContext stream) {
            this.stream = stream;
        }

        @Override
        public void onComplete(AsyncEvent event) {
            streams.remove(stream);
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            streams.remove(stream);
        }

        @Override
        public void onError(AsyncEvent event) {
            streams.remove(stream);
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
        }
    }
}
