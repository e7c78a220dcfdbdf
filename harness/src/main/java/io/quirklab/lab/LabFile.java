package io.quirklab.lab;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A lab file (YAML) for the virtual lab: which personas, and which emulated fault model is the offload axis'
 * "on" state. Other lab kinds and the client/offload axes come with the scenario suites.
 *
 * <pre>
 * kind: virtual
 * personas: my-personas.yaml        # optional, relative to this file; default: the built-in catalogue
 * fault-model:
 *   name: custom                    # df-clear, id-echo, csum-ffff, trailing-bytes or custom
 *   expression: "ip ttl 1"          # custom only: an nftables match expression
 * </pre>
 *
 * @param file       where it was read from
 * @param personas   persona catalogue, resolved against the file's directory, or empty for the built-in one
 * @param faultModel the fault model, or empty
 */
public record LabFile(Path file, Optional<Path> personas, Optional<FaultModel> faultModel) {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    record Raw(String kind, String personas, @JsonProperty("fault-model") RawFault faultModel) {
    }

    record RawFault(String name, String expression) {
    }

    /** Reads and validates; every error names the file, the field and, when known, the line. */
    public static LabFile read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": no such lab file");
        }
        Raw raw;
        try {
            raw = YAML.readValue(file.toFile(), Raw.class);
        } catch (JsonMappingException e) {
            String field = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .reduce((a, b) -> a + "." + b).orElse("(top level)");
            String last = e.getPath().isEmpty() ? null : e.getPath().get(e.getPath().size() - 1).getFieldName();
            int line = lineOf(file, last).orElse(e.getLocation() != null ? e.getLocation().getLineNr() : -1);
            throw new IOException(file + (line > 0 ? " line " + line : "") + ", field '" + field + "': "
                    + e.getOriginalMessage().replaceAll(" \\(class [^)]*\\)", "")
                    + " (known fields: kind, personas, fault-model.name, fault-model.expression)", e);
        } catch (IOException e) {
            throw new IOException(file + ": not valid YAML: " + e.getMessage(), e);
        }
        if (raw == null) {
            throw new IOException(file + ": empty lab file");
        }
        if (raw.kind() != null && !raw.kind().equals("virtual")) {
            throw new IOException(file + ", field 'kind': '" + raw.kind() + "' is not supported yet (virtual)");
        }
        Optional<FaultModel> fault = Optional.empty();
        if (raw.faultModel() != null) {
            try {
                if (raw.faultModel().name() == null) {
                    throw new IllegalArgumentException("missing; one of " + String.join(", ", FaultModel.BUILT_IN) + ", custom");
                }
                fault = Optional.of(new FaultModel(raw.faultModel().name(), raw.faultModel().expression()));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ", field 'fault-model.name': " + e.getMessage(), e);
            }
        }
        Path dir = file.toAbsolutePath().getParent();
        Optional<Path> personas = Optional.ofNullable(raw.personas()).map(dir::resolve);
        if (personas.isPresent() && !Files.isRegularFile(personas.get())) {
            throw new IOException(file + ", field 'personas': no such file " + personas.get());
        }
        return new LabFile(file, personas, fault);
    }

    /** The line where a key is written; Jackson's YAML locations point past it. */
    private static Optional<Integer> lineOf(Path file, String key) {
        if (key == null) {
            return Optional.empty();
        }
        try {
            var lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).stripLeading().startsWith(key + ":")) {
                    return Optional.of(i + 1);
                }
            }
        } catch (IOException ignored) {
            // the location Jackson gave will do
        }
        return Optional.empty();
    }
}
