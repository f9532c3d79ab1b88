package io.fileconv.operator.erase;

import io.fileconv.core.Env;
import io.fileconv.pipeline.erase.EraseCommand;

/**
 * Erases one user's data, run by hand from the operator image ({@code java -cp fileconv-operator.jar
 * io.fileconv.operator.erase.EraseMain <userId>}); the work is {@link EraseCommand}, which `fileconv erase` also runs.
 */
public final class EraseMain {
    private EraseMain() {
    }

    public static void main(String[] args) {
        System.exit(EraseCommand.run(Env.system(), args));
    }
}
