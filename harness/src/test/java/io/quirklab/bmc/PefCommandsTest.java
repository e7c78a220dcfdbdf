package io.quirklab.bmc;

import static io.quirklab.bmc.Handlers.bytes;
import static io.quirklab.bmc.Handlers.cc;
import static io.quirklab.bmc.Handlers.ok;
import static org.assertj.core.api.Assertions.assertThat;

import io.quirklab.ipmi.CompletionCode;
import io.quirklab.ipmi.NetFn;
import io.quirklab.ipmi.Privilege;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PefCommandsTest {
    private final Handlers bmc = new Handlers(BmcConfig.smdcDefaults(), PefCommands::register);

    private byte[] param(int selector, int set) {
        byte[] d = ok(bmc.call(NetFn.SENSOR_EVENT, PefCommands.GET_PEF_CONFIG, selector, set, 0)).data();
        assertThat(d[0] & 0xFF).isEqualTo(PefCommands.PARAMETER_REVISION);
        return Arrays.copyOfRange(d, 1, d.length);
    }

    @Test
    void privilegesAreThoseOfTheSpecification() {
        assertThat(bmc.privilege(NetFn.SENSOR_EVENT, PefCommands.GET_PEF_CAPABILITIES)).isEqualTo(Privilege.USER);
        assertThat(bmc.privilege(NetFn.SENSOR_EVENT, PefCommands.GET_PEF_CONFIG)).isEqualTo(Privilege.OPERATOR);
        assertThat(bmc.table.lookup(NetFn.SENSOR_EVENT, 0x12)).as("no Set PEF Configuration: PEF cannot act").isEmpty();
    }

    @Test
    void capabilitiesNameVersionActionsAndFilterCount() {
        assertThat(bytes(ok(bmc.call(NetFn.SENSOR_EVENT, PefCommands.GET_PEF_CAPABILITIES)).data())).containsExactly(0x51, 0x0F, 16);
        assertThat(cc(bmc.call(NetFn.SENSOR_EVENT, PefCommands.GET_PEF_CAPABILITIES, 0))).isEqualTo(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
    }

    @Test
    void pefIsDisabledWithEmptyTables() {
        assertThat(bytes(param(PefCommands.PEF_CONTROL, 0))).containsExactly(0x00);
        assertThat(bytes(param(PefCommands.FILTER_COUNT, 0))).containsExactly(16);
        byte[] filter = param(PefCommands.FILTER_TABLE, 3);
        assertThat(filter).hasSize(21);
        assertThat(filter[0]).as("set selector").isEqualTo((byte) 3);
        assertThat(filter[1]).as("filter disabled").isZero();
        assertThat(bytes(param(PefCommands.POLICY_TABLE, 2))).containsExactly(2, 0, 0, 0);
        byte[] guid = param(PefCommands.SYSTEM_GUID, 0);
        assertThat(guid).hasSize(17);
        assertThat(Arrays.copyOfRange(guid, 1, 17)).containsExactly(AppCommands.guid(bmc.model.identity().systemGuid()));
    }

    @Test
    void badRequestsGetTheSpecsCompletionCodes() {
        assertThat(cc(bmc.call(NetFn.SENSOR_EVENT, PefCommands.GET_PEF_CONFIG, 1, 0))).isEqualTo(CompletionCode.REQUEST_DATA_LENGTH_INVALID);
        assertThat(cc(bmc.call(NetFn.SENSOR_EVENT, PefCommands.GET_PEF_CONFIG, 0x0D, 0, 0))).isEqualTo(ConfigParameters.PARAMETER_NOT_SUPPORTED);
        assertThat(cc(bmc.call(NetFn.SENSOR_EVENT, PefCommands.GET_PEF_CONFIG, PefCommands.FILTER_TABLE, 17, 0)))
                .isEqualTo(CompletionCode.PARAMETER_OUT_OF_RANGE);
        assertThat(bytes(ok(bmc.call(NetFn.SENSOR_EVENT, PefCommands.GET_PEF_CONFIG, 0x81, 0, 0)).data())).containsExactly(0x11);
    }

    @Test
    void lastProcessedEventIsTheLastSelRecord() {
        byte[] d = ok(bmc.call(NetFn.SENSOR_EVENT, PefCommands.GET_LAST_PROCESSED_EVENT)).data();
        int last = bmc.model.sel().find(EventLog.LAST).orElseThrow().event().recordId();
        assertThat(d).hasSize(10);
        assertThat((d[4] & 0xFF) | (d[5] & 0xFF) << 8).isEqualTo(last);
        bmc.model.sel().clear();
        d = ok(bmc.call(NetFn.SENSOR_EVENT, PefCommands.GET_LAST_PROCESSED_EVENT)).data();
        assertThat((d[4] & 0xFF) | (d[5] & 0xFF) << 8).as("empty SEL").isEqualTo(0xFFFF);
    }
}
