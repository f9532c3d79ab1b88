package io.fileconv.local;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * images/build's argument handling and engine choice, run with bash and stand-in engines: each stand-in is a script
 * named docker/podman/buildah on an otherwise empty PATH that records its arguments (the script uses bash builtins
 * only, so nothing else is needed on PATH). The image names it builds must be the chart's defaults.
 */
class ImagesBuildScriptTest {
    private static Path repo;
    private static String tag;
    private static List<String> repositories;

    @TempDir
    Path dir;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void chartDefaults() throws IOException {
        repo = ReleaseValues.repoRoot();
        Load yaml = new Load(LoadSettings.builder().build());
        Path chart = ReleaseValues.chart();
        tag = (String) ((Map<String, Object>) yaml.loadFromString(Files.readString(chart.resolve("Chart.yaml"))))
                .get("appVersion");
        Map<String, Object> image = (Map<String, Object>) ((Map<String, Object>) yaml.loadFromString(
                Files.readString(chart.resolve("values.yaml")))).get("image");
        repositories = List.of((String) image.get("api"), (String) image.get("operator"),
                (String) image.get("converter"));
        assertThat(repositories).as("the chart's image names are the images' names")
                .containsExactly(Arrays.stream(Deployable.values()).map(Deployable::repository).toArray(String[]::new));
    }

    @Test
    void theScriptParses() throws Exception {
        assertThat(run(List.of("-n", script().toString()), Map.of()).code).isZero();
    }

    @Test
    void withoutArgumentsItBuildsTheThreeImagesUnderTheChartsNamesAndTag() throws Exception {
        Path bin = engines("podman");
        Result r = bash(bin);
        assertThat(r.code).as(r.output).isZero();
        assertThat(calls()).containsExactly(
                "podman build -f images/Dockerfile --target api -t " + repositories.get(0) + ":" + tag + " .",
                "podman build -f images/Dockerfile --target operator -t " + repositories.get(1) + ":" + tag + " .",
                "podman build -f images/Dockerfile --target converter -t " + repositories.get(2) + ":" + tag + " .");
    }

    @Test
    void pushNamesTheImagesUnderTheRegistryAndPushesThemWithThePreferredEngine() throws Exception {
        Path bin = engines("buildah", "podman", "docker");
        Result r = bash(bin, "--push", "registry.example:5000/team/", "--tag", "1.2.3");
        assertThat(r.code).as(r.output).isZero();
        String prefix = "registry.example:5000/team/";
        assertThat(calls()).containsExactly(
                "docker build -f images/Dockerfile --target api -t " + prefix + "fileconv/api:1.2.3 .",
                "docker build -f images/Dockerfile --target operator -t " + prefix + "fileconv/operator:1.2.3 .",
                "docker build -f images/Dockerfile --target converter -t " + prefix + "fileconv/converter:1.2.3 .",
                "docker push " + prefix + "fileconv/api:1.2.3",
                "docker push " + prefix + "fileconv/operator:1.2.3",
                "docker push " + prefix + "fileconv/converter:1.2.3");
    }

    @Test
    void anExplicitEngineWinsAndADryRunRunsNothing() throws Exception {
        Path bin = engines("docker", "buildah");
        Result r = bash(bin, "--engine", "buildah", "--dry-run", "--push", "ghcr.io/acme");
        assertThat(r.code).as(r.output).isZero();
        assertThat(calls()).as("nothing run").isEmpty();
        // buildah needs --layers to reuse the build stage for the next target.
        assertThat(r.output).contains("+ buildah build --layers -f images/Dockerfile --target converter -t ghcr.io/acme/"
                + "fileconv/converter:" + tag + " .", "+ buildah push ghcr.io/acme/fileconv/api:" + tag, "dry run");
    }

    @Test
    void withoutAnEngineItSaysWhatToInstall() throws Exception {
        Result r = bash(engines());
        assertThat(r.code).isEqualTo(3);
        assertThat(r.output).contains("no container engine found: install Docker, Podman or Buildah");
    }

    @Test
    void aFailedBuildStopsTheScriptBeforeAnyPush() throws Exception {
        Path bin = engines();
        Path docker = bin.resolve("docker");
        Files.writeString(docker, "#!/bin/sh\nprintf '%s\\n' \"docker $*\" >> \"$ENGINE_LOG\"\nexit 1\n");
        Files.setPosixFilePermissions(docker, PosixFilePermissions.fromString("rwxr-xr-x"));
        Result r = bash(bin, "--push", "ghcr.io/acme");
        assertThat(r.code).isNotZero();
        assertThat(calls()).containsExactly(
                "docker build -f images/Dockerfile --target api -t ghcr.io/acme/fileconv/api:" + tag + " .");
    }

    @Test
    void badArgumentsAreRefusedWithTheReason() throws Exception {
        Path bin = engines("docker");
        assertRefused(bin, "--push needs a registry", "--push");
        assertRefused(bin, "--push needs a registry", "--push", "--tag", "1");
        assertRefused(bin, "--tag needs a value", "--tag");
        assertRefused(bin, "invalid tag '../x'", "--tag", "../x");
        assertRefused(bin, "unknown engine 'nerdctl'", "--engine", "nerdctl");
        assertRefused(bin, "unknown argument: --frobnicate", "--frobnicate");
        assertThat(calls()).as("nothing built").isEmpty();
    }

    private void assertRefused(Path bin, String message, String... args) throws Exception {
        Result r = bash(bin, args);
        assertThat(r.code).as("exit code for %s", List.of(args)).isEqualTo(2);
        assertThat(r.output).contains(message);
    }

    /** A PATH directory holding only stand-ins for the given engines. */
    private Path engines(String... names) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String name : names) {
            Path engine = bin.resolve(name);
            Files.writeString(engine, "#!/bin/sh\nprintf '%s\\n' \"" + name + " $*\" >> \"$ENGINE_LOG\"\n");
            Files.setPosixFilePermissions(engine, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return bin;
    }

    private List<String> calls() throws IOException {
        Path log = dir.resolve("engine.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    private Result bash(Path bin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(script().toString()));
        command.addAll(List.of(args));
        return run(command, Map.of("PATH", bin.toString(), "ENGINE_LOG", dir.resolve("engine.log").toString()));
    }

    private static Path script() {
        return repo.resolve("images").resolve("build");
    }

    private static Result run(List<String> bashArgs, Map<String, String> env) throws Exception {
        List<String> command = new ArrayList<>(List.of(bashBinary()));
        command.addAll(bashArgs);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(1, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("images/build did not finish: " + output);
        }
        return new Result(p.exitValue(), output);
    }

    private static String bashBinary() {
        for (String candidate : List.of("/bin/bash", "/usr/bin/bash")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("images/build is a bash script and no bash was found in /bin or /usr/bin");
    }

    private record Result(int code, String output) {
    }
}
