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
 * The project's images for the k3s test: built by the Docker engine from the committed Dockerfiles and the jars this
 * build packaged, then preloaded into k3s' own containerd (a cluster node cannot see the engine's image store), so pods
 * run exactly what `docker build` documents in converter-image/README.md and operator/README.md.
 */
final class ClusterImages {
    private ClusterImages() {
    }

    /**
     * Builds {@code <module>/Dockerfile} with the repository root as context, sending only the Dockerfile and what it
     * copies (target/lib and the runnable jar), not the whole checkout.
     *
     * @return the image name, {@code repository:tag}
     */
    static String build(Path repoRoot, String module, String jar, String repository, String tag) {
        Path target = repoRoot.resolve(module).resolve("target");
        for (Path needed : new Path[]{target.resolve(jar), target.resolve("lib")}) {
            if (!Files.exists(needed)) {
                throw new IllegalStateException(needed + " is missing: the k3s test runs in the integration-test phase,"
                        + " after `mvn package` built " + module + " (run it through `mvn verify`)");
            }
        }
        String image = repository + ":" + tag;
        new ImageFromDockerfile(image, false)
                .withFileFromPath(module + "/Dockerfile", repoRoot.resolve(module).resolve("Dockerfile"))
                .withFileFromPath(module + "/target/lib", target.resolve("lib"))
                .withFileFromPath(module + "/target/" + jar, target.resolve(jar))
                .withDockerfilePath(module + "/Dockerfile")
                .get();
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
