package io.fileconv.local;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * images/Dockerfile read into its stages, for the tests that run or check the images: only the instruction forms the
 * file uses (FROM ... AS, COPY [--from=], RUN, ENV, USER, WORKDIR, exec-form ENTRYPOINT); anything else it cannot read
 * is an error, so the file cannot drift into a shape these tests silently misread.
 */
record ImageDockerfile(Path file, List<Stage> stages) {
    static final String BUILD_STAGE = "build";
    private static final Pattern FROM = Pattern.compile("(\\S+)\\s+AS\\s+(\\S+)", Pattern.CASE_INSENSITIVE);
    private static final Pattern ENV_PAIR = Pattern.compile("(\\w+)=(\"([^\"]*)\"|(\\S+))");

    static ImageDockerfile read(Path repoRoot) throws IOException {
        Path file = repoRoot.resolve("images").resolve("Dockerfile");
        List<String> lines = Files.readAllLines(file).stream()
                .filter(l -> !l.isBlank() && !l.stripLeading().startsWith("#")).toList();
        String joined = String.join("\n", lines).replaceAll("\\\\\\n\\s*", " "); // continuation lines
        List<Stage> stages = new ArrayList<>();
        for (String line : joined.lines().toList()) {
            String[] parts = line.strip().split("\\s+", 2);
            String keyword = parts[0].toUpperCase(Locale.ROOT);
            String args = parts.length > 1 ? parts[1].strip() : "";
            if (keyword.equals("FROM")) {
                Matcher m = FROM.matcher(args);
                if (!m.matches()) {
                    throw new IllegalStateException(file + ": every stage must be named (FROM <image> AS <name>): " + line);
                }
                stages.add(new Stage(m.group(2), m.group(1), new ArrayList<>()));
            } else if (stages.isEmpty()) {
                throw new IllegalStateException(file + ": instruction before the first FROM: " + line);
            } else {
                stages.get(stages.size() - 1).instructions().add(new Instruction(keyword, args));
            }
        }
        return new ImageDockerfile(file, List.copyOf(stages));
    }

    Stage stage(String name) {
        return stages.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException(file + " has no stage named " + name));
    }

    /** The directory of the build stage (its WORKDIR) that holds the repository's files, e.g. {@code /src}. */
    String buildRoot() {
        return stage(BUILD_STAGE).workdir().orElseThrow(() -> new IllegalStateException("build stage without WORKDIR"));
    }

    /**
     * Where a path of the build stage's file system comes from in this checkout: the build stage works in a copy of
     * the repository at its WORKDIR, so {@code /src/api/target/x.jar} is {@code <repo>/api/target/x.jar}.
     */
    Path inRepository(Path repoRoot, String buildStagePath) {
        String root = buildRoot() + "/";
        if (!buildStagePath.startsWith(root)) {
            throw new IllegalStateException(buildStagePath + " is not under the build stage's " + root);
        }
        return repoRoot.resolve(buildStagePath.substring(root.length()));
    }

    record Instruction(String keyword, String args) {
    }

    /** COPY [--from=stage] [other flags] source... destination */
    record Copy(Optional<String> from, List<String> sources, String destination) {
    }

    record Stage(String name, String from, List<Instruction> instructions) {
        List<Instruction> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
        }

        List<Copy> copies() {
            List<Copy> copies = new ArrayList<>();
            for (Instruction i : all("COPY")) {
                List<String> words = List.of(i.args().split("\\s+"));
                Optional<String> from = Optional.empty();
                int first = 0;
                while (words.get(first).startsWith("--")) {
                    if (words.get(first).startsWith("--from=")) {
                        from = Optional.of(words.get(first).substring("--from=".length()));
                    }
                    first++;
                }
                if (words.size() - first < 2 || i.args().startsWith("[")) {
                    throw new IllegalStateException("unreadable COPY (use COPY [--from=x] src... dest): " + i.args());
                }
                copies.add(new Copy(from, words.subList(first, words.size() - 1), words.get(words.size() - 1)));
            }
            return copies;
        }

        List<String> entrypoint() {
            List<Instruction> entrypoints = all("ENTRYPOINT");
            if (entrypoints.isEmpty() || !entrypoints.get(entrypoints.size() - 1).args().startsWith("[")) {
                throw new IllegalStateException("stage " + name + " has no exec-form ENTRYPOINT");
            }
            try {
                return new ObjectMapper().readValue(entrypoints.get(entrypoints.size() - 1).args(),
                        new TypeReference<List<String>>() { });
            } catch (IOException e) {
                throw new IllegalStateException("stage " + name + ": ENTRYPOINT is not a JSON array of strings", e);
            }
        }

        /** The stage's own ENV settings (not the base image's). */
        Map<String, String> env() {
            Map<String, String> env = new LinkedHashMap<>();
            for (Instruction i : all("ENV")) {
                Matcher pair = ENV_PAIR.matcher(i.args());
                while (pair.find()) {
                    env.put(pair.group(1), pair.group(3) != null ? pair.group(3) : pair.group(4));
                }
            }
            return env;
        }

        Optional<String> user() {
            List<Instruction> users = all("USER");
            return users.isEmpty() ? Optional.empty() : Optional.of(users.get(users.size() - 1).args());
        }

        Optional<String> workdir() {
            List<Instruction> dirs = all("WORKDIR");
            return dirs.isEmpty() ? Optional.empty() : Optional.of(dirs.get(dirs.size() - 1).args());
        }
    }
}
