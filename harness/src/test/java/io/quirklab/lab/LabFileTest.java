package io.quirklab.lab;

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
        assertThat(f.personas()).contains(dir.resolve("p.yaml").toAbsolutePath());
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
        assertThat(f.clients()).containsExactly(Probe.ClientKind.JAVA_LAN, Probe.ClientKind.IPMITOOL_LANPLUS, Probe.ClientKind.FREEIPMI);
        assertThat(f.offload()).containsExactly("on", "off");
        KnownIssues.Entry e = f.knownIssues().entries().get(0);
        assertThat(e).isEqualTo(new KnownIssues.Entry("smdc-tyan", "*", "on", Verdict.DROPPED_IN_STACK, "UDP_CSUM", "the emulated fault"));
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
}
