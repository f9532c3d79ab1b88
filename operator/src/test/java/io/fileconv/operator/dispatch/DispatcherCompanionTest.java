package io.fileconv.operator.dispatch;

import io.fileconv.pipeline.dispatch.RegionContext;
import io.fileconv.core.ConversionLauncher;
import io.fileconv.core.ConversionRequest;
import io.fileconv.core.Env;
import io.fileconv.core.FileRepository;
import io.fileconv.core.Region;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import com.mysql.cj.jdbc.MysqlDataSource;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The wiring only: the dispatcher's own behaviour is tested on the embedded stack (local/). */
class DispatcherCompanionTest {

    private static Map<Region, FileRepository> repositories(Region... regions) throws Exception {
        Map<Region, FileRepository> out = new EnumMap<>(Region.class);
        for (Region r : regions) {
            // Never connected to: nothing here reaches a database.
            MysqlDataSource ds = new MysqlDataSource();
            ds.setUrl("jdbc:mysql://127.0.0.1:1/" + r.database());
            out.put(r, new FileRepository(r, ds));
        }
        return out;
    }

    @Test
    void oneContextPerServedRegionWithTheConfiguredBucket() throws Exception {
        Env env = new Env(Map.of("FILECONV_S3_BUCKET_US", "acme-us-prod"));
        var contexts = RegionContext.forRegions(env, repositories(Region.US, Region.UK));
        assertThat(contexts).extracting(RegionContext::region).containsExactlyInAnyOrder(Region.US, Region.UK);
        assertThat(contexts).filteredOn(c -> c.region() == Region.US).singleElement()
                .satisfies(c -> assertThat(c.bucket()).isEqualTo("acme-us-prod"))
                .satisfies(c -> assertThat(c.offsets()).isNotNull());
        assertThat(contexts).filteredOn(c -> c.region() == Region.UK).singleElement()
                .satisfies(c -> assertThat(c.bucket()).as("default bucket").isEqualTo(Region.UK.defaultBucket()));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void startsAndStopsWithoutABrokerAndLaunchesNothing() throws Exception {
        AtomicInteger launches = new AtomicInteger();
        ConversionLauncher launcher = new ConversionLauncher() {
            @Override
            public void launch(ConversionRequest request) {
                launches.incrementAndGet();
            }

            @Override
            public void cancel(Region region, String fileId, int attempt) {
                launches.incrementAndGet();
            }
        };
        // Kafka that is not there: the consumer keeps reconnecting, and close() must still end its thread.
        Env env = new Env(Map.of("FILECONV_KAFKA_BOOTSTRAP", "127.0.0.1:1"));
        AutoCloseable running = new DispatcherCompanion(env).start(launcher, repositories(Region.IN));
        Thread.sleep(500);
        running.close();
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("dispatcher") && t.isAlive());
        assertThat(launches).hasValue(0);
    }
}
