package io.fileconv.core;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The one state machine for file status. Every status change in the system is a conditional UPDATE whose
 * WHERE clause is built from {@link #sourcesOf(FileStatus)}, so a transition that does not apply is a no-op
 * and replayed events change nothing.
 *
 * <pre>
 * UPLOADED -> QUEUED -> CONVERTING -> CONVERTED
 *                          \-> FAILED --(retry)--> UPLOADED
 * UPLOADED | QUEUED | CONVERTING --(cancel)--> CANCELLED
 * </pre>
 * CONVERTING -> CONVERTING is allowed: a conversion interrupted by a crash is claimed again after restart.
 */
public final class FileStateMachine {

    private static final Map<FileStatus, Set<FileStatus>> SOURCES = new EnumMap<>(FileStatus.class);

    static {
        SOURCES.put(FileStatus.UPLOADED, EnumSet.of(FileStatus.FAILED));
        SOURCES.put(FileStatus.QUEUED, EnumSet.of(FileStatus.UPLOADED));
        SOURCES.put(FileStatus.CONVERTING, EnumSet.of(FileStatus.QUEUED, FileStatus.CONVERTING));
        SOURCES.put(FileStatus.CONVERTED, EnumSet.of(FileStatus.CONVERTING));
        SOURCES.put(FileStatus.FAILED, EnumSet.of(FileStatus.QUEUED, FileStatus.CONVERTING));
        SOURCES.put(FileStatus.CANCELLED, EnumSet.of(FileStatus.UPLOADED, FileStatus.QUEUED, FileStatus.CONVERTING));
    }

    private FileStateMachine() {
    }

    /** States from which {@code target} may be entered. */
    public static Set<FileStatus> sourcesOf(FileStatus target) {
        return Collections.unmodifiableSet(SOURCES.get(target));
    }

    public static boolean allows(FileStatus from, FileStatus to) {
        return SOURCES.get(to).contains(from);
    }
}
