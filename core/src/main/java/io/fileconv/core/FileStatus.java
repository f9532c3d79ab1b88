package io.fileconv.core;

import java.util.Locale;

/** Status of one uploaded file. Transitions between them are owned by {@link FileStateMachine}. */
public enum FileStatus {
    UPLOADED, QUEUED, CONVERTING, CONVERTED, FAILED, CANCELLED;

    public boolean isTerminal() {
        return this == CONVERTED || this == FAILED || this == CANCELLED;
    }

    /** The word the API and UI show (the seed's vocabulary). */
    public String apiWord() {
        return name().toLowerCase(Locale.ROOT);
    }
}
