package io.fileconv.api;

import io.javalin.config.JavalinConfig;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;

import java.util.concurrent.TimeUnit;

/** Applies {@link HttpLimits} to Javalin's Jetty. */
final class JettyHardening {
    private JettyHardening() {
    }

    static void apply(JavalinConfig config, HttpLimits limits) {
        config.jetty.modifyHttpConfiguration(http -> {
            // Blocking reads and writes of a request give up after this long without progress.
            http.setIdleTimeout(limits.idleTimeout().toMillis());
            // No http.setMinRequestDataRate: Jetty's servlet rule checks every read, without grace, against the time
            // since the first byte, so a 30-byte JSON body read twice 4 ms apart got 408 (JettyHardeningTest).
            // RequestBodyGuard applies the rate to every body instead, only when a read has to wait.
        });
        // Connectors exist only once Javalin starts the server: configure them as it starts.
        config.jetty.modifyServer(server -> server.addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarting(LifeCycle event) {
                // The guard watches every body read, servlet streams and Jetty's core multipart parser alike.
                server.setHandler(new RequestBodyGuard(server.getHandler(), limits.minRequestBytesPerSecond()));
                for (var connector : server.getConnectors()) {
                    if (connector instanceof AbstractConnector c) {
                        c.setIdleTimeout(limits.idleTimeout().toMillis());
                        c.addEventListener(new HeaderDeadline(server, limits.headerTimeout().toMillis()));
                    }
                }
            }
        }));
    }

    /**
     * Jetty has no request-header timeout and its idle timeout restarts with every byte, so headers sent one byte at
     * a time would keep a connection forever. This closes a connection whose first request's headers are not
     * complete after the deadline (Jetty counts a request in once its headers are parsed). Later requests on a
     * kept-alive connection are bounded by the idle timeout only.
     */
    private static final class HeaderDeadline implements Connection.Listener {
        private final Server server;
        private final long millis;

        HeaderDeadline(Server server, long millis) {
            this.server = server;
            this.millis = millis;
        }

        @Override
        public void onOpened(Connection connection) {
            Scheduler scheduler = server.getScheduler();
            scheduler.schedule(() -> {
                if (connection.getMessagesIn() == 0 && connection.getEndPoint().isOpen()) {
                    connection.getEndPoint().close();
                }
            }, millis, TimeUnit.MILLISECONDS);
        }
    }
}
