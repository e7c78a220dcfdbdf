package io.quirklab.lab;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.quirklab.input.InputFile;
import io.quirklab.input.ParseProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The lab fleet ({@code scenarios/labs/inventory.yaml}): one entry per lab node, which is one Jenkins agent label,
 * naming the node's lab file and the baseline its matrix is compared with. The Jenkinsfile's matrix axes list the
 * same OS and NIC values; a node's label is always {@code OS-NIC}.
 *
 * <pre>
 * nodes:
 *   - label: linux-veth                            # the Jenkins agent label, OS-NIC
 *     os: linux                                    # the Jenkinsfile's OS axis value
 *     nic: veth                                    # the Jenkinsfile's NIC axis value
 *     lab: virtual.yaml                            # the lab file, relative to this file
 *     baseline: ../../reports/baselines/virtual-debian12.json   # optional, relative to this file
 *     description: "the embedded virtual lab"      # optional
 * </pre>
 *
 * @param file  where it was read from
 * @param nodes the nodes, in file order
 */
public record LabInventory(Path file, List<Node> nodes) {
    /** The inventory of the repository, relative to its root. */
    public static final String DEFAULT = "scenarios/labs/inventory.yaml";

    private static final Pattern VALUE = Pattern.compile("[a-z0-9]+");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * One lab node.
     *
     * @param label       the Jenkins agent label, {@code os-nic}
     * @param os          OS axis value
     * @param nic         NIC axis value
     * @param lab         its lab file, resolved
     * @param baseline    its baseline matrix, resolved, or empty when it has none yet
     * @param description one line for people, or null
     */
    public record Node(String label, String os, String nic, Path lab, Optional<Path> baseline, String description) {
    }

    public LabInventory {
        nodes = List.copyOf(nodes);
    }

    record Raw(List<RawNode> nodes) {
    }

    record RawNode(String label, String os, String nic, String lab, String baseline, String description) {
    }

    /** The node with this label; an unknown label is an IOException naming the file and the labels it has. */
    public Node node(String label) throws IOException {
        return nodes.stream().filter(n -> n.label().equals(label)).findFirst().orElseThrow(() -> new IOException(
                file + ": no lab node '" + label + "' (it lists " + nodes.stream().map(Node::label).toList() + ")"));
    }

    /** A file a node names: a regular file, else one line naming the node and field and what the path is instead. */
    private static void requireRegular(Path file, String what, String at) throws IOException {
        try {
            InputFile.requireRegular(file, what);
        } catch (InputFile.Unusable e) {
            throw new IOException(at + ": " + e.getMessage());
        }
    }

    /** Reads and checks; every error is one line naming the file, the node and the field. */
    public static LabInventory read(Path file) throws IOException {
        String text = InputFile.text(file, InputFile.Kind.INVENTORY);
        Raw raw;
        try {
            raw = YAML.readValue(text, Raw.class);
        } catch (JsonProcessingException e) {
            // in words, without the parser's excerpt: a line of /etc/shadow given as the inventory is not echoed
            ParseProblem p = ParseProblem.of(e, "YAML");
            throw new IOException(file + (p.line() > 0 || p.field() != null ? " " : ": ") + p.describe()
                    + " (known fields: label, os, nic, lab, baseline, description)", e);
        }
        if (raw == null || raw.nodes() == null || raw.nodes().isEmpty()) {
            throw new IOException(file + ": no nodes (a list under 'nodes:')");
        }
        Path dir = file.toAbsolutePath().getParent();
        List<Node> nodes = new ArrayList<>();
        Set<String> labels = new HashSet<>();
        for (int i = 0; i < raw.nodes().size(); i++) {
            RawNode n = raw.nodes().get(i);
            String at = file + ", nodes[" + i + "]";
            for (String[] f : new String[][] {{"os", n.os()}, {"nic", n.nic()}}) {
                if (f[1] == null || !VALUE.matcher(f[1]).matches()) {
                    throw new IOException(at + ".'" + f[0] + "': " + InputFile.token(f[1]) + " is not an axis value (lower-case letters and digits)");
                }
            }
            String label = n.os() + "-" + n.nic();
            if (!label.equals(n.label())) {
                throw new IOException(at + ".'label': " + InputFile.token(n.label()) + " must be os-nic, '" + label + "'");
            }
            if (!labels.add(label)) {
                throw new IOException(at + ".'label': '" + label + "' is listed twice");
            }
            if (n.lab() == null || n.lab().isBlank()) {
                throw new IOException(at + ".'lab': missing; the node's lab file, relative to " + file);
            }
            Path lab = dir.resolve(n.lab()).normalize();
            requireRegular(lab, "lab file", at + ".'lab'");
            Optional<Path> baseline = Optional.ofNullable(n.baseline()).filter(b -> !b.isBlank()).map(b -> dir.resolve(b).normalize());
            if (baseline.isPresent()) {
                requireRegular(baseline.get(), "baseline", at + ".'baseline'");
            }
            nodes.add(new Node(label, n.os(), n.nic(), lab, baseline, n.description()));
        }
        return new LabInventory(file, nodes);
    }
}
