package io.fileconv.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * CPU time of a process tree read from Linux's /proc, for the cost benchmarks: per process (by command name) and,
 * inside JVMs, per thread (HotSpot gives Java threads their names, cut to 15 characters). A snapshot minus an earlier
 * one is the CPU that the interval cost. Children that exited and were reaped are counted through their parent's
 * {@code cutime}/{@code cstime}, so an office process restarted mid-run still counts.
 */
public final class ProcessCpu {
    /** USER_HZ: the unit of /proc's times; 100 on every Linux architecture the project runs on. */
    private static final double TICKS_PER_SECOND = 100.0;

    private ProcessCpu() {
    }

    /** CPU seconds by component name at one instant. */
    public record Snapshot(Map<String, Double> seconds) {
        public Snapshot minus(Snapshot earlier) {
            Map<String, Double> d = new LinkedHashMap<>();
            seconds.forEach((k, v) -> d.put(k, v - earlier.seconds.getOrDefault(k, 0.0)));
            return new Snapshot(d);
        }

        public double total() {
            return seconds.values().stream().mapToDouble(Double::doubleValue).sum();
        }

        public double get(String component) {
            return seconds.getOrDefault(component, 0.0);
        }
    }

    /**
     * The tree under {@code root} (root included): each thread of {@code root} is put in a component by
     * {@code threadComponent} (its name → component), each descendant process by {@code processComponent}
     * (pid and command name → component), and reaped children's time under {@code "exited children"}.
     */
    public static Snapshot tree(long root, Function<String, String> threadComponent,
                                BiFunction<Long, String, String> processComponent) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, Long> t : threads(root).entrySet()) {
            out.merge(threadComponent.apply(t.getKey()), t.getValue() / TICKS_PER_SECOND, Double::sum);
        }
        long[] self = stat(Path.of("/proc", Long.toString(root), "stat"));
        if (self != null) {
            out.merge("exited children", (self[2] + self[3]) / TICKS_PER_SECOND, Double::sum);
        }
        for (long pid : descendants(root)) {
            long[] s = stat(Path.of("/proc", Long.toString(pid), "stat"));
            String comm = comm(pid);
            if (s != null && comm != null) {
                // Its own time and its reaped children's (a live process's cutime holds only children now gone).
                out.merge(processComponent.apply(pid, comm), (s[0] + s[1] + s[2] + s[3]) / TICKS_PER_SECOND,
                        Double::sum);
            }
        }
        return new Snapshot(out);
    }

    /** One process's whole CPU time (its threads and its reaped children) under {@code component}. */
    public static Snapshot process(long pid, String component) {
        long[] s = stat(Path.of("/proc", Long.toString(pid), "stat"));
        double seconds = s == null ? 0 : (s[0] + s[1] + s[2] + s[3]) / TICKS_PER_SECOND;
        for (long child : descendants(pid)) {
            long[] c = stat(Path.of("/proc", Long.toString(child), "stat"));
            seconds += c == null ? 0 : (c[0] + c[1] + c[2] + c[3]) / TICKS_PER_SECOND;
        }
        return new Snapshot(Map.of(component, seconds));
    }

    /** Ticks per thread name of one process (threads of the same name summed). */
    public static Map<String, Long> threads(long pid) {
        Map<String, Long> out = new HashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                long[] s = stat(task.resolve("stat"));
                String name = read(task.resolve("comm"));
                if (s != null && name != null) {
                    out.merge(name.strip(), s[0] + s[1], Long::sum);
                }
            }
        } catch (IOException e) {
            return out; // the process is gone
        }
        return out;
    }

    /** Every live process whose ancestry leads to {@code root}. */
    public static List<Long> descendants(long root) {
        Map<Long, List<Long>> children = new HashMap<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.toList()) {
                String name = p.getFileName().toString();
                if (name.chars().allMatch(Character::isDigit)) {
                    long ppid = ppid(p.resolve("stat"));
                    if (ppid > 0) {
                        children.computeIfAbsent(ppid, k -> new ArrayList<>()).add(Long.parseLong(name));
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc", e);
        }
        List<Long> out = new ArrayList<>();
        List<Long> todo = new ArrayList<>(children.getOrDefault(root, List.of()));
        while (!todo.isEmpty()) {
            long pid = todo.remove(todo.size() - 1);
            out.add(pid);
            todo.addAll(children.getOrDefault(pid, List.of()));
        }
        return out;
    }

    public static String comm(long pid) {
        String c = read(Path.of("/proc", Long.toString(pid), "comm"));
        return c == null ? null : c.strip();
    }

    /** utime, stime, cutime, cstime (fields 14-17 of proc(5)'s stat), or null when the process is gone. */
    private static long[] stat(Path file) {
        String line = read(file);
        if (line == null) {
            return null;
        }
        // The command name may hold spaces and parentheses: the fields start after its last ')'.
        String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
        return new long[]{Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]), Long.parseLong(f[14])};
    }

    private static long ppid(Path file) {
        String line = read(file);
        if (line == null) {
            return -1;
        }
        return Long.parseLong(line.substring(line.lastIndexOf(')') + 2).split(" ")[1]);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
