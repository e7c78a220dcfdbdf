package io.quirklab.bisect;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.quirklab.input.InputFile;
import io.quirklab.input.ParseProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code bisect.json}: where and how a bisection ran, its short answer and the full report (every composed persona
 * and every attempt's verdict and evidence directory, relative to the file).
 *
 * @param schema        {@value #SCHEMA}
 * @param run           when and where
 * @param requests      the DUT's request header the template fields were resolved against, or null
 * @param answer        the short text answer
 * @param report        the report
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BisectDocument(String schema, Run run, RequestHeader requests, String answer, BisectReport report) {
    public static final String SCHEMA = "quirklab.bisect/1";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * @param id          run id (the directory under reports/runs)
     * @param started     ISO-8601
     * @param finished    ISO-8601
     * @param lab         lab kind
     * @param faultModel  the virtual lab's fault model, or null
     * @param client      the client probed with
     * @param offload     the offload state probed in
     * @param environment the environment label (OS / NIC / driver)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Run(String id, String started, String finished, String lab, @JsonProperty("fault_model") String faultModel,
                      String client, String offload, String environment) {
    }

    public void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, toJson() + "\n");
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render bisect.json", e);
        }
    }

    /** Reads a bisect.json through the input gate; a broken one is one line naming the file and what is wrong. */
    public static BisectDocument read(Path file) throws IOException {
        String text = InputFile.text(file, InputFile.Kind.BISECT_DOCUMENT);
        try {
            return JSON.readValue(text, BisectDocument.class);
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": not a bisect document: " + ParseProblem.of(e, "JSON").describe(), e);
        }
    }
}
