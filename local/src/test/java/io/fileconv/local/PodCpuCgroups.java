package io.fileconv.local;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The kubelet's CPU accounting for the stand-in's pods, on a cgroup v1 {@code cpu} hierarchy: each pod's processes go
 * into a cgroup of their own whose {@code cpu.shares} is the container's CPU request (milliCPU x 1024 / 1000, at
 * least 2) and whose CFS quota is its CPU limit, the values the kubelet writes for a Burstable pod. Under contention
 * the kernel then gives a pod its request's share against its siblings, as a node does; without it, a pod's few
 * threads compete one by one with every thread of the rest of the simulation on the same cores.
 *
 * <p>Off unless the system property {@code fileconv.kubelet.cpuCgroup} names a writable cgroup directory (bench/pool
 * creates one, and puts everything else it runs into a sibling cgroup whose shares it reports). The tests never
 * turn it on: their assertions do not depend on CPU shares.
 */
final class PodCpuCgroups {
    static final String PROPERTY = "fileconv.kubelet.cpuCgroup";
    private static final long PERIOD_US = 100_000; // the kubelet's CFS period

    private final Path parent;

    private PodCpuCgroups(Path parent) {
        this.parent = parent;
    }

    /** The hierarchy named by {@value #PROPERTY}, when set and writable. */
    static Optional<PodCpuCgroups> fromSystemProperty() {
        String dir = System.getProperty(PROPERTY);
        if (dir == null || dir.isBlank()) {
            return Optional.empty();
        }
        Path p = Path.of(dir);
        if (!Files.isWritable(p.resolve("cgroup.procs")) || !Files.exists(p.resolve("cpu.shares"))) {
            throw new IllegalStateException(PROPERTY + "=" + dir + " is not a writable cgroup v1 cpu directory");
        }
        return Optional.of(new PodCpuCgroups(p));
    }

    /** Moves a pod's process (and any it started already) into the pod's cgroup, sized from its resources. */
    void place(String pod, ProcessHandle process, ResourceRequirements resources) throws IOException {
        Path group = Files.createDirectories(parent.resolve(pod));
        long requestMilli = milli(resources == null ? null : resources.getRequests() == null ? null
                : resources.getRequests().get("cpu"));
        Files.writeString(group.resolve("cpu.shares"), Long.toString(Math.max(2, requestMilli * 1024 / 1000)));
        long limitMilli = milli(resources == null ? null : resources.getLimits() == null ? null
                : resources.getLimits().get("cpu"));
        if (limitMilli > 0) {
            Files.writeString(group.resolve("cpu.cfs_period_us"), Long.toString(PERIOD_US));
            Files.writeString(group.resolve("cpu.cfs_quota_us"), Long.toString(limitMilli * PERIOD_US / 1000));
        }
        Files.writeString(group.resolve("cgroup.procs"), Long.toString(process.pid()));
        // Children forked before the move stay where they were: move them too (later ones inherit the group).
        for (ProcessHandle child : process.descendants().toList()) {
            Files.writeString(group.resolve("cgroup.procs"), Long.toString(child.pid()));
        }
    }

    /** Removes an ended pod's cgroup (possible once its processes are gone). */
    void remove(String pod) {
        try {
            Files.deleteIfExists(parent.resolve(pod));
        } catch (IOException e) {
            System.out.println("pod-cpu-cgroups: could not remove the cgroup of " + pod + ": " + e);
        }
    }

    private static long milli(Quantity q) {
        return q == null ? 0 : Quantity.getAmountInBytes(q).multiply(BigDecimal.valueOf(1000)).longValue();
    }
}
