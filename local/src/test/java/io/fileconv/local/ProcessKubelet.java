package io.fileconv.local;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fileconv.embedded.FreePorts;
import io.fileconv.operator.k8s.Labels;
import io.fileconv.testkit.JobReports;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Plays the kubelet and the Job controller for converter Jobs on a mock API server: each new Job's container runs
 * as a local process of the image's entry point ({@link ImageCommand}) with the container's environment (Secret
 * references resolved, emptyDir mounts as fresh directories), each Job's pod side by side as a node would run
 * them, and its end is reported as Kubernetes
 * would: a pod with the container's exit code, and the Job Complete or Failed (DeadlineExceeded after
 * activeDeadlineSeconds). Everything else is the real operator's doing.
 */
final class ProcessKubelet implements AutoCloseable {
    private final KubernetesClient kube;
    private final String namespace;
    private final ImageCommand image;
    private final Path workDir;
    private final Map<String, String> serviceUrls;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> exitCodes = new ConcurrentHashMap<>();
    private final Thread loop;
    private final Semaphore room;
    private volatile boolean running = true;
    /** Pods running now, by Job name. */
    private final Map<String, Process> pods = new ConcurrentHashMap<>();
    private final AtomicInteger mostAlive = new AtomicInteger();
    /** The pods' CPU requests and limits as cgroups, when the benchmark asks for them. */
    private final Optional<PodCpuCgroups> cpu = PodCpuCgroups.fromSystemProperty();

    ProcessKubelet(KubernetesClient kube, String namespace, ImageCommand image, Path workDir) {
        this(kube, namespace, image, workDir, Map.of(), Integer.MAX_VALUE);
    }

    /**
     * @param serviceUrls in-cluster URLs (a Service's DNS name) and where that Service's pod listens on this machine,
     *                    replaced in the containers' env as cluster DNS and kube-proxy would route them
     */
    ProcessKubelet(KubernetesClient kube, String namespace, ImageCommand image, Path workDir,
                   Map<String, String> serviceUrls) {
        this(kube, namespace, image, workDir, serviceUrls, Integer.MAX_VALUE);
    }

    /** @param capacity pods that may run at once (the nodes' room); more wait, as Pending pods would */
    ProcessKubelet(KubernetesClient kube, String namespace, ImageCommand image, Path workDir,
                   Map<String, String> serviceUrls, int capacity) {
        this.room = new Semaphore(capacity);
        this.serviceUrls = serviceUrls;
        this.kube = kube;
        this.namespace = namespace;
        this.image = image;
        this.workDir = workDir;
        this.loop = new Thread(this::loop, "process-kubelet");
    }

    void start() {
        loop.start();
    }

    /** The most pods that ran at the same time so far. */
    int mostPodsAlive() {
        return mostAlive.get();
    }

    /** Job names of the pods running now. */
    Set<String> runningPods() {
        return Set.copyOf(pods.keySet());
    }

    /** SIGKILL to the pod of that Job (an OOM kill, a node lost); its end is reported as any other. */
    boolean killPod(String jobName) {
        Process p = pods.get(jobName);
        if (p == null) {
            return false;
        }
        end(p);
        return true;
    }

    /** SIGKILL to a pod: the whole pod goes, its office process too, not only the JVM. */
    private static Process end(Process pod) {
        pod.descendants().forEach(ProcessHandle::destroyForcibly);
        return pod.destroyForcibly();
    }

    /** Exit code of each Job's container, by Job name, once it ended. */
    Map<String, Integer> exitCodes() {
        return Map.copyOf(exitCodes);
    }

    private void loop() {
        while (running) {
            try {
                for (Job job : kube.batch().v1().jobs().inNamespace(namespace).list().getItems()) {
                    if (running && seen.add(job.getMetadata().getName())) {
                        Thread pod = new Thread(() -> runQuietly(job), "pod-" + job.getMetadata().getName());
                        pod.setDaemon(true);
                        pod.start();
                    }
                }
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                System.out.println("process-kubelet: " + e);
            }
        }
    }

    private void runQuietly(Job job) {
        try {
            room.acquire();
        } catch (InterruptedException e) {
            return;
        }
        try {
            run(job);
        } catch (Exception e) {
            System.out.println("process-kubelet: pod of " + job.getMetadata().getName() + ": " + e);
        } finally {
            room.release();
        }
    }

