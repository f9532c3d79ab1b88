package io.fileconv.core;

import java.util.regex.Pattern;

/**
 * User ids (JWT subjects) become S3 key segments and log fields, so their alphabet is restricted: letters, digits and
 * {@code . _ @ - |} ({@code |} because Auth0's subjects are {@code <connection>|<id>}).
 */
public final class UserIds {
    private static final Pattern VALID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._@|-]{0,127}$");

    private UserIds() {
    }

    public static boolean isValid(String userId) {
        return userId != null && VALID.matcher(userId).matches() && !userId.contains("..");
    }
}
