package io.fileconv.converter;

import org.jodconverter.core.office.OfficeContext;
import org.jodconverter.core.office.OfficeException;
import org.jodconverter.core.office.OfficeManager;
import org.jodconverter.core.task.OfficeTask;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One attempt of one document on one office process, with the document's time limit counted from the moment the
 * process starts working on it. JODConverter's own clock starts when the task is submitted, so it also counts the
 * wait while the process restarts after the previous document (5+ s where soffice starts slowly), which made an
 * innocent document fail as TIMEOUT. Here the task itself starts the clock; when the limit passes (or the attempt
 * is cancelled) this process alone is killed, JODConverter fails the task and restarts the process.
 */
final class TimedRun implements OfficeManager {
    private enum State { WAITING, RUNNING, DONE, TIMED_OUT, CANCELLED }

    private final OfficeProcess office;
    private final Duration limit;
    private final ScheduledExecutorService clock;
    private State state = State.WAITING;
    private ScheduledFuture<?> deadline;
    private boolean began;

    TimedRun(OfficeProcess office, Duration limit, ScheduledExecutorService clock) {
        this.office = office;
        this.limit = limit;
        this.clock = clock;
    }

    @Override
    public void execute(OfficeTask task) throws OfficeException {
        office.manager().execute(new OfficeTask() {
            @Override
            public void execute(OfficeContext context) throws OfficeException {
                begin();
                try {
                    task.execute(context);
                } finally {
                    end();
                }
            }

            @Override
            public String toString() {
                return task.toString();
            }
        });
    }

    private synchronized void begin() throws OfficeException {
        if (state == State.CANCELLED) {
            throw new OfficeException("the conversion was cancelled before it started");
        }
        state = State.RUNNING;
        began = true;
        deadline = clock.schedule(() -> stop(State.TIMED_OUT), limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void end() {
        if (state == State.RUNNING) {
            state = State.DONE;
        }
        if (deadline != null) {
            deadline.cancel(false);
        }
    }

    void cancel() {
        stop(State.CANCELLED);
    }

    private void stop(State to) {
        synchronized (this) {
            if (state == State.WAITING && to == State.CANCELLED) {
                state = State.CANCELLED;
                return;
            }
            if (state != State.RUNNING) {
                return;
            }
            state = to;
        }
        office.kill();
    }

    synchronized boolean timedOut() {
        return state == State.TIMED_OUT;
    }

    synchronized boolean started() {
        return began;
    }

    @Override
    public boolean isRunning() {
        return office.manager().isRunning();
    }

    @Override
    public void start() {
        // the office process belongs to the pool
    }

    @Override
    public void stop() {
        // the office process belongs to the pool
    }
}