    private void run(Job job) throws IOException, InterruptedException {
        String name = job.getMetadata().getName();
        Container container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        Instant started = Instant.now();
        JobReports.running(kube, namespace, name, started);

        Path podDir = Files.createDirectories(workDir.resolve(name));
        Map<String, String> env = environment(container, podDir);
        env.replaceAll((k, v) -> serviceUrls.entrySet().stream().filter(u -> v.startsWith(u.getKey())).findFirst()
                .map(u -> u.getValue() + v.substring(u.getKey().length())).orElse(v));
        env.put("HOSTNAME", name + "-pod"); // the kubelet sets the pod's name
        // Each pod has its own network namespace; processes on one machine share one, so each gets its own port.
        env.put("FILECONV_OFFICE_PORT", Integer.toString(FreePorts.take()));
        ProcessBuilder pb = image.process(env, container.getArgs() == null ? List.of() : container.getArgs())
                .redirectErrorStream(true).redirectOutput(podDir.resolve("container.log").toFile());
        // Each pod has its own /tmp (its container's file system); processes on one machine share one, and a
        // converter that finds another pod's office profile in "its" temporary directory kills that process.
        Path tmp = Files.createDirectories(podDir.resolve("tmp"));
        pb.environment().merge("JAVA_TOOL_OPTIONS", "-Djava.io.tmpdir=" + tmp, (a, b) -> a + " " + b);
        pb.environment().put("TMPDIR", tmp.toString());
        Process process = pb.start();
        if (cpu.isPresent()) {
            try {
                cpu.get().place(name, process.toHandle(), container.getResources());
            } catch (IOException e) {
                end(process).waitFor(); // not left running untracked, with its office process
                throw e;
            }
        }
        pods.put(name, process);
        mostAlive.accumulateAndGet(pods.size(), Math::max);
        Long deadline = job.getSpec().getActiveDeadlineSeconds();
        boolean ended;
        try {
            ended = process.waitFor(deadline == null ? 600 : deadline, TimeUnit.SECONDS);
        } finally {
            pods.remove(name);
        }
        Instant finished = Instant.now();
        if (!ended) {
            end(process).waitFor();
        }
        cpu.ifPresent(c -> c.remove(name));
        if (!ended) {
            JobReports.failed(kube, namespace, name, "DeadlineExceeded", started, finished);
            return;
        }
        int code = process.exitValue();
        exitCodes.put(name, code);
        JobReports.terminatedPod(kube, namespace, name + "-pod", container.getName(),
                Map.of(Labels.JOB_NAME, name, Labels.NAME, Labels.CONVERTER), code, code == 0 ? "Completed" : "Error");
        if (code == 0) {
            JobReports.succeeded(kube, namespace, name, started, finished);
        } else {
            JobReports.failed(kube, namespace, name, "BackoffLimitExceeded", started, finished);
        }
    }

    /** The container's env as the kubelet builds it; values pointing into an emptyDir mount go to a fresh dir. */
    private Map<String, String> environment(Container container, Path podDir) throws IOException {
        Map<String, Path> mounts = new LinkedHashMap<>();
        for (VolumeMount m : container.getVolumeMounts()) {
            mounts.put(m.getMountPath(), Files.createDirectories(podDir.resolve("volume-" + m.getName())));
        }
        return containerEnv(kube, namespace, container, mounts, podDir.getFileName() + "-pod");
    }

    /**
     * A container's environment as the kubelet resolves it: plain values, Secret keys, the pod's namespace; a value
     * that points into a volume mount is moved to the local directory standing for that volume.
     */
    static Map<String, String> containerEnv(KubernetesClient kube, String namespace, Container container,
                                            Map<String, Path> mounts) {
        return containerEnv(kube, namespace, container, mounts, null);
    }

    /** @param podName what the downward API's metadata.name gives (null: none may be asked for) */
    static Map<String, String> containerEnv(KubernetesClient kube, String namespace, Container container,
                                            Map<String, Path> mounts, String podName) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvVar e : container.getEnv()) {
            String value = e.getValue();
            var from = e.getValueFrom();
            if (from != null && from.getSecretKeyRef() != null) {
                // A real kubelet keeps a container whose Secret does not exist yet in CreateContainerConfigError
                // and retries; the operator creates a pooled Job's token Secret just after the Job.
                Secret secret = kube.secrets().inNamespace(namespace).withName(from.getSecretKeyRef().getName())
                        .waitUntilCondition(Objects::nonNull, 60, TimeUnit.SECONDS);
                value = new String(Base64.getDecoder().decode(secret.getData().get(from.getSecretKeyRef().getKey())),
                        StandardCharsets.UTF_8);
            } else if (from != null && from.getFieldRef() != null) {
                String path = from.getFieldRef().getFieldPath();
                if ("metadata.namespace".equals(path)) {
                    value = namespace;
                } else if ("metadata.name".equals(path) && podName != null) {
                    value = podName;
                } else {
                    throw new IllegalArgumentException("unsupported fieldRef " + path);
                }
            }
            for (var mount : mounts.entrySet()) {
                if (value != null && (value.equals(mount.getKey()) || value.startsWith(mount.getKey() + "/"))) {
                    value = mount.getValue() + value.substring(mount.getKey().length());
                }
            }
            env.put(e.getName(), value == null ? "" : value);
        }
        return env;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        loop.interrupt();
        loop.join(TimeUnit.SECONDS.toMillis(30));
        for (Process p : pods.values()) {
            end(p).waitFor();
        }
    }
}
