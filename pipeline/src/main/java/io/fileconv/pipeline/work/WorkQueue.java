package io.fileconv.pipeline.work;

import io.fileconv.core.Region;
import io.fileconv.core.work.FairQueue;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The leader's view of pooled work, in memory: per region a {@link FairQueue} of waiting files, the leases of
 * handed-out ones, and outcomes recorded but not yet in a FileConversion's status. Rebuilt from the FileConversions
 * after a restart (they are the source of truth). Every change of a key is announced to {@code onChange} so the
 * reconciler writes the resource's status.
 */
public final class WorkQueue {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<Region, FairQueue<WorkRequest>> queues = new EnumMap<>(Region.class);
    private final Map<String, Lease> leases = new HashMap<>();
    private final Map<String, String> leaseOfKey = new HashMap<>();
    private final Map<String, Settled> settled = new HashMap<>();
    /** Files waiting in a queue. */
    private final Map<String, WorkRequest> waiting = new HashMap<>();
    /** Since when each waiting file waits (the oldest-waiting gauge). */
    private final Map<String, Instant> waitingSince = new HashMap<>();
    /** Keys this leader has queued or leased since it started: only others may carry a predecessor's lease. */
    private final Set<String> known = new HashSet<>();
    /** Cancelled keys: a take racing the cancel drops the item instead of leasing it. */
    private final Set<String> cancelled = new HashSet<>();
    /** Leases revoked by a cancel (the latest ones): a PDF their pod still writes is discarded. */
    private final Map<String, WorkRequest> revoked = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, WorkRequest> eldest) {
            return size() > 10_000;
        }
    };
    private final Duration leaseTime;
    private final Clock clock;
    private volatile Consumer<String> onChange = key -> { };
    /** Counts offers, so a worker serving several regions can wait for the next one (see {@link #awaitOffer}). */
    private final Object offers = new Object();
    private long offerCount;

    public WorkQueue(PoolSettings settings, Clock clock) {
        for (Region r : Region.values()) {
            queues.put(r, new FairQueue<>(settings.largeBytes(), settings.maxLargeInFlight()));
        }
        this.leaseTime = settings.lease();
        this.clock = clock;
    }

    /** Where changes of a key are announced (the reconciler's event source). */
    public void onChange(Consumer<String> listener) {
        this.onChange = listener;
    }

    void changed(String key) {
        onChange.accept(key);
    }

    /** Queues a file unless it is already waiting, leased, settled or cancelled. */
    public synchronized boolean offer(WorkRequest r) {
        if (leaseOfKey.containsKey(r.key()) || settled.containsKey(r.key()) || cancelled.contains(r.key())
                || !queues.get(r.region()).add(r.key(), r.userId(), r.cost(), r)) {
            return false;
        }
        waiting.put(r.key(), r);
        waitingSince.put(r.key(), clock.instant());
        known.add(r.key());
        synchronized (offers) {
            offerCount++;
            offers.notifyAll();
        }
        return true;
    }

    /** Offers so far; pass it to {@link #awaitOffer} to wait for the next one. */
    public long offers() {
        synchronized (offers) {
            return offerCount;
        }
    }

    /** Waits up to {@code wait} until a file was offered after {@code seen} offers (in any region). */
    public void awaitOffer(long seen, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        synchronized (offers) {
            long left;
            while (offerCount == seen && (left = deadline - System.nanoTime()) > 0) {
                offers.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** The file as it waits in its queue; empty when it is not waiting. */
    public synchronized Optional<WorkRequest> waiting(String key) {
        return Optional.ofNullable(waiting.get(key));
    }

    /** The next file of the region for a pod of {@code jobName}, waiting up to {@code wait}; leased on return. */
    Optional<Lease> take(Region region, String jobName, String podName, Duration wait) throws InterruptedException {
        Instant deadline = clock.instant().plus(wait);
        while (true) {
            Duration left = Duration.between(clock.instant(), deadline);
            Optional<FairQueue.Entry<WorkRequest>> e = queues.get(region).take(left.isNegative() ? Duration.ZERO : left);
            if (e.isEmpty()) {
                return Optional.empty();
            }
            WorkRequest r = e.get().item();
            synchronized (this) {
                waiting.remove(r.key());
                waitingSince.remove(r.key());
                if (cancelled.contains(r.key())) {
                    queues.get(region).done(r.key());
                    continue;
                }
                Instant now = clock.instant();
                Lease lease = new Lease(newLeaseId(), r, jobName, podName, now, now.plus(leaseTime));
                leases.put(lease.id(), lease);
                leaseOfKey.put(r.key(), lease.id());
                return Optional.of(lease);
            }
        }
    }

    /**
     * Takes over a lease a previous leader handed out (read from the resource's status): it lives one lease time
     * from now, so the pod that holds it keeps it by renewing, and it is given back when nobody does. Refused for
     * a file this leader has handled itself (the status then names a lease it ended).
     */
    public synchronized boolean adopt(String leaseId, WorkRequest r, String jobName, String podName, Instant started) {
        if (known.contains(r.key()) || settled.containsKey(r.key()) || cancelled.contains(r.key())) {
            return false;
        }
        known.add(r.key());
        Lease lease = new Lease(leaseId, r, jobName, podName, started, clock.instant().plus(leaseTime));
        leases.put(leaseId, lease);
        leaseOfKey.put(r.key(), leaseId);
        return true;
    }

    /** Renews a lease of that Job; false when it is gone (expired, cancelled, ended, another Job's). */
    synchronized boolean renew(String leaseId, String jobName) {
        Lease lease = leases.get(leaseId);
        if (lease == null || !lease.jobName().equals(jobName)) {
            return false;
        }
        leases.put(leaseId, lease.renewedUntil(clock.instant().plus(leaseTime)));
        return true;
    }

    /** Ends a lease of that Job (its outcome arrived, or it could not start); empty when it is gone. */
    synchronized Optional<Lease> end(String leaseId, String jobName) {
        Lease lease = leases.get(leaseId);
        if (lease == null || !lease.jobName().equals(jobName)) {
            return Optional.empty();
        }
        remove(lease);
        return Optional.of(lease);
    }

    /** Puts an ended lease back (its outcome could not be recorded): it expires or is reported again. */
    synchronized void restore(Lease lease) {
        if (!settled.containsKey(lease.request().key()) && !cancelled.contains(lease.request().key())
                && !leaseOfKey.containsKey(lease.request().key())) {
            leases.put(lease.id(), lease);
            leaseOfKey.put(lease.request().key(), lease.id());
        }
    }

    /** Leases not renewed in time, removed. */
    synchronized List<Lease> expire() {
        Instant now = clock.instant();
        List<Lease> out = new ArrayList<>();
        for (Lease lease : List.copyOf(leases.values())) {
            if (lease.expiry().isBefore(now)) {
                remove(lease);
                out.add(lease);
            }
        }
        return out;
    }

    /** Withdraws a waiting file or revokes its lease (the next heartbeat answers 410). */
    public synchronized Optional<Lease> cancel(String key) {
        cancelled.add(key);
        WorkRequest w = waiting.remove(key);
        waitingSince.remove(key);
        if (w != null) {
            queues.get(w.region()).remove(key);
        }
        String leaseId = leaseOfKey.get(key);
        if (leaseId == null) {
            return Optional.empty();
        }
        Lease lease = leases.get(leaseId);
        remove(lease);
        revoked.put(lease.id(), lease.request());
        return Optional.of(lease);
    }

    /** The file of a lease a cancel revoked (among the latest 10,000); empty otherwise. */
    synchronized Optional<WorkRequest> revoked(String leaseId) {
        return Optional.ofNullable(revoked.get(leaseId));
    }

    synchronized void settle(String key, Settled outcome) {
        settled.put(key, outcome);
    }

    public synchronized Optional<Settled> settled(String key) {
        return Optional.ofNullable(settled.get(key));
    }

    public synchronized Optional<Lease> leaseOf(String key) {
        String id = leaseOfKey.get(key);
        return id == null ? Optional.empty() : Optional.ofNullable(leases.get(id));
    }

    /** The resource is finished or gone: nothing about it is kept. */
    public synchronized void forget(String key) {
        cancel(key);
        cancelled.remove(key);
        settled.remove(key);
        known.remove(key);
    }

    /** Keys of every file this leader keeps anything about (to drop those whose resource was deleted). */
    public synchronized Set<String> keys() {
        Set<String> keys = new HashSet<>(known);
        keys.addAll(settled.keySet());
        keys.addAll(cancelled);
        return keys;
    }

    public int waiting(Region region) {
        return queues.get(region).waiting();
    }

    /** How long the region's longest-waiting file has waited; zero when none waits. */
    public synchronized Duration oldestWaiting(Region region) {
        Instant now = clock.instant();
        return waiting.values().stream().filter(r -> r.region() == region)
                .map(r -> Duration.between(waitingSince.getOrDefault(r.key(), now), now))
                .max(Duration::compareTo).orElse(Duration.ZERO);
    }

    public synchronized int leased(Region region) {
        return (int) leases.values().stream().filter(l -> l.request().region() == region).count();
    }

    /** What the pool is sized to: files waiting plus files being converted. */
    public int backlog(Region region) {
        return waiting(region) + leased(region);
    }

    private void remove(Lease lease) {
        leases.remove(lease.id());
        leaseOfKey.remove(lease.request().key());
        queues.get(lease.request().region()).done(lease.request().key());
    }

    private static String newLeaseId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
