package io.fileconv.local;

import java.util.Arrays;

/**
 * The project's deployables: the module that builds each, its target in images/Dockerfile, its image repository (the
 * chart's defaults image.api / image.operator / image.converter) and the main class its jar must start.
 */
enum Deployable {
    API("api", "api", "io.fileconv.api.ApiMain"),
    OPERATOR("operator", "operator", "io.fileconv.operator.OperatorMain"),
    CONVERTER("converter-image", "converter", "io.fileconv.converter.ConverterMain");

    final String module;
    final String target;
    final String mainClass;

    Deployable(String module, String target, String mainClass) {
        this.module = module;
        this.target = target;
        this.mainClass = mainClass;
    }

    /** What images/build tags the image as (before the registry prefix and tag). */
    String repository() {
        return "fileconv/" + target;
    }

    static Deployable ofModule(String module) {
        return Arrays.stream(values()).filter(d -> d.module.equals(module)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no image is built from module " + module));
    }
}
