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

/**
 * The project's images for the k3s test: built by the Docker engine from the committed Dockerfiles and the jars this
 * build packaged, then imported into k3s' own containerd (a cluster node cannot see the engine's image store), so pods
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

    /** `docker save` into a file, then `ctr images import` inside the k3s node. */
    static void importInto(K3sContainer k3s, String image, Path workDir) throws IOException, InterruptedException {
        int colon = image.lastIndexOf(':');
        Path tar = workDir.resolve(image.replaceAll("[^A-Za-z0-9.-]", "_") + ".tar");
        Files.createDirectories(workDir);
        try (InputStream in = DockerClientFactory.instance().client()
                .saveImageCmd(image.substring(0, colon)).withTag(image.substring(colon + 1)).exec()) {
            Files.copy(in, tar, StandardCopyOption.REPLACE_EXISTING);
        }
        String inNode = "/tmp/" + tar.getFileName();
        k3s.copyFileToContainer(MountableFile.forHostPath(tar), inNode);
        // k8s.io is the containerd namespace the kubelet reads images from.
        ExecResult result = k3s.execInContainer("ctr", "-n", "k8s.io", "images", "import", inNode);
        if (result.getExitCode() != 0) {
            throw new IllegalStateException("ctr images import " + image + " failed (" + result.getExitCode() + "): "
                    + result.getStderr() + result.getStdout());
        }
        k3s.execInContainer("rm", "-f", inNode);
        Files.deleteIfExists(tar);
    }
}
