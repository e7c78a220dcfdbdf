package io.quirklab.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.client.ClientKind;
import io.quirklab.client.ClientOutcome;
import io.quirklab.client.Failure;
import io.quirklab.client.IpmiClient;
import io.quirklab.matrix.Verdict;
import io.quirklab.responder.ControlReply;
import io.quirklab.responder.ResponderJournal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One probe over fakes: the verdict from the journal, the flow's frames and its per-packet drops; no root. */
class ProbeTest {
    @Test
    void aToolsTimeoutWithRepliesNoDropAccountsForIsAnIgnoredReply(@TempDir Path dir) throws Exception {
        MatrixEngineTest.Traffic t = new MatrixEngineTest.Traffic();
        MatrixEngineTest.FakeLab lab = new MatrixEngineTest.FakeLab(List.of("clean"), t);
        IpmiClient timesOut = MatrixEngineTest.client(ClientKind.IPMITOOL_LAN, (host, port, user, password) -> {
            new MatrixEngineTest.FakeClient(ClientKind.IPMITOOL_LAN, t, Map.of(host, "clean"), 1).deviceId(host, port, user, password);
            return new ClientOutcome(Failure.TIMEOUT, "ipmitool: Unable to establish IPMI v1.5 / RMCP session", 1, 0, 0, false,
                    "Error: Unable to establish IPMI v1.5 / RMCP session", 1000);
        });
        Probe probe = new Probe(new MatrixEngineTest.FakeObservers(t, true, "", ""), lab.control());
        Probe.Result r = probe.run(lab.state().persona("clean"), timesOut, dir.resolve("cell"));
        assertThat(r.verdict()).isEqualTo(Verdict.CLIENT_REJECTED);
        assertThat(r.reason()).hasToString("IGNORED");
        assertThat(r.explanation()).contains("kfree_skb per packet");
        assertThat(r.evidence().requestsSeen()).isEqualTo(1);
        assertThat(r.evidence().client().attempts()).as("a tool's attempts come from the journal").isEqualTo(1);
        assertThat(Files.size(dir.resolve("cell/dut.pcap"))).isGreaterThan(24);
    }

    @Test
    void aMissingToolIsAHarnessErrorBeforeAnythingIsSent(@TempDir Path dir) throws Exception {
        MatrixEngineTest.Traffic t = new MatrixEngineTest.Traffic();
        MatrixEngineTest.FakeLab lab = new MatrixEngineTest.FakeLab(List.of("clean"), t);
        IpmiClient missing = ClientKind.FREEIPMI.client(Map.of("freeipmi", dir.resolve("no-such-bmc-info")), new io.quirklab.process.CommandRunner());
        Probe.Result r = new Probe(new MatrixEngineTest.FakeObservers(t, true, "", ""), lab.control())
                .run(lab.state().persona("clean"), missing, dir.resolve("cell"));
        assertThat(r.verdict()).isEqualTo(Verdict.HARNESS_ERROR);
        assertThat(r.explanation()).contains("no-such-bmc-info").contains("not an executable file");
        assertThat(t.journal).isEmpty();
    }

    @Test
    void theFlowsDutPortsComeFromTheRequestsTheResponderSaw() {
        ControlReply.JournalPage page = new ControlReply.JournalPage(2, 1, List.of(
                new ControlReply.JournalLine(1, 0, "p", ResponderJournal.Direction.IN, ResponderJournal.Kind.RMCP, "198.18.0.1:40001", "x", 1, ""),
                new ControlReply.JournalLine(2, 0, "p", ResponderJournal.Direction.OUT, ResponderJournal.Kind.RMCP, "198.18.0.1:40001", "x", 1, ""),
                new ControlReply.JournalLine(3, 0, "p", ResponderJournal.Direction.IN, ResponderJournal.Kind.RMCP, "198.18.0.1:40002", "x", 1, ""),
                new ControlReply.JournalLine(4, 0, "p", ResponderJournal.Direction.IN, ResponderJournal.Kind.ARP, "198.18.0.1", "x", 1, "")),
                4, false, 0, null, null);
        assertThat(Probe.dutPorts(page)).containsExactly(40001, 40002);
    }
}
