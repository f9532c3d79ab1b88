package io.fileconv.converter;

import io.fileconv.core.ConversionFailure;
import io.fileconv.core.FailureClass;
import org.w3c.dom.Attr;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.TransformerException;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * LibreOffice 7.4's SVG import embeds an image linked by a {@code file://} path from outside the document: neither
 * the macro/link settings nor the proxy of {@link HardenedProfile} stop a local file (DocumentIsolationTest). So an
 * SVG is rewritten before conversion to refer to nothing outside itself: references other than in-document
 * fragments ({@code #id}) and non-SVG {@code data:} URIs are removed, as are processing instructions
 * (xml-stylesheet) and CSS {@code @import}; an SVG with a DOCTYPE (entity declarations can pull in files) is refused.
 */
final class SvgGuard {
    private static final Pattern CSS_URL = Pattern.compile("url\\(\\s*(['\"]?)(?!#|data:(?!image/svg))[^)]*\\)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern CSS_IMPORT = Pattern.compile("@import[^;]*;?", Pattern.CASE_INSENSITIVE);

    private SvgGuard() {
    }

    /** Rewrites {@code svg} in place; @return how many outside references were removed. */
    static int neutralise(Path svg) throws ConversionFailure, IOException {
        Document doc;
        try (InputStream in = Files.newInputStream(svg)) {
            doc = parser().newDocumentBuilder().parse(in);
        } catch (SAXException e) {
            throw new ConversionFailure(FailureClass.BAD_INPUT, "the SVG is not well-formed XML or declares a DOCTYPE"
                    + " (entities could load files), so it is not converted: " + e.getMessage(), e);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
        int removed = clean(doc);
        try (OutputStream out = Files.newOutputStream(svg)) {
            TransformerFactory tf = TransformerFactory.newInstance();
            tf.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            tf.setAttribute(XMLConstants.ACCESS_EXTERNAL_STYLESHEET, "");
            var t = tf.newTransformer();
            t.setOutputProperty(OutputKeys.ENCODING, "UTF-8");
            t.transform(new DOMSource(doc), new StreamResult(out));
        } catch (TransformerException e) {
            throw new ConversionFailure(FailureClass.INTERNAL, "could not rewrite the SVG: " + e.getMessage(), e);
        }
        return removed;
    }

    private static DocumentBuilderFactory parser() throws ParserConfigurationException {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        f.setXIncludeAware(false);
        f.setExpandEntityReferences(false);
        return f;
    }

    private static int clean(Node node) {
        int removed = 0;
        List<Node> children = new ArrayList<>();
        for (Node c = node.getFirstChild(); c != null; c = c.getNextSibling()) {
            children.add(c);
        }
        for (Node c : children) {
            if (c.getNodeType() == Node.PROCESSING_INSTRUCTION_NODE) {
                node.removeChild(c);
                removed++;
            } else if (c.getNodeType() == Node.TEXT_NODE || c.getNodeType() == Node.CDATA_SECTION_NODE) {
                // Text of <style> elements is CSS.
                if (node instanceof Element e && "style".equals(localName(e))) {
                    String css = c.getNodeValue();
                    String safe = CSS_IMPORT.matcher(CSS_URL.matcher(css).replaceAll("none")).replaceAll("");
                    if (!safe.equals(css)) {
                        c.setNodeValue(safe);
                        removed++;
                    }
                }
            } else if (c instanceof Element e) {
                removed += cleanAttributes(e);
                removed += clean(e);
            }
        }
        return removed;
    }

    private static int cleanAttributes(Element e) {
        int removed = 0;
        NamedNodeMap attrs = e.getAttributes();
        List<Attr> drop = new ArrayList<>();
        for (int i = 0; i < attrs.getLength(); i++) {
            Attr a = (Attr) attrs.item(i);
            String name = a.getLocalName() == null ? a.getName() : a.getLocalName();
            String value = a.getValue().strip();
            if (("href".equals(name) || "src".equals(name)) && !inside(value)) {
                drop.add(a);
            } else if (CSS_URL.matcher(value).find()) {
                a.setValue(CSS_URL.matcher(value).replaceAll("none"));
                removed++;
            }
        }
        for (Attr a : drop) {
            e.removeAttributeNode(a);
            removed++;
        }
        return removed;
    }

    /** A reference that stays in the document: a fragment, or inline data that is not itself an SVG. */
    private static boolean inside(String ref) {
        String r = ref.toLowerCase(Locale.ROOT);
        return r.startsWith("#") || (r.startsWith("data:") && !r.startsWith("data:image/svg"));
    }

    private static String localName(Element e) {
        return e.getLocalName() == null ? e.getTagName() : e.getLocalName();
    }
}
