package io.fileconv.operator.retry;

import io.fileconv.core.Env;
import io.fileconv.pipeline.retry.RetryCommand;

/**
 * The chart's daily retry CronJob, a command of the operator image ({@code java -cp fileconv-operator.jar
 * io.fileconv.operator.retry.RetryMain}); the pass itself is {@link RetryCommand}, which `fileconv retry` also runs.
 */
public final class RetryMain {
    private RetryMain() {
    }

    public static void main(String[] args) {
        System.exit(RetryCommand.run(Env.system()));
    }
}
