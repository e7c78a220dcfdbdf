package io.quirklab.matrix;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fields the host adapters added to dut_interface: snake_case in JSON, and documents without them still read. */
class DutInterfaceJsonTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void newFieldsRoundTripInSnakeCase() throws Exception {
        MatrixDocument.DutInterface d = new MatrixDocument.DutInterface("Ethernet 2", "00:1b:21:3a:4f:5c", "Intel(R) I211", "8086:1539",
                "e1r68x64", "12.19.1.37", "2023-05-11", "e1r68x64.sys", null, "1 Gbps", Map.of("rx_udp4_checksum", "on"), "8086:0000", "Intel");
        JsonNode tree = JSON.valueToTree(d);
        assertThat(tree.path("pci_subsystem_id").asText()).isEqualTo("8086:0000");
        assertThat(tree.path("driver_provider").asText()).isEqualTo("Intel");
        assertThat(tree.path("driver_file").asText()).isEqualTo("e1r68x64.sys");
        assertThat(JSON.treeToValue(tree, MatrixDocument.DutInterface.class)).isEqualTo(d);
    }

    @Test
    void olderDocumentsWithoutThemStillRead() throws Exception {
        MatrixDocument.DutInterface d = JSON.readValue("{\"name\":\"eth1\",\"driver\":\"igb\",\"offloads\":{\"rx_udp4_checksum\":\"off\"},"
                + "\"some_future_field\":1}", MatrixDocument.DutInterface.class);
        assertThat(d.pciSubsystemId()).isNull();
        assertThat(d.driverProvider()).isNull();
        assertThat(d.offloads()).containsEntry("rx_udp4_checksum", "off");
        MatrixDocument.DutInterface old = new MatrixDocument.DutInterface("eth1", null, null, null, "igb", null, null, null, null, null, Map.of());
        assertThat(old.pciSubsystemId()).isNull();
    }
}
