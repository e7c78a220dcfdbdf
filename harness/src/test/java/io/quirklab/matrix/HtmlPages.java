package io.quirklab.matrix;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Reads the heatmap pages back (they are well-formed XML) so tests look at elements, not substrings. */
final class HtmlPages {
    private HtmlPages() {
    }

    static Document parse(String html) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setExpandEntityReferences(false);
            return f.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new AssertionError("the page is not well-formed: " + e.getMessage(), e);
        }
    }

    static List<Element> select(Document doc, String xpath) {
        try {
            NodeList nodes = (NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, doc, XPathConstants.NODESET);
            List<Element> out = new ArrayList<>();
            for (int i = 0; i < nodes.getLength(); i++) {
                out.add((Element) nodes.item(i));
            }
            return out;
        } catch (Exception e) {
            throw new AssertionError(xpath + ": " + e.getMessage(), e);
        }
    }

    /** Elements whose class attribute has the word {@code cls}. */
    static String hasClass(String cls) {
        return "contains(concat(' ', normalize-space(@class), ' '), ' " + cls + " ')";
    }

    /** The cell element at column {@code cx}, row {@code ry} of panel {@code pz}. */
    static Element cell(Document doc, int pz, int ry, int cx) {
        List<Element> found = select(doc, "//section[" + hasClass("pz" + pz) + "]/*[" + hasClass("cell") + " and " + hasClass("cx" + cx)
                + " and " + hasClass("ry" + ry) + "]");
        if (found.size() != 1) {
            throw new AssertionError("expected one cell at panel " + pz + " row " + ry + " column " + cx + ", found " + found.size());
        }
        return found.get(0);
    }

    static List<String> classes(Element e) {
        return List.of(e.getAttribute("class").trim().split("\\s+"));
    }
}
