package io.fileconv.bench;

import io.fileconv.core.SupportedTypes;
import io.fileconv.testkit.SampleDocuments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The benchmark's document set: the project's generated samples (testkit's SampleDocuments) plus every
 * convertible file of ../shared/corpus when it exists, except the password-protected one (it fails by design).
 */
final class DocSet {
    /** Not documents, or fail by design. */
    private static final Set<String> SKIP = Set.of("README.md", "LICENSE-jodconverter.txt", "test_password.odt");

    private DocSet() {
    }

    /** Writes the set into dir (fixtures generated, corpus copied) and returns the files, sorted by name. */
    static List<Path> materialise(Path dir, Path corpus) throws IOException {
        Files.createDirectories(dir);
        List<Path> out = new ArrayList<>();
        for (var e : fixtures().entrySet()) {
            Path p = dir.resolve("fixture-" + e.getKey());
            Files.write(p, e.getValue());
            out.add(p);
        }
        if (corpus != null && Files.isDirectory(corpus)) {
            try (Stream<Path> s = Files.list(corpus)) {
                for (Path p : s.sorted().toList()) {
                    String name = p.getFileName().toString();
                    if (SKIP.contains(name) || SupportedTypes.extensionOf(name).isEmpty()) {
                        continue;
                    }
                    Path copy = dir.resolve("corpus-" + name);
                    Files.copy(p, copy, StandardCopyOption.REPLACE_EXISTING);
                    out.add(copy);
                }
            }
        } else {
            Bench.log("corpus " + corpus + " absent: fixtures only");
        }
        out.sort(null);
        return out;
    }

    /** The generated samples by file name, in the testkit's order. */
    static LinkedHashMap<String, byte[]> fixtures() throws IOException {
        var m = new LinkedHashMap<String, byte[]>();
        for (SampleDocuments.Doc d : SampleDocuments.all()) {
            m.put(d.name(), d.bytes());
        }
        return m;
    }
}
