package io.quirklab.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        Path i = write("kind: second-nic\n");
        assertThatThrownBy(() -> LabFile.read(i)).hasMessageContaining("'second-nic' is not supported yet");
        Path j = write("personas: missing.yaml\n");
        assertThatThrownBy(() -> LabFile.read(j)).hasMessageContaining("no such file");
        assertThatThrownBy(() -> LabFile.read(dir.resolve("nope.yaml"))).hasMessageContaining("no such lab file");
    }
}
