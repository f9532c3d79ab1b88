package io.fileconv.core;

/** Object keys are built from server-side ids only, never from the uploaded file name. */
public final class S3Keys {
    private S3Keys() {
    }

    public static String input(String userId, String fileId) {
        return userSegment(userId) + "/" + fileId + "/input";
    }

    public static String output(String userId, String fileId) {
        return userSegment(userId) + "/" + fileId + "/output.pdf";
    }

    /** PNG of the PDF's first page (written by the converter next to the PDF; optional). */
    public static String thumbnail(String userId, String fileId) {
        return userSegment(userId) + "/" + fileId + "/thumbnail.png";
    }

    /** Everything stored for one file (input, PDF, parts of an unfinished upload) lies under this prefix. */
    public static String fileFolder(String userId, String fileId) {
        return userSegment(userId) + "/" + fileId + "/";
    }

    /** Everything stored for one user in a bucket lies under this prefix. */
    public static String userFolder(String userId) {
        return userSegment(userId) + "/";
    }

    private static String userSegment(String userId) {
        if (!UserIds.isValid(userId)) {
            throw new IllegalArgumentException("invalid user id");
        }
        return userId;
    }
}
