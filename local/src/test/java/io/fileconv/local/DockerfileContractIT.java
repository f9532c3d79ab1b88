package io.fileconv.local;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * images/Dockerfile against what `mvn package` built (hence a failsafe test, after `package`): each image's COPY
 * sources are the build's real outputs (the jar named by the module's finalName, lib/ holding exactly the jar's
 * Class-Path), the entry point starts the jar at the place it was copied to, the jar's Main-Class is the deployable's
 * main, base images are pinned by digest, the user is numeric and not root, the build stage copies what Maven needs to
 * build the three modules, the converter installs the LibreOffice packages the embedded stack uses, and the chart's
 * retry CronJob command finds its class in the operator image.
 */
class DockerfileContractIT {
    private static final Pattern PINNED = Pattern.compile("[a-z0-9][a-z0-9._/-]*:[A-Za-z0-9._-]+@sha256:[0-9a-f]{64}");
    private static final Pattern NUMERIC_USER = Pattern.compile("(\\d+)(:(\\d+))?");
    private static final Pattern OFFICE_PACKAGES = Pattern.compile("(?m)^OFFICE_PACKAGES=\"([^\"]+)\"");
    /** The JRE the converter stage installs besides OFFICE_PACKAGES (the embedded stack uses the JDK running it). */
    private static final String CONVERTER_JRE = "openjdk-17-jre-headless";

    private static Path repo;
    private static ImageDockerfile dockerfile;
    private static ModulePoms poms;

    @BeforeAll
    static void read() throws Exception {
        repo = ReleaseValues.repoRoot();
        dockerfile = ImageDockerfile.read(repo);
        poms = new ModulePoms(repo);
    }

    @Test
    void everyBaseImageIsPinnedByDigestWithItsTagKept() {
        for (ImageDockerfile.Stage stage : dockerfile.stages()) {
            assertThat(stage.from()).as("FROM of stage %s", stage.name()).matches(PINNED);
        }
    }

    @ParameterizedTest
    @EnumSource(Deployable.class)
    void theImageRunsAsANumericNonRootUser(Deployable d) {
        String user = dockerfile.stage(d.target).user().orElseThrow(() -> new AssertionError(d.target + " sets no USER"));
        Matcher m = NUMERIC_USER.matcher(user);
        assertThat(m.matches()).as("USER %s of %s is uid[:gid] in numbers (runAsNonRoot can check it)", user, d.target)
                .isTrue();
        assertThat(Integer.parseInt(m.group(1))).as("uid").isPositive();
        if (m.group(3) != null) {
            assertThat(Integer.parseInt(m.group(3))).as("gid").isPositive();
        }
    }

    @ParameterizedTest
    @EnumSource(Deployable.class)
    void theEntryPointStartsTheCopiedJarWhoseManifestNamesTheMainClass(Deployable d) throws IOException {
        ImageDockerfile.Stage stage = dockerfile.stage(d.target);
        List<String> entrypoint = stage.entrypoint();
        assertThat(entrypoint).as("ENTRYPOINT of %s", d.target).hasSize(3).startsWith("java", "-jar");
        String jarInImage = entrypoint.get(2);

        String jarName = poms.finalName(d.module) + ".jar";
        String builtJar = dockerfile.buildRoot() + "/" + d.module + "/target/" + jarName;
        ImageDockerfile.Copy jarCopy = copyTo(stage, jarInImage);
        assertThat(jarCopy.from()).as("the jar comes from the build stage").contains(ImageDockerfile.BUILD_STAGE);
        assertThat(jarCopy.sources()).as("COPY source of %s", jarInImage).containsExactly(builtJar);
        Path jar = dockerfile.inRepository(repo, builtJar);
        assertThat(jar).as("what `mvn package` builds for %s", d.module).isRegularFile();

        try (JarFile file = new JarFile(jar.toFile())) {
            Attributes manifest = file.getManifest().getMainAttributes();
            assertThat(manifest.getValue(Attributes.Name.MAIN_CLASS)).isEqualTo(d.mainClass);
            assertThat(file.getEntry(d.mainClass.replace('.', '/') + ".class")).as("%s in the jar", d.mainClass)
                    .isNotNull();
        }
    }

