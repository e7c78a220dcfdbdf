package io.quirklab.report;

import io.qameta.allure.AllureConstants;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.model.Attachment;
import io.quirklab.input.InputFile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

/**
 * One attachment of a test result: a file (a pcap, a JSON record) or text made on the spot. The extension is always
 * given, because Allure names the stored file by it and the report offers it for download under that name (a
 * {@code .pcap} opens in Wireshark; without an extension Allure would store {@code .txt}).
 */
record EvidenceAttachment(String name, String type, String extension, Path file, byte[] body) {
    static final String PCAP = "application/vnd.tcpdump.pcap";
    static final String JSON = "application/json";
    static final String TEXT = "text/plain";
    static final String HTML = "text/html";

    static EvidenceAttachment ofFile(String name, String type, String extension, Path file) {
        return new EvidenceAttachment(name, type, extension, file, null);
    }

    static EvidenceAttachment ofText(String name, String type, String extension, String text) {
        return new EvidenceAttachment(name, type, extension, null, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The file when it exists, else empty: a missing evidence file is reported by the caller, never thrown. */
    static Optional<Path> existing(Path matrixDir, String relative) {
        if (relative == null || relative.isBlank()) {
            return Optional.empty();
        }
        Path p = matrixDir.resolve(relative);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    /** Adds the attachment to the test case (not to a running step) and writes its content into the results. */
    void attachTo(AllureLifecycle lifecycle, String testUuid) throws IOException {
        String source = UUID.randomUUID() + AllureConstants.ATTACHMENT_FILE_SUFFIX + "." + extension;
        Attachment a = new Attachment().setName(name).setType(type).setSource(source);
        try (InputStream in = file != null ? InputFile.open(file, InputFile.Kind.ALLURE_ATTACHMENT) : new ByteArrayInputStream(body)) {
            lifecycle.writeAttachment(source, in);
        }
        lifecycle.updateTestCase(testUuid, r -> r.getAttachments().add(a));
    }
}
