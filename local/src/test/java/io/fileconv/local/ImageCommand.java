package io.fileconv.local;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a container of one of our images runs, read from its target in images/Dockerfile (ENTRYPOINT and ENV), as a
 * local process: each path of the entry point that the stage COPYs from the build stage becomes the file the build
 * produced in this checkout (e.g. {@code /opt/fileconv/fileconv-api.jar} -> {@code api/target/fileconv-api.jar}, whose
 * lib/ sits beside it as in the image), and {@code java} this JVM's binary. The environment is the image's plus the
 * container's, nothing inherited from the test JVM but PATH (so LibreOffice is found as in the image). A change to an
 * entry point or to the jar's layout therefore breaks the tests that run images this way.
 */
record ImageCommand(List<String> entrypoint, Map<String, String> imageEnv, Map<String, Path> copiedFromBuild) {

    /** @param module the module that builds the image (api, operator, converter-image) */
    static ImageCommand of(Path repoRoot, String module) throws IOException {
        return of(repoRoot, Deployable.ofModule(module));
    }

    static ImageCommand of(Path repoRoot, Deployable deployable) throws IOException {
        ImageDockerfile dockerfile = ImageDockerfile.read(repoRoot);
        ImageDockerfile.Stage stage = dockerfile.stage(deployable.target);
        Map<String, Path> copied = new LinkedHashMap<>();
        for (ImageDockerfile.Copy copy : stage.copies()) {
            if (copy.from().filter(ImageDockerfile.BUILD_STAGE::equals).isPresent() && copy.sources().size() == 1) {
                copied.put(copy.destination(), dockerfile.inRepository(repoRoot, copy.sources().get(0)));
            }
        }
        return new ImageCommand(stage.entrypoint(), stage.env(), copied);
    }

    /**
     * @param containerEnv the container's environment (wins over the image's, as in Kubernetes)
     * @param args         the container's args, appended to the entry point
     */
    ProcessBuilder process(Map<String, String> containerEnv, List<String> args) {
        List<String> command = new ArrayList<>();
        for (String part : entrypoint) {
            if (part.equals("java")) {
                command.add(ProcessHandle.current().info().command().orElse("java"));
            } else {
                command.add(copiedFromBuild.containsKey(part) ? copiedFromBuild.get(part).toString() : part);
            }
        }
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        String path = env.get("PATH");
        env.clear();
        env.put("PATH", path);
        env.putAll(imageEnv);
        env.putAll(containerEnv);
        return pb;
    }
}
