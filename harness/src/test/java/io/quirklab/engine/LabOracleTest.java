package io.quirklab.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

class LabOracleTest {
    @Test
    void theSlotIsTheHighestFreeAddressOfTheDutSubnet() throws Exception {
        assertEquals("198.18.0.254", LabOracle.slotAddress("198.18.0.1/24", Set.of("198.18.0.10")));
        assertEquals("198.18.0.253", LabOracle.slotAddress("198.18.0.1/24", Set.of("198.18.0.254")));
        assertEquals("198.18.1.254", LabOracle.slotAddress("198.18.1.1/24", Set.of()));
    }
}
