package io.fileconv.api;

import io.fileconv.core.FileRecord;
import io.fileconv.core.Ids;

import java.time.Instant;

/**
 * The id of a status event: when the row last changed (the database's clock, in milliseconds) and which row. A client
 * that reconnects with it as {@code Last-Event-ID} receives its rows changed after that point, in the order the feed
 * sends them (by change time, then id).
 */
record StatusEventId(Instant changedAt, String fileId) {

    static StatusEventId of(FileRecord f) {
        return new StatusEventId(f.updatedAt(), f.id());
    }

    /** Whether {@code f}'s current change comes after this one in feed order. */
    boolean precedes(FileRecord f) {
        int byTime = f.updatedAt().compareTo(changedAt);
        return byTime > 0 || byTime == 0 && f.id().compareTo(fileId) > 0;
    }

    @Override
    public String toString() {
        return changedAt.toEpochMilli() + "." + fileId;
    }

    /** @throws Problem 400 for anything this API did not send */
    static StatusEventId parse(String s) {
        int dot = s.indexOf('.');
        if (dot > 0 && dot <= 15) {
            String millis = s.substring(0, dot);
            String id = s.substring(dot + 1);
            if (millis.chars().allMatch(Character::isDigit) && Ids.isWellFormed(id)) {
                return new StatusEventId(Instant.ofEpochMilli(Long.parseLong(millis)), id);
            }
        }
        throw Problem.badRequest("bad-last-event-id", "Last-Event-ID must be the id of an event this API sent");
    }
}
