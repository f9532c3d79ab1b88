package io.fileconv.core.work;

import io.fileconv.core.FailureClass;

/**
 * What a worker reports for a {@link WorkItem}: converted (the PDF is at the target URL) or failed with a class
 * and a reason in our own words.
 *
 * @param failureClass null when converted
 * @param reason       null when converted
 * @param conversionMs LibreOffice time only, without transfers (0 when failed before converting)
 * @param thumbnail    whether the thumbnail was written; null when none was asked for or the conversion failed (a
 *                     thumbnail failure never fails the conversion, it is only counted)
 */
public record WorkOutcome(boolean converted, FailureClass failureClass, String reason, long conversionMs,
                          Boolean thumbnail) {
    public WorkOutcome(boolean converted, FailureClass failureClass, String reason, long conversionMs) {
        this(converted, failureClass, reason, conversionMs, null);
    }

    public static WorkOutcome converted(long conversionMs) {
        return new WorkOutcome(true, null, null, conversionMs);
    }

    public static WorkOutcome converted(long conversionMs, Boolean thumbnail) {
        return new WorkOutcome(true, null, null, conversionMs, thumbnail);
    }

    public static WorkOutcome failed(FailureClass failureClass, String reason, long conversionMs) {
        return new WorkOutcome(false, failureClass, reason, conversionMs);
    }
}
