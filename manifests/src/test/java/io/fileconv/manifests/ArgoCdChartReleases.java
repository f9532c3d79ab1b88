package io.fileconv.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The releases of charts/fileconv that the Argo CD objects ask for, so that each cell's release is rendered the way
 * Argo CD renders it: its helm releaseName, destination namespace, valueFiles (relative to the chart, or "$ref/..."
 * relative to the repository root), values and valuesObject. Applications are taken as they are; an ApplicationSet
 * is expanded for the elements of its top-level list generators. Anything that cannot be resolved offline (a
 * clusters/git/matrix generator, a template function) is reported through {@code skipped} with its reason.
 */
final class ArgoCdChartReleases {
    private static final String CHART_PATH = "charts/fileconv";
    /** {{.region}}, {{ .values.bucket }} (goTemplate) or {{region}} (fasttemplate). */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*\\.?([A-Za-z0-9_.\\-]+)\\s*}}");
    private static final Pattern ANY_TEMPLATE = Pattern.compile("\\{\\{.*?}}");

    record Release(String label, String name, String namespace, List<Path> valueFiles, List<String> inlineValues) {
        String render() {
            return Chart.render(t -> {
                t.withName(name).withNamespace(namespace);
                valueFiles.forEach(t::withValuesFile);
                for (String values : inlineValues) {
                    t.withValuesFile(temporaryValuesFile(values));
                }
                return t;
            });
        }
    }

    private ArgoCdChartReleases() {
    }

    static List<Release> of(List<JsonNode> argoObjects, List<String> skipped) {
        List<Release> out = new ArrayList<>();
        for (JsonNode object : argoObjects) {
            String kind = object.path("kind").asText();
            String name = object.at("/metadata/name").asText();
            if (kind.equals("Application")) {
                addApplication(name, "Application " + name, object.path("spec"), out);
            } else if (kind.equals("ApplicationSet")) {
                expand(object, out, skipped);
            }
        }
        return out;
    }

    private static void expand(JsonNode set, List<Release> out, List<String> skipped) {
        String setName = set.at("/metadata/name").asText();
        JsonNode template = set.at("/spec/template");
        for (JsonNode generator : set.at("/spec/generators")) {
            if (!generator.has("list")) {
                skipped.add("ApplicationSet " + setName + " generator " + generator.fieldNames().next()
                        + " because only list generators can be expanded without a cluster");
                continue;
            }
            for (JsonNode element : generator.at("/list/elements")) {
                String text = substitute(template.toString(), element);
                if (ANY_TEMPLATE.matcher(text).find()) {
                    skipped.add("ApplicationSet " + setName + " element " + element
                            + " because its template uses expressions other than plain parameters");
                    continue;
                }
                JsonNode app = Repo.yamlDocuments(text).get(0);
                String appName = app.at("/metadata/name").asText();
                addApplication(appName, "ApplicationSet " + setName + " -> " + appName, app.path("spec"), out);
            }
        }
    }

    private static String substitute(String template, JsonNode element) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            JsonNode value = element.at("/" + m.group(1).replace('.', '/'));
            String replacement = value.isValueNode() ? value.asText() : m.group();
            // The template is JSON text: keep the replacement a valid JSON string fragment.
            String escaped = replacement.replace("\\", "\\\\").replace("\"", "\\\"");
            m.appendReplacement(out, Matcher.quoteReplacement(escaped));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static void addApplication(String appName, String label, JsonNode spec, List<Release> out) {
        List<JsonNode> sources = new ArrayList<>();
        if (spec.has("source")) {
            sources.add(spec.get("source"));
        }
        spec.path("sources").forEach(sources::add);
        for (JsonNode source : sources) {
            if (!Path.of(source.path("path").asText("")).normalize().toString().equals(CHART_PATH)) {
                continue;
            }
            JsonNode helm = source.path("helm");
            List<Path> files = new ArrayList<>();
            for (JsonNode file : helm.path("valueFiles")) {
                Path resolved = valueFile(file.asText());
                if (Files.exists(resolved) || !helm.path("ignoreMissingValueFiles").asBoolean(false)) {
                    files.add(resolved);
                }
            }
            List<String> inline = new ArrayList<>();
            if (helm.hasNonNull("values")) {
                inline.add(helm.get("values").asText());
            }
            if (helm.hasNonNull("valuesObject")) {
                inline.add(helm.get("valuesObject").toString());
            }
            String release = helm.path("releaseName").asText(appName);
            String namespace = helm.path("namespace").asText(spec.at("/destination/namespace").asText(Chart.NAMESPACE));
            out.add(new Release(label, release, namespace, files, inline));
        }
    }

    /** "values-in.yaml" is relative to the chart; "$values/deploy/x.yaml" names a ref source (this repository). */
    private static Path valueFile(String file) {
        if (file.startsWith("$")) {
            return Repo.path(file.substring(file.indexOf('/') + 1));
        }
        return Chart.dir().resolve(file).normalize();
    }

    private static Path temporaryValuesFile(String values) {
        try {
            Path file = Files.createTempFile("argocd-values", ".yaml");
            file.toFile().deleteOnExit();
            return Files.writeString(file, values);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
