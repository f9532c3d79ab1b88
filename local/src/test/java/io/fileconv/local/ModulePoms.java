package io.fileconv.local;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The reactor as the poms declare it: the root's modules, and per module its artifactId, finalName and the project's own dependencies. */
final class ModulePoms {
    private static final String GROUP = "io.fileconv";
    private final List<String> modules;
    private final Map<String, Document> poms = new LinkedHashMap<>();

    ModulePoms(Path repoRoot) throws Exception {
        Document root = parse(repoRoot.resolve("pom.xml"));
        Element modulesElement = child(root.getDocumentElement(), "modules").orElseThrow();
        this.modules = texts(modulesElement, "module");
        for (String module : modules) {
            poms.put(module, parse(repoRoot.resolve(module).resolve("pom.xml")));
        }
    }

    /** The modules of the default reactor (profiles' modules excluded). */
    List<String> modules() {
        return modules;
    }

    /** build/finalName; the jar is target/&lt;finalName&gt;.jar. */
    String finalName(String module) {
        return child(poms.get(module).getDocumentElement(), "build").flatMap(b -> child(b, "finalName"))
                .map(Node::getTextContent).map(String::strip)
                .orElseThrow(() -> new IllegalStateException(module + "/pom.xml sets no build/finalName"));
    }

    /** The module and every project module it depends on, in any scope (what `mvn -pl <module> -am` builds). */
    Set<String> withProjectDependencies(String module) {
        Set<String> result = new LinkedHashSet<>();
        List<String> todo = new ArrayList<>(List.of(module));
        while (!todo.isEmpty()) {
            String m = todo.remove(0);
            if (result.add(m)) {
                todo.addAll(projectDependencies(m));
            }
        }
        return result;
    }

    private List<String> projectDependencies(String module) {
        List<String> result = new ArrayList<>();
        Optional<Element> deps = child(poms.get(module).getDocumentElement(), "dependencies");
        if (deps.isEmpty()) {
            return result;
        }
        NodeList list = deps.get().getElementsByTagName("dependency");
        for (int i = 0; i < list.getLength(); i++) {
            Element dep = (Element) list.item(i);
            String group = child(dep, "groupId").map(Node::getTextContent).orElse("");
            String artifact = child(dep, "artifactId").map(Node::getTextContent).orElse("");
            if (group.equals(GROUP)) {
                result.add(moduleOf(artifact));
            }
        }
        return result;
    }

    private String moduleOf(String artifactId) {
        return poms.entrySet().stream()
                .filter(e -> child(e.getValue().getDocumentElement(), "artifactId").map(Node::getTextContent)
                        .filter(artifactId::equals).isPresent())
                .map(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new IllegalStateException("no module builds " + artifactId));
    }

    private static Document parse(Path pom) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(pom.toFile());
    }

    private static Optional<Element> child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    private static List<String> texts(Element parent, String name) {
        List<String> result = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                result.add(e.getTextContent().strip());
            }
        }
        return result;
    }
}