    @ParameterizedTest
    @EnumSource(Deployable.class)
    void libHoldsExactlyTheJarsClassPathBesideTheJar(Deployable d) throws IOException {
        ImageDockerfile.Stage stage = dockerfile.stage(d.target);
        String jarInImage = stage.entrypoint().get(2);
        String imageDir = jarInImage.substring(0, jarInImage.lastIndexOf('/') + 1);
        ImageDockerfile.Copy libCopy = copyTo(stage, imageDir + "lib/");
        String builtLib = dockerfile.buildRoot() + "/" + d.module + "/target/lib/";
        assertThat(libCopy.from()).contains(ImageDockerfile.BUILD_STAGE);
        assertThat(libCopy.sources()).containsExactly(builtLib);

        Path lib = dockerfile.inRepository(repo, builtLib);
        assertThat(lib).isDirectory();
        Set<String> inLib;
        try (Stream<Path> files = Files.list(lib)) {
            inLib = files.map(p -> "lib/" + p.getFileName()).collect(Collectors.toCollection(LinkedHashSet::new));
        }
        Path jar = dockerfile.inRepository(repo, copyTo(stage, jarInImage).sources().get(0));
        Set<String> classPath;
        try (JarFile file = new JarFile(jar.toFile())) {
            classPath = Set.of(file.getManifest().getMainAttributes().getValue(Attributes.Name.CLASS_PATH).split(" "));
        }
        assertThat(inLib).as("%s: lib/ is the runtime classpath the manifest names", d.module)
                .isNotEmpty().containsExactlyInAnyOrderElementsOf(classPath);
        assertThat(inLib).as("the project's core library is among the runtime dependencies")
                .anyMatch(f -> f.startsWith("lib/fileconv-core-"));
    }

    @Test
    void runtimeStagesTakeFilesOnlyFromTheBuildStageAndEveryCopySourceExists() {
        for (ImageDockerfile.Stage stage : dockerfile.stages()) {
            for (ImageDockerfile.Copy copy : stage.copies()) {
                for (String source : copy.sources()) {
                    if (stage.name().equals(ImageDockerfile.BUILD_STAGE)) {
                        assertThat(copy.from()).as("build stage copies from the context").isEmpty();
                        assertThat(repo.resolve(source)).as("COPY %s in the build stage", source).exists();
                        assertThat(source).as("no build output is copied in: the image builds from sources")
                                .doesNotContain("target");
                    } else {
                        assertThat(copy.from()).as("COPY %s in %s", source, stage.name())
                                .contains(ImageDockerfile.BUILD_STAGE);
                        assertThat(dockerfile.inRepository(repo, source)).as("COPY --from=build %s", source).exists();
                    }
                }
            }
        }
    }

