package io.quirklab.lab;

import io.quirklab.matrix.Reason;
import io.quirklab.matrix.OffloadState;
import io.quirklab.client.ClientKind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quirklab.matrix.KnownIssues;
import io.quirklab.matrix.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabFileTest {
    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("lab.yaml"), yaml);
    }

    @Test
    void customExpressionAndPersonasAreRead() throws IOException {
        Files.writeString(dir.resolve("p.yaml"), "personas: []\n");
        LabFile f = LabFile.read(write("kind: virtual\npersonas: p.yaml\nfault-model:\n  name: custom\n  expression: \"ip ttl 1\"\n"));
        assertThat(f.faultModel()).contains(FaultModel.custom("ip ttl 1"));
        assertThat(f.personaFile()).contains(dir.resolve("p.yaml").toAbsolutePath());
        assertThat(f.personas()).isEmpty();
    }

    @Test
    void theEmbeddedVirtualLabFileIsValid() throws IOException {
        Path embedded = Path.of("../scenarios/labs/virtual.yaml");
        assertThat(LabFile.read(embedded).faultModel()).contains(FaultModel.of("df-clear"));
    }

    @Test
    void errorsNameFileLineAndField() throws IOException {
        Path f = write("kind: virtual\nfault-modl:\n  name: df-clear\n");
        assertThatThrownBy(() -> LabFile.read(f)).hasMessageContaining(f.toString()).hasMessageContaining("line 2")
                .hasMessageContaining("fault-modl").hasMessageContaining("known fields");
        Path g = write("fault-model:\n  name: df-clr\n");
        assertThatThrownBy(() -> LabFile.read(g)).hasMessageContaining("field 'fault-model.name'").hasMessageContaining("df-clear, id-echo");
        Path h = write("fault-model:\n  name: custom\n");
        assertThatThrownBy(() -> LabFile.read(h)).hasMessageContaining("needs an nftables match expression");
        Path i = write("kind: remote-agent\n");
        assertThatThrownBy(() -> LabFile.read(i)).hasMessageContaining("'remote-agent' is not supported yet");
        Path j = write("personas: missing.yaml\n");
        assertThatThrownBy(() -> LabFile.read(j)).hasMessageContaining("no such persona file");
        assertThatThrownBy(() -> LabFile.read(dir.resolve("nope.yaml"))).hasMessageContaining("no such lab file");
    }

    @Test
    void clientsOffloadAndKnownIssuesAreRead() throws IOException {
        LabFile f = LabFile.read(write("""
                kind: virtual
                persona-names: [clean, smdc-tyan]
                clients: [java, ipmitool-lanplus, freeipmi]
                offload: [on, off]
                known-issues:
                  - persona: smdc-tyan
                    offload: on
                    verdict: dropped_in_stack
                    reason: UDP_CSUM
                    why: the emulated fault
                """));
        assertThat(f.personaNames()).containsExactly("clean", "smdc-tyan");
        assertThat(f.clients()).containsExactly(ClientKind.JAVA_LAN, ClientKind.IPMITOOL_LANPLUS, ClientKind.FREEIPMI);
        assertThat(f.offload()).containsExactly(OffloadState.ON, OffloadState.OFF);
        KnownIssues.Entry e = f.knownIssues().entries().get(0);
        assertThat(e).isEqualTo(new KnownIssues.Entry("smdc-tyan", "*", java.util.Optional.of(OffloadState.ON), Verdict.DROPPED_IN_STACK, Reason.UDP_CSUM, "the emulated fault"));
    }

    @Test
    void badClientsOffloadAndKnownIssuesNameTheirLineAndField() throws IOException {
        Path a = write("kind: virtual\nclients: [java, ipmitool-lanpls]\n");
        assertThatThrownBy(() -> LabFile.read(a)).hasMessageContaining("line 2, field 'clients'")
                .hasMessageContaining("'ipmitool-lanpls' is not a client").hasMessageContaining("java-lanplus");
        Path b = write("kind: virtual\noffload: [of]\n");
        assertThatThrownBy(() -> LabFile.read(b)).hasMessageContaining("line 2, field 'offload'").hasMessageContaining("(off, on)");
        Path c = write("kind: virtual\nknown-issues:\n  - persona: clean\n    verdict: DROPED\n");
        assertThatThrownBy(() -> LabFile.read(c)).hasMessageContaining("line 2, field 'known-issues[0].verdict'")
                .hasMessageContaining("'DROPED' is not a verdict");
        Path d = write("kind: virtual\nknown-issues:\n  - persona: clean\n    verdikt: DELIVERED\n");
        assertThatThrownBy(() -> LabFile.read(d)).hasMessageContaining("line 4").hasMessageContaining("verdikt");
    }

    @Test
    void clientPathsAreResolvedAgainstTheFileAndMustBeExecutables() throws IOException {
        Path tool = Files.writeString(dir.resolve("my-ipmiutil"), "#!/bin/sh\n");
        tool.toFile().setExecutable(true);
        LabFile f = LabFile.read(write("kind: virtual\nclient-paths:\n  ipmiutil: my-ipmiutil\n"));
        assertThat(f.clientPaths()).containsEntry("ipmiutil", dir.resolve("my-ipmiutil").toAbsolutePath());
        Path a = write("kind: virtual\nclient-paths:\n  ipmitool: missing-ipmitool\n");
        assertThatThrownBy(() -> LabFile.read(a)).hasMessageContaining("line 3, field 'ipmitool'")
                .hasMessageContaining("missing-ipmitool is not an executable file");
        Path b = write("kind: virtual\nclient-paths:\n  racadm: my-ipmiutil\n");
        assertThatThrownBy(() -> LabFile.read(b)).hasMessageContaining("field 'client-paths.racadm'")
                .hasMessageContaining("ipmitool, ipmiutil, freeipmi");
    }

    @Test
    void anAgentLabIsReadAsTheIssueWritesIt() throws IOException {
        LabFile f = LabFile.read(write("""
                kind: agent
                dut-interface: enp3s0          # the NIC under test on this machine
                responder:
                  url: http://198.18.7.2:8623  # the agent's control address
                  token-env: QUIRKLAB_AGENT_TOKEN
                persona-base: 198.18.7.10      # 198.18.0.0/15 only
                clients: [java-lan, ipmitool-lan, ipmiutil]
                offload: ["on", "off"]
                """));
        assertThat(f.kind().id()).isEqualTo("agent");
        LabKind.Agent a = (LabKind.Agent) f.kind();
        assertThat(a.dutInterface()).isEqualTo("enp3s0");
        assertThat(a.url()).hasToString("http://198.18.7.2:8623");
        assertThat(a.tokenEnv()).isEqualTo("QUIRKLAB_AGENT_TOKEN");
        assertThat(a.tokenFile()).isEmpty();
        assertThat(a.personaBase().getHostAddress()).isEqualTo("198.18.7.10");
        assertThat(f.offload()).containsExactly(OffloadState.ON, OffloadState.OFF);
        assertThat(f.faultModel()).isEmpty();
        Files.writeString(dir.resolve("tok"), "x".repeat(20));
        LabFile g = LabFile.read(write("kind: agent\ndut-interface: veth0\nresponder:\n  url: https://198.18.7.2:8623\n  token-file: tok\n"
                + "fault-model:\n  name: df-clear\n"));
        assertThat(((LabKind.Agent) g.kind()).tokenFile()).contains(dir.resolve("tok").toAbsolutePath());
        assertThat(g.faultModel()).contains(FaultModel.of("df-clear"));
    }

    @Test
    void agentLabErrorsNameTheFieldAndValue() throws IOException {
        String head = "kind: agent\ndut-interface: eth1\n";
        Path noUrl = write(head + "responder:\n  token-env: T\n");
        assertThatThrownBy(() -> LabFile.read(noUrl)).hasMessageContaining("field 'responder.url': missing");
        Path name = write(head + "responder:\n  url: http://agent.lab:8623\n");
        assertThatThrownBy(() -> LabFile.read(name)).hasMessageContaining("field 'responder.url'").hasMessageContaining("'agent.lab' is a name");
        Path noPort = write(head + "responder:\n  url: ftp://198.18.7.2\n");
        assertThatThrownBy(() -> LabFile.read(noPort)).hasMessageContaining("is not http(s)://ADDRESS:PORT");
        Path base = write(head + "responder:\n  url: http://198.18.7.2:8623\npersona-base: 192.168.1.10\n");
        assertThatThrownBy(() -> LabFile.read(base)).hasMessageContaining("line 5").hasMessageContaining("field 'persona-base'")
                .hasMessageContaining("'192.168.1.10' is outside 198.18.0.0/15");
        Path env = write(head + "responder:\n  url: http://198.18.7.2:8623\n  token-env: 'no way'\n");
        assertThatThrownBy(() -> LabFile.read(env)).hasMessageContaining("field 'responder.token-env'").hasMessageContaining("'no way'");
        Path iface = write(head + "responder:\n  url: http://198.18.7.2:8623\n  interface: eth2\n");
        assertThatThrownBy(() -> LabFile.read(iface)).hasMessageContaining("field 'responder.interface'");
        Path virtualUrl = write("kind: virtual\nresponder:\n  url: http://198.18.7.2:8623\n");
        assertThatThrownBy(() -> LabFile.read(virtualUrl)).hasMessageContaining("field 'responder.url'").hasMessageContaining("only for kind agent");
        Path noDut = write("kind: agent\nresponder:\n  url: http://198.18.7.2:8623\n");
        assertThatThrownBy(() -> LabFile.read(noDut)).hasMessageContaining("field 'dut-interface': missing");
        Files.writeString(dir.resolve("not-a-cert.pem"), "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n");
        Path trustHttp = write(head + "responder:\n  url: http://198.18.7.2:8623\n  trust: not-a-cert.pem\n");
        assertThatThrownBy(() -> LabFile.read(trustHttp)).hasMessageContaining("line 5, field 'responder.trust'").hasMessageContaining("for an https URL");
        Path badCert = write(head + "responder:\n  url: https://198.18.7.2:8623\n  trust: not-a-cert.pem\n");
        assertThatThrownBy(() -> LabFile.read(badCert)).hasMessageContaining("field 'responder.trust'").hasMessageContaining("not-a-cert.pem")
                .hasMessageContaining("not a PEM certificate");
        Path noCert = write(head + "responder:\n  url: https://198.18.7.2:8623\n  trust: missing.pem\n");
        assertThatThrownBy(() -> LabFile.read(noCert)).hasMessageContaining("field 'responder.trust'").hasMessageContaining("missing.pem");
        Path virtualTrust = write("kind: virtual\nresponder:\n  trust: not-a-cert.pem\n");
        assertThatThrownBy(() -> LabFile.read(virtualTrust)).hasMessageContaining("field 'responder.trust'").hasMessageContaining("only for kind agent");
        Path fifo = io.quirklab.testing.SpecialFiles.fifo(dir, "token.fifo");
        Path fifoToken = write(head + "responder:\n  url: http://198.18.7.2:8623\n  token-file: token.fifo\n");
        assertThatThrownBy(() -> LabFile.read(fifoToken)).hasMessageContaining("field 'responder.token-file': " + fifo.toAbsolutePath()
                + ": is a named pipe (FIFO), not a token file");
    }
}
