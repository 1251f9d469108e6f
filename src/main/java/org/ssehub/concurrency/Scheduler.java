package org.ssehub.concurrency;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.naming.InitialContext;
import javax.naming.NamingException;

/**
 * Owns every thread the app runs on: periodic tasks (the ticker, heartbeats, write deadlines) on a Jakarta Concurrency
 * managed scheduled executor where one exists (the app's own on WildFly, {@link #OWN_EXECUTOR}; the default on Payara),
 * otherwise (Tomcat) on threads of its own; sends to the runtimes' sinks on {@link Writers}, whose threads come from
 * the container's managed thread factory or, on Tomcat, from the app. All of it stops on undeploy. Fields are typed
 * as plain JDK interfaces so nothing links Jakarta Concurrency on Tomcat.
 */
@ApplicationScoped
public class Scheduler {

    private static final Logger LOG = Logger.getLogger(Scheduler.class.getName());
    /** The app's own managed scheduled executor where it declares one (WildFly: {@code WEB-INF/jboss-web.xml}). */
    static final String OWN_EXECUTOR = "java:app/concurrent/sse-hub-scheduler";
    private static final String DEFAULT_EXECUTOR = "java:comp/DefaultManagedScheduledExecutorService";
    private static final String MANAGED_THREADS = "java:comp/DefaultManagedThreadFactory";
    private static final int MAX_BLOCKED_WRITES = 256;
    private static final Duration COMPENSATION_PERIOD = Duration.ofMillis(50);

    private final Set<Future<?>> periodic = ConcurrentHashMap.newKeySet();
    private ScheduledExecutorService executor;
    private boolean owned;
    private String executorName;
    private Writers writers;
    private ThreadFactory threads;

    @PostConstruct
    void start() {
        try {
            var context = new InitialContext();
            executorName = OWN_EXECUTOR;
            try {
                executor = (ScheduledExecutorService) context.lookup(OWN_EXECUTOR);
            } catch (NamingException notDeclaredHere) {
                executorName = DEFAULT_EXECUTOR;
                executor = (ScheduledExecutorService) context.lookup(DEFAULT_EXECUTOR);
            }
            threads = (ThreadFactory) context.lookup(MANAGED_THREADS);
        } catch (NamingException noJakartaConcurrency) {
            var own = new ScheduledThreadPoolExecutor(2, new NamedDaemonThreads("sse-hub-"));
            own.setRemoveOnCancelPolicy(true);
            executor = own;
            threads = new NamedDaemonThreads("sse-hub-writer-");
            owned = true;
        }
        writers = new Writers(threads, Math.max(2, Runtime.getRuntime().availableProcessors()), MAX_BLOCKED_WRITES);
        every(COMPENSATION_PERIOD, writers::compensate);
        LOG.info(() -> "sse-hub runs on " + (owned ? "its own executor" : executorName));
    }

    /**
     * Runs {@code task} every {@code period} until undeploy; a failing run is logged and the next one still runs. A
     * managed executor keeps a cancelled task queued until it would have run next, and with it the undeployed app: the
     * app's own tasks run at least every second (the ticker as configured), so they let it go within a second.
     */
    public void every(Duration period, Runnable task) {
        long millis = period.toMillis();
        periodic.add(executor.scheduleAtFixedRate(() -> runLogged(task), millis, millis, TimeUnit.MILLISECONDS));
    }

    /** Runs {@code task} once after {@code delay}, or at once if the app is being undeployed. */
    public void later(Duration delay, Runnable task) {
        try {
            executor.schedule(() -> runLogged(task), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException undeploying) {
            task.run();
        }
    }

    /** Runs a task that writes to streams, on the writer pool. */
    public void write(Runnable task) {
        writers.execute(task);
    }

    /** Threads for a task that runs until undeploy, managed by the container where it can: its owner stops it. */
    public ThreadFactory threads() {
        return threads;
    }

    public int writerThreads() {
        return writers.threads();
    }

    /** A managed executor must not be shut down: its tasks are cancelled instead. */
    @PreDestroy
    void stop() {
        LOG.info(() -> "sse-hub stops " + periodic.size() + " periodic tasks" + (owned ? " and its threads" : ""));
        periodic.forEach(future -> future.cancel(false));
        try {
            if (!writers.stop(5, TimeUnit.SECONDS)) {
                LOG.warning("SSEHUB-0401: sse-hub writer threads still running 5 s after undeploy");
            }
            if (owned) {
                executor.shutdownNow();
                if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                    LOG.warning("SSEHUB-0402: sse-hub threads still running 5 s after undeploy");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void runLogged(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "SSEHUB-0403: a scheduled task of sse-hub failed; it runs again at its next period", e);
        }
    }

    private static final class NamedDaemonThreads implements ThreadFactory {
        private final String prefix;
        private final AtomicInteger count = new AtomicInteger();

        NamedDaemonThreads(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
