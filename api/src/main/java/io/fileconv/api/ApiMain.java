package io.fileconv.api;

import io.fileconv.core.Env;
import io.fileconv.core.metrics.FileconvMetrics;

/** The API as a deployable (one per region in Kubernetes), configured from the environment. */
public final class ApiMain {

    private ApiMain() {
    }

    public static void main(String[] args) throws Exception {
        ApiAssembly api = ApiAssembly.start(Env.system(), FileconvMetrics.create("fileconv-api"), () -> null);
        Runtime.getRuntime().addShutdownHook(new Thread(api::close, "shutdown"));
    }
}
