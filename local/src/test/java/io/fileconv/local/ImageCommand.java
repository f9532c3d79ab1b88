package io.fileconv.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a container of one of our images runs, read from its Dockerfile (ENTRYPOINT and ENV), as a local process:
 * {@code /opt/fileconv/} (where the Dockerfiles copy the jar and lib/) becomes the module's target directory and
 * {@code java} this JVM's binary. The environment is the image's plus the container's, nothing inherited from the
 * test JVM but PATH (so LibreOffice is found as in the image). A change to a Dockerfile's entry point or to the
 * jar's layout therefore breaks the tests that run images this way.
 */
record ImageCommand(List<String> entrypoint, Map<String, String> imageEnv, Path targetDir) {
    private static final String IMAGE_DIR = "/opt/fileconv/";
    private static final Pattern ENTRYPOINT = Pattern.compile("^ENTRYPOINT\\s+\\[(.*)]\\s*$", Pattern.MULTILINE);
    private static final Pattern ENV_PAIR = Pattern.compile("(\\w+)=(\"([^\"]*)\"|(\\S+))");

    static ImageCommand of(Path repoRoot, String module) throws IOException {
        String dockerfile = Files.readString(repoRoot.resolve(module).resolve("Dockerfile"))
                .replaceAll("\\\\\\n\\s*", " "); // join continuation lines
        Matcher m = ENTRYPOINT.matcher(dockerfile);
        if (!m.find()) {
            throw new IllegalStateException(module + "/Dockerfile has no exec-form ENTRYPOINT");
        }
        List<String> entrypoint = new ArrayList<>();
        Matcher arg = Pattern.compile("\"([^\"]*)\"").matcher(m.group(1));
        while (arg.find()) {
            entrypoint.add(arg.group(1));
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : dockerfile.lines().filter(l -> l.startsWith("ENV ")).toList()) {
            Matcher pair = ENV_PAIR.matcher(line.substring(4));
            while (pair.find()) {
                env.put(pair.group(1), pair.group(3) != null ? pair.group(3) : pair.group(4));
            }
        }
        return new ImageCommand(List.copyOf(entrypoint), env, repoRoot.resolve(module).resolve("target"));
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
            } else if (part.startsWith(IMAGE_DIR)) {
                command.add(targetDir.resolve(part.substring(IMAGE_DIR.length())).toString());
            } else {
                command.add(part);
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
