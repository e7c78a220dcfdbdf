package io.quirklab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.matrix.MatrixDocument;
import io.quirklab.matrix.OffloadState;
import io.quirklab.matrix.Verdict;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run --socket}: the engine runs a socket lab like any other lab, and the front end only renders it. */
class SocketModeTest {
    @TempDir
    Path reports;

    @Test
    void theSocketLabIsAMatrixOfTheQuirklessPersonasOnLoopback() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cl = QuirklabCommand.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute("run", "--socket", "--port", "0", "--bind", "127.0.0.61", "--clients", "java-lan,java-lanplus",
                "--reports", reports.toString());
        assertThat(code).as(out + "\n" + err).isZero();
        assertThat(out.toString()).contains("left out", "packet quirks").contains("offload=off").doesNotContain("offload=on")
                .containsPattern("clean +ok +ok");
        Path matrix;
        try (Stream<Path> runs = Files.list(reports.resolve("runs"))) {
            matrix = runs.findFirst().orElseThrow().resolve("matrix.json");
        }
        MatrixDocument doc = MatrixDocument.read(matrix);
        assertThat(doc.run().lab().kind()).isEqualTo("socket");
        assertThat(doc.axes().offload()).containsExactly(OffloadState.OFF);
        // personas with packet quirks need raw frames of their own: the seed's smdc-tyan too
        assertThat(doc.axes().personas()).contains("clean").doesNotContain("smdc-tyan", "bad-udp-csum", "df-clear");
        assertThat(doc.cell("clean", "java-lan", OffloadState.OFF).orElseThrow().verdict()).isEqualTo(Verdict.DELIVERED);
        assertThat(doc.cell("clean", "java-lanplus", OffloadState.OFF).orElseThrow().verdict()).isEqualTo(Verdict.DELIVERED);
        // the BMCs' journals stood in for the responder's: the requests were seen and answered
        assertThat(doc.cell("clean", "java-lan", OffloadState.OFF).orElseThrow().evidence().requestsSeen()).isPositive();
    }

    @Test
    void aSocketLabRefusesANonLoopbackAddress() {
        StringWriter err = new StringWriter();
        var cl = QuirklabCommand.commandLine();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        assertThat(cl.execute("run", "--socket", "--bind", "198.18.0.5", "--reports", reports.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("loopback");
    }
}
