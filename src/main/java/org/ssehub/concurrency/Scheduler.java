package org.ssehub.concurrency;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NamingException;

/**
 * Owns every thread the app runs on: the container's managed scheduled executor where Jakarta
 * Concurrency exists (Payara, WildFly), otherwise (Tomcat) threads of its own, stopped on undeploy.
 * The field is typed as the plain JDK interface so nothing links Jakarta Concurrency on Tomcat.
 */
@ApplicationScoped
public class Scheduler {

    private static final Logger LOG = Logger.getLogger(Scheduler.class.getName());
    private static final String MANAGED = "java:comp/DefaultManagedScheduledExecutorService";

    private final Set<Future<?>> periodic = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService executor;
    private boolean owned;

    @PostConstruct
    void start() {
        try {
            executor = (ScheduledExecutorService) new InitialContext().lookup(MANAGED);
        } catch (NamingException noJakartaConcurrency) {
            executor = Executors.newScheduledThreadPool(2, new NamedDaemonThreads());
            owned = true;
        }
        LOG.info(() -> "sse-hub runs on " + (owned ? "its own executor" : MANAGED));
    }

    /** Runs {@code task} every {@code period} until undeploy; a failing run is logged and the next one still runs. */
    public void every(Duration period, Runnable task) {
        long millis = period.toMillis();
        periodic.add(executor.scheduleAtFixedRate(() -> runLogged(task), millis, millis, TimeUnit.MILLISECONDS));
    }

    public void execute(Runnable task) {
        executor.execute(task);
    }

    /** A managed executor must not be shut down: its tasks are cancelled instead. */
    @PreDestroy
    void stop() {
        LOG.info(() -> "sse-hub stops " + periodic.size() + " periodic tasks" + (owned ? " and its threads" : ""));
        periodic.forEach(future -> future.cancel(false));
        if (owned) {
            executor.shutdownNow();
            try {
                if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                    LOG.warning("sse-hub threads still running 5 s after undeploy");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void runLogged(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "scheduled task failed; it runs again at its next period", e);
        }
    }

    private static final class NamedDaemonThreads implements ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "sse-hub-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