    @Test
    void theBuildStageCopiesEveryModulePomAndTheSourcesOfWhatItBuilds() {
        ImageDockerfile.Stage build = dockerfile.stage(ImageDockerfile.BUILD_STAGE);
        List<String> copied = new ArrayList<>();
        build.copies().forEach(c -> copied.addAll(c.sources()));
        assertThat(copied).contains("mvnw", "pom.xml", ".mvn/");
        for (String module : poms.modules()) {
            assertThat(copied).as("Maven reads every reactor module's pom").contains(module + "/pom.xml");
        }

        List<String> runs = build.all("RUN").stream().map(ImageDockerfile.Instruction::args).toList();
        String maven = runs.stream().filter(r -> r.startsWith("./mvnw ")).findFirst()
                .orElseThrow(() -> new AssertionError("the build stage runs no ./mvnw: " + runs));
        assertThat(maven).contains(" package").contains(" -am");
        Matcher pl = Pattern.compile("-pl\\s+(\\S+)").matcher(maven);
        assertThat(pl.find()).as("-pl in %s", maven).isTrue();
        List<String> built = Arrays.asList(pl.group(1).split(","));
        assertThat(built).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(Deployable.values()).map(d -> d.module).toList());
        for (String module : built) {
            for (String needed : poms.withProjectDependencies(module)) {
                assertThat(copied).as("-am builds %s for %s: its sources are copied", needed, module)
                        .contains(needed + "/src/");
            }
        }
    }

    @Test
    void theConverterInstallsExactlyTheOfficePackagesOfTheEmbeddedStackPlusAJre() throws IOException {
        Matcher m = OFFICE_PACKAGES.matcher(Files.readString(repo.resolve("fileconv")));
        assertThat(m.find()).as("OFFICE_PACKAGES in ./fileconv").isTrue();
        Set<String> expected = new LinkedHashSet<>(List.of(m.group(1).trim().split("\\s+")));
        expected.add(CONVERTER_JRE);

        List<String> installs = dockerfile.stage(Deployable.CONVERTER.target).all("RUN").stream()
                .map(ImageDockerfile.Instruction::args).filter(r -> r.contains("apt-get install")).toList();
        assertThat(installs).as("one apt-get install in the converter stage").hasSize(1);
        String afterInstall = installs.get(0).substring(installs.get(0).indexOf("apt-get install")
                + "apt-get install".length());
        Set<String> installed = Arrays.stream(afterInstall.split("&&")[0].trim().split("\\s+"))
                .filter(w -> !w.startsWith("-")).collect(Collectors.toCollection(LinkedHashSet::new));
        assertThat(installed).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(installs.get(0)).contains("--no-install-recommends");
    }

    /**
     * The chart runs the images images/build names (its defaults, with the API on), each Deployment with the image's own
     * entry point (no command or args), and gives the operator the converter image for its Jobs.
     */
    @Test
    void theChartRunsTheseImagesWithTheirEntryPoints() throws Exception {
        List<HasMetadata> release = render();
        for (Deployable d : List.of(Deployable.API, Deployable.OPERATOR)) {
            Deployment deployment = release.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast)
                    .filter(x -> x.getMetadata().getLabels().get("app.kubernetes.io/name").equals("fileconv-" + d.target))
                    .findFirst().orElseThrow(() -> new AssertionError("no Deployment of " + d.target));
            Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
            assertThat(container.getImage()).as("%s image", d.target).matches(".*/" + d.repository() + ":[^:/]+");
            assertThat(container.getCommand()).as("%s command", d.target).isNullOrEmpty();
            assertThat(container.getArgs()).as("%s args", d.target).isNullOrEmpty();
            if (d == Deployable.OPERATOR) {
                assertThat(container.getEnv()).anySatisfy(e -> {
                    assertThat(e.getName()).isEqualTo("FILECONV_CONVERTER_IMAGE");
                    assertThat(e.getValue()).matches(".*/" + Deployable.CONVERTER.repository() + ":[^:/]+");
                });
            }
        }
    }

    /** The chart runs the retry job as a command of the operator image; the class must be in the jar it names. */
    @Test
    void theChartsRetryCommandRunsRetryMainFromTheOperatorJar() throws Exception {
        List<HasMetadata> release = render();
        CronJob retry = release.stream().filter(CronJob.class::isInstance).map(CronJob.class::cast).findFirst()
                .orElseThrow(() -> new AssertionError("the chart renders no retry CronJob"));
        Container container = retry.getSpec().getJobTemplate().getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getImage()).contains(Deployable.OPERATOR.repository() + ":");
        List<String> command = container.getCommand();
        assertThat(command).hasSize(4).startsWith("java", "-cp");
        ImageDockerfile.Stage operator = dockerfile.stage(Deployable.OPERATOR.target);
        assertThat(command.get(2)).as("the operator image's jar").isEqualTo(operator.entrypoint().get(2));
        Path jar = dockerfile.inRepository(repo, copyTo(operator, command.get(2)).sources().get(0));
        try (JarFile file = new JarFile(jar.toFile())) {
            assertThat(file.getEntry(command.get(3).replace('.', '/') + ".class")).as("%s in %s", command.get(3), jar)
                    .isNotNull();
        }
    }

    /** The chart with the tests' release values and the API on (ReleaseValues installs the operator only). */
    private static List<HasMetadata> render() throws IOException {
        Path dir = Path.of("target", "dockerfile-contract-it").toAbsolutePath();
        ReleaseValues values = new ReleaseValues("contract", "jdbc:mariadb://mariadb:3306/", "kafka:9092",
                "http://s3:9000", "127.0.0.1/32", 9000);
        String rendered = new Helm(ReleaseValues.chart()).template().withName(ReleaseValues.RELEASE)
                .withNamespace(ReleaseValues.NAMESPACE).withKubeVersion("1.31.4").withValuesFile(values.write(dir))
                .set("api.enabled", "true").call();
        KubernetesSerialization serialization = new KubernetesSerialization();
        return Arrays.stream(rendered.split("(?m)^---\\s*$"))
                .filter(doc -> doc.lines().anyMatch(l -> l.startsWith("kind:")))
                .map(doc -> (HasMetadata) serialization.unmarshal(doc)).toList();
    }

    private static ImageDockerfile.Copy copyTo(ImageDockerfile.Stage stage, String destination) {
        List<ImageDockerfile.Copy> copies = stage.copies().stream()
                .filter(c -> c.destination().equals(destination)).toList();
        assertThat(copies).as("stage %s has one COPY to %s", stage.name(), destination).hasSize(1);
        return copies.get(0);
    }
}
