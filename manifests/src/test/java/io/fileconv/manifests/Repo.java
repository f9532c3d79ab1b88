package io.fileconv.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Paths into the repository and plain YAML reading shared by the manifest tests. */
final class Repo {
    static final ObjectMapper YAML = new YAMLMapper();

    private Repo() {
    }

    /** Repository root: set by surefire (fileconv.repo.root), else the parent of the module directory. */
    static Path root() {
        String configured = System.getProperty("fileconv.repo.root");
        Path root = configured != null ? Path.of(configured) : Path.of("..");
        return root.toAbsolutePath().normalize();
    }

    static Path path(String relative) {
        return root().resolve(relative);
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every non-empty document of a (multi-document) YAML string, as JSON trees. */
    static List<JsonNode> yamlDocuments(String yaml) {
        List<JsonNode> docs = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(yaml)) {
            var it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode node = it.next();
                if (node != null && !node.isNull() && !node.isMissingNode() && node.size() > 0) {
                    docs.add(node);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return docs;
    }

    static List<JsonNode> yamlDocuments(Path file) {
        return yamlDocuments(read(file));
    }
}
