package io.fileconv.local;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.MountableFile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

/**
 * The project's images for the k3s test: built by the Docker engine from images/Dockerfile (as images/build does), then
 * preloaded into k3s' own containerd (a cluster node cannot see the engine's image store), so pods run exactly what
 * images/README.md documents.
 */
final class ClusterImages {
    private ClusterImages() {
    }

    /**
     * Builds one target of images/Dockerfile as images/build does, from the sources: the context holds the Dockerfile
     * and exactly what its build stage COPYs from this checkout (poms, sources, the Maven wrapper), nothing of target/.
     * The engine runs the build stage once; the other targets reuse it from its cache.
     *
     * @return the image name, {@code repository:tag}
     */
    static String build(Path repoRoot, Deployable deployable, String tag) throws IOException {
        ImageDockerfile dockerfile = ImageDockerfile.read(repoRoot);
        String image = deployable.repository() + ":" + tag;
        ImageFromDockerfile build = new ImageFromDockerfile(image, false)
                .withFileFromPath("images/Dockerfile", dockerfile.file())
                // withDockerfilePath, not withDockerfile(Path): the latter has Testcontainers parse the FROM lines to
                // pre-pull them, and its DockerImageName (2.0.5) rejects `name:tag@sha256:...`; the engine pulls them.
                .withDockerfilePath("images/Dockerfile")
                .withTarget(deployable.target);
        for (ImageDockerfile.Copy copy : dockerfile.stage(ImageDockerfile.BUILD_STAGE).copies()) {
            for (String source : copy.sources()) {
                String relative = source.replaceAll("/+$", "");
                build.withFileFromPath(relative, repoRoot.resolve(relative));
            }
        }
        build.get();
        return image;
    }

    /** Where k3s imports image archives from when its agent starts (its air-gap mechanism, which pins them). */
    static final String PRELOAD_DIR = "/var/lib/rancher/k3s/agent/images/";

    /**
     * `docker save` into a file, to be copied into {@link #PRELOAD_DIR} before k3s starts. Preloading (rather than
     * `ctr images import` afterwards) survives archives from Docker's containerd image store, which `ctr` rejects,
     * and pins the images so the kubelet's image garbage collection never removes them mid-test.
     */
    static Path save(String image, Path workDir) throws IOException {
        int colon = image.lastIndexOf(':');
        Path tar = workDir.resolve(image.replaceAll("[^A-Za-z0-9.-]", "_") + ".tar");
        Files.createDirectories(workDir);
        try (InputStream in = DockerClientFactory.instance().client()
                .saveImageCmd(image.substring(0, colon)).withTag(image.substring(colon + 1)).exec()) {
            Files.copy(in, tar, StandardCopyOption.REPLACE_EXISTING);
        }
        return tar;
    }

    /** Preloads the archive into a k3s container that has not started yet. */
    static void preload(K3sContainer k3s, Path tar) {
        k3s.withCopyFileToContainer(MountableFile.forHostPath(tar), PRELOAD_DIR + tar.getFileName());
    }

    /** Waits until the started node's containerd holds the image, and pins it (again, for older k3s releases). */
    static void awaitImported(K3sContainer k3s, String image) throws IOException, InterruptedException {
        String ref = "docker.io/" + image;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (true) {
            // k8s.io is the containerd namespace the kubelet reads images from.
            ExecResult list = k3s.execInContainer("ctr", "-n", "k8s.io", "images", "ls", "-q");
            if (list.getStdout().lines().anyMatch(ref::equals)) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(ref + " was not imported from " + PRELOAD_DIR + "; images: "
                        + list.getStdout() + list.getStderr());
            }
            Thread.sleep(2000);
        }
        ExecResult pin = k3s.execInContainer("ctr", "-n", "k8s.io", "images", "label", ref,
                "io.cri-containerd.pinned=pinned");
        if (pin.getExitCode() != 0) {
            throw new IllegalStateException("could not pin " + ref + ": " + pin.getStderr());
        }
    }
}
