package io.fileconv.core;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.regex.Pattern;

/** Time-ordered UUIDv7 ids (RFC 9562): sortable by creation time, unguessable in their random part. */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern UUID_SHAPE =
            Pattern.compile("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");

    private Ids() {
    }

    public static String newId() {
        long millis = System.currentTimeMillis();
        long randA = RANDOM.nextInt(1 << 12);
        long msb = (millis << 16) | (0x7L << 12) | randA;
        long lsb = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }

    /** Ids come from URLs: only well-formed ones reach SQL or S3 keys. */
    public static boolean isWellFormed(String id) {
        return id != null && UUID_SHAPE.matcher(id).matches();
    }
}
