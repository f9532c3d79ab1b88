package io.fileconv.operator.k8s;

import io.fileconv.core.ConversionRequest;
import io.fileconv.core.FileRecord;
import io.fileconv.operator.k8s.crd.FileConversion;
import io.fileconv.pipeline.work.WorkRequest;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 15: a document's password travels only in the work item. The types a FileConversion, a per-file Job's env
 * (built from a {@link ConversionRequest}), a row as the API shows it and the operator's queue entry are made of hold
 * no field that could carry it, down to every nested type of the project, so adding one fails here first.
 */
class NoPasswordInResourcesTest {
    @Test
    void noTypeThatReachesAResourceTheJobOrTheStatusHasAPasswordField() {
        for (Class<?> root : List.of(FileConversion.class, ConversionRequest.class, FileRecord.class,
                WorkRequest.class)) {
            assertThat(fieldPaths(root, new HashSet<>())).as(root.getSimpleName()).isNotEmpty()
                    .noneMatch(p -> p.toLowerCase(Locale.ROOT).contains("password")
                            || p.toLowerCase(Locale.ROOT).contains("secret"));
        }
    }

    private static List<String> fieldPaths(Class<?> type, Set<Class<?>> seen) {
        List<String> paths = new ArrayList<>();
        if (!seen.add(type)) {
            return paths;
        }
        for (Class<?> c = type; c != null && c.getName().startsWith("io.fileconv"); c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                paths.add(c.getSimpleName() + "." + f.getName());
                for (Class<?> nested : projectTypes(f.getGenericType())) {
                    paths.addAll(fieldPaths(nested, seen));
                }
            }
        }
        // FileConversion's spec and status live in the fabric8 superclass's generic parameters.
        if (type.getGenericSuperclass() instanceof ParameterizedType p) {
            for (Type arg : p.getActualTypeArguments()) {
                for (Class<?> nested : projectTypes(arg)) {
                    paths.addAll(fieldPaths(nested, seen));
                }
            }
        }
        return paths;
    }

    private static List<Class<?>> projectTypes(Type t) {
        List<Class<?>> out = new ArrayList<>();
        if (t instanceof Class<?> c && c.getName().startsWith("io.fileconv") && !c.isEnum()) {
            out.add(c);
        } else if (t instanceof ParameterizedType p) {
            for (Type arg : p.getActualTypeArguments()) {
                out.addAll(projectTypes(arg));
            }
            out.addAll(projectTypes(p.getRawType()));
        }
        return out;
    }
}
