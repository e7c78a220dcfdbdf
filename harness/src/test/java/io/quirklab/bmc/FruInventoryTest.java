package io.quirklab.bmc;

import static io.quirklab.bmc.SensorRepositoryTest.u8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class FruInventoryTest {
    private final BmcIdentity id = BmcIdentity.tyanSmdc();
    private final byte[] image = FruInventory.of(id).image();

    @Test
    void commonHeaderIsVersionOneWithAZeroSumChecksum() {
        assertThat(u8(image, 0)).isEqualTo(0x01);
        assertThat(sum(image, 0, 8)).isZero();
        assertThat(u8(image, 1)).as("no internal use area").isZero();
        assertThat(u8(image, 2)).as("no chassis area").isZero();
        assertThat(u8(image, 5)).as("no multirecord area").isZero();
        assertThat(u8(image, 3) * 8).as("board area right after the header").isEqualTo(8);
    }

    @Test
    void everyAreaSumsToZeroAndFitsTheImage() {
        for (int headerIndex : new int[] {3, 4}) {
            int start = u8(image, headerIndex) * 8;
            int length = u8(image, start + 1) * 8;
            assertThat(u8(image, start)).as("area format version").isEqualTo(0x01);
            assertThat(start + length).isLessThanOrEqualTo(image.length);
            assertThat(sum(image, start, start + length)).as("area at %d", start).isZero();
        }
        int productStart = u8(image, 4) * 8;
        assertThat(productStart).as("product area follows the board area")
                .isEqualTo(8 + u8(image, 9) * 8);
        assertThat(productStart + u8(image, productStart + 1) * 8).isEqualTo(image.length);
        assertThat(FruInventory.of(id).size()).isEqualTo(image.length);
    }

    @Test
    void boardAreaCarriesDateAndIdentityStrings() {
        int start = u8(image, 3) * 8;
        assertThat(u8(image, start + 2)).as("language English").isZero();
        int minutes = u8(image, start + 3) | u8(image, start + 4) << 8 | u8(image, start + 5) << 16;
        assertThat(FruInventory.MFG_EPOCH.plus(Duration.ofMinutes(minutes))).isEqualTo(FruInventory.BOARD_MFG_DATE);
        assertThat(fields(image, start + 6)).containsExactly(id.boardManufacturer(), id.boardProduct(),
                id.boardSerial(), id.boardPartNumber(), FruInventory.FRU_FILE_ID);
    }

    @Test
    void productAreaCarriesIdentityStrings() {
        int start = u8(image, 4) * 8;
        assertThat(u8(image, start + 2)).isZero();
        assertThat(fields(image, start + 3)).containsExactly(id.boardManufacturer(), id.productName(),
                FruInventory.PRODUCT_MODEL, id.productVersion(), id.productSerial(), FruInventory.ASSET_TAG,
                FruInventory.FRU_FILE_ID);
    }

    @Test
    void paddingBetweenEndMarkerAndChecksumIsZero() {
        for (int headerIndex : new int[] {3, 4}) {
            int start = u8(image, headerIndex) * 8;
            int end = start + u8(image, start + 1) * 8 - 1;
            int marker = endMarker(image, start + (headerIndex == 3 ? 6 : 3));
            assertThat(Arrays.copyOfRange(image, marker + 1, end)).isEqualTo(new byte[end - marker - 1]);
        }
    }

    @Test
    void aOneCharacterFieldIsPaddedSoItCannotLookLikeTheEndMarker() {
        BmcIdentity v7 = new BmcIdentity(id.deviceId(), id.deviceRevision(), id.firmwareMajor(), id.firmwareMinor(),
                id.manufacturerId(), id.productId(), id.auxFirmware(), id.deviceGuid(), id.systemGuid(),
                id.boardManufacturer(), id.boardProduct(), id.boardSerial(), id.boardPartNumber(), id.productName(),
                "7", id.productSerial());
        byte[] img = FruInventory.of(v7).image();
        int start = u8(img, 4) * 8;
        assertThat(fields(img, start + 3)).contains("7 ", id.productSerial(), FruInventory.FRU_FILE_ID);
    }

    @Test
    void fieldsLongerThanSixtyThreeBytesAreRefused() {
        BmcIdentity longName = new BmcIdentity(id.deviceId(), id.deviceRevision(), id.firmwareMajor(),
                id.firmwareMinor(), id.manufacturerId(), id.productId(), id.auxFirmware(), id.deviceGuid(),
                id.systemGuid(), "M".repeat(64), id.boardProduct(), id.boardSerial(), id.boardPartNumber(),
                id.productName(), id.productVersion(), id.productSerial());
        assertThatThrownBy(() -> FruInventory.of(longName)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readClipsAtTheEndOfTheArea() {
        FruInventory fru = FruInventory.of(id);
        assertThat(fru.read(0, 8)).containsExactly(Arrays.copyOf(image, 8));
        assertThat(fru.read(image.length - 3, 16)).hasSize(3);
        assertThat(fru.read(image.length, 16)).isEmpty();
        assertThat(fru.accessedByWords()).isFalse();
    }

    /** Type/length-coded 8-bit ASCII fields from {@code at} up to the 0xC1 end marker. */
    static List<String> fields(byte[] b, int at) {
        List<String> out = new ArrayList<>();
        int i = at;
        while (u8(b, i) != 0xC1) {
            assertThat(u8(b, i) >> 6).as("8-bit ASCII type").isEqualTo(3);
            int len = u8(b, i) & 0x3F;
            out.add(new String(b, i + 1, len, StandardCharsets.ISO_8859_1));
            i += 1 + len;
        }
        return out;
    }

    private static int endMarker(byte[] b, int at) {
        int i = at;
        while (u8(b, i) != 0xC1) {
            i += 1 + (u8(b, i) & 0x3F);
        }
        return i;
    }

    private static int sum(byte[] b, int from, int to) {
        int s = 0;
        for (int i = from; i < to; i++) {
            s += b[i] & 0xFF;
        }
        return s & 0xFF;
    }
}
