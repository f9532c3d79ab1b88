package io.fileconv.manifests;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed models (fabric8, Strimzi) keep fields they do not know in additionalProperties instead of failing.
 * A misspelt or misplaced key would therefore parse "fine" and be ignored by the cluster; this walker finds
 * every non-empty additionalProperties map in an object graph and reports its path.
 */
final class ModelChecks {
    private ModelChecks() {
    }

    static List<String> unknownFields(Object root) {
        List<String> found = new ArrayList<>();
        walk(root, "", found, new IdentityHashMap<>());
        return found;
    }

    private static boolean isModel(Object o) {
        String pkg = o.getClass().getPackageName();
        return pkg.startsWith("io.fabric8.kubernetes.api.model") || pkg.startsWith("io.strimzi.api");
    }

    private static void walk(Object o, String path, List<String> found, Map<Object, Boolean> seen) {
        if (o == null || seen.put(o, Boolean.TRUE) != null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                walk(e, path + "[" + i++ + "]", found, seen);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            m.forEach((k, v) -> walk(v, path + "[" + k + "]", found, seen));
            return;
        }
        if (!isModel(o)) {
            return;
        }
        for (Method method : o.getClass().getMethods()) {
            if (method.getParameterCount() != 0 || Modifier.isStatic(method.getModifiers())
                    || method.getDeclaringClass() == Object.class || !method.getName().startsWith("get")) {
                continue;
            }
            Object value;
            try {
                value = method.invoke(o);
            } catch (ReflectiveOperationException | RuntimeException e) {
                continue;
            }
            String name = method.getName().substring(3);
            if (name.equals("AdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    found.add((path.isEmpty() ? "" : path + ".") + "{unknown: " + extra.keySet() + "}");
                }
                continue;
            }
            String child = (path.isEmpty() ? "" : path + ".") + Character.toLowerCase(name.charAt(0)) + name.substring(1);
            walk(value, child, found, seen);
        }
    }
}
