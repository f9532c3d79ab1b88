package io.fileconv.core.work;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The converter queue: fair across users and not blocked by large documents.
 * <ul>
 *   <li>Users take turns (round robin over users with waiting work, FIFO within a user), so one user's burst of
 *       thousands of files delays another user's single file by at most one document per busy user.</li>
 *   <li>Two lanes by cost (e.g. bytes): items at or above {@code largeCost} are "large". At most
 *       {@code maxLargeInFlight} large items are handed out at once (set it below the number of workers), so a
 *       small document always finds a worker that is not stuck in a 700-page one; while both lanes wait they
 *       take turns, so small documents cannot starve large ones either.</li>
 * </ul>
 * A key is queued at most once; {@link #remove} withdraws a waiting item (cancel), {@link #done} ends a handed-out
 * one. Thread-safe; {@link #take} blocks up to a wait (the workers' long poll).
 */
public final class FairQueue<T> {
    /** A queued or handed-out item. */
    public record Entry<T>(String key, String user, long cost, T item) {
    }

    private final long largeCost;
    private final int maxLargeInFlight;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Per lane: user -> that user's waiting items, in the order users take turns. */
    private final Map<String, Deque<Entry<T>>> small = new LinkedHashMap<>();
    private final Map<String, Deque<Entry<T>>> large = new LinkedHashMap<>();
    private final Map<String, Entry<T>> waiting = new HashMap<>();
    private final Map<String, Entry<T>> inFlight = new HashMap<>();
    private int largeInFlight;
    private boolean largeTurn;

    public FairQueue(long largeCost, int maxLargeInFlight) {
        if (maxLargeInFlight < 1) {
            throw new IllegalArgumentException("maxLargeInFlight must be at least 1");
        }
        this.largeCost = largeCost;
        this.maxLargeInFlight = maxLargeInFlight;
    }

    /** Queues an item; false if the key is already waiting or handed out (a replayed launch changes nothing). */
    public boolean add(String key, String user, long cost, T item) {
        lock.lock();
        try {
            if (waiting.containsKey(key) || inFlight.containsKey(key)) {
                return false;
            }
            Entry<T> e = new Entry<>(key, user, cost, item);
            waiting.put(key, e);
            lane(e).computeIfAbsent(user, u -> new ArrayDeque<>()).addLast(e);
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The next item by the rules above, waiting up to {@code wait} for one; empty if none came. */
    public Optional<Entry<T>> take(Duration wait) throws InterruptedException {
        long nanos = wait.toNanos();
        lock.lock();
        try {
            while (true) {
                Entry<T> e = next();
                if (e != null) {
                    waiting.remove(e.key());
                    inFlight.put(e.key(), e);
                    if (isLarge(e)) {
                        largeInFlight++;
                    }
                    return Optional.of(e);
                }
                if (nanos <= 0) {
                    return Optional.empty();
                }
                nanos = changed.awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
        }
    }

    private Entry<T> next() {
        boolean largeMayGo = !large.isEmpty() && largeInFlight < maxLargeInFlight;
        if (small.isEmpty()) {
            return largeMayGo ? nextOf(large) : null;
        }
        // Both lanes wait: alternate, so a stream of small documents cannot starve the large ones either.
        boolean useLarge = largeMayGo && largeTurn;
        largeTurn = !largeTurn;
        return useLarge ? nextOf(large) : nextOf(small);
    }

    /** Head of the first user's queue; that user then goes to the back of the turn order. */
    private static <T> Entry<T> nextOf(Map<String, Deque<Entry<T>>> lane) {
        Iterator<Map.Entry<String, Deque<Entry<T>>>> it = lane.entrySet().iterator();
        Map.Entry<String, Deque<Entry<T>>> first = it.next();
        Entry<T> e = first.getValue().pollFirst();
        it.remove();
        if (!first.getValue().isEmpty()) {
            lane.put(first.getKey(), first.getValue());
        }
        return e;
    }

    /** Withdraws a waiting item; false if it is not waiting (unknown, or already handed out). */
    public boolean remove(String key) {
        lock.lock();
        try {
            Entry<T> e = waiting.remove(key);
            if (e == null) {
                return false;
            }
            Map<String, Deque<Entry<T>>> lane = lane(e);
            Deque<Entry<T>> q = lane.get(e.user());
            q.remove(e);
            if (q.isEmpty()) {
                lane.remove(e.user());
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** A handed-out item ended (converted, failed, or given back with {@link #add} later). */
    public void done(String key) {
        lock.lock();
        try {
            Entry<T> e = inFlight.remove(key);
            if (e != null && isLarge(e)) {
                largeInFlight--;
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    public int waiting() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    public int inFlight() {
        lock.lock();
        try {
            return inFlight.size();
        } finally {
            lock.unlock();
        }
    }

    private boolean isLarge(Entry<T> e) {
        return e.cost() >= largeCost;
    }

    private Map<String, Deque<Entry<T>>> lane(Entry<T> e) {
        return isLarge(e) ? large : small;
    }
}
