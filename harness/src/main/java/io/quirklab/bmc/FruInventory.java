package io.quirklab.bmc;

import io.quirklab.ipmi.ByteWriter;
import io.quirklab.ipmi.Checksums;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * FRU device 0 of the simulated SMDC: a common header, a board info area and a product info area in the IPMI
 * Platform Management FRU Information Storage Definition v1.0 format. Immutable.
 */
public final class FruInventory {
    /** The only FRU device: the BMC's own (logical device 0). */
    public static final int DEVICE_ID = 0;
    public static final int FORMAT_VERSION = 0x01;
    public static final int HEADER_BYTES = 8;
    /** Type/length byte that ends an area's fields. */
    public static final int END_OF_FIELDS = 0xC1;
    /** Board manufacturing dates count minutes from here. */
    public static final Instant MFG_EPOCH = Instant.parse("1996-01-01T00:00:00Z");
    /** When the M3289 in the lab was built (its FRU says so; nothing else depends on it). */
    public static final Instant BOARD_MFG_DATE = Instant.parse("2004-11-08T09:30:00Z");
    /** Product part/model number: BmcIdentity has no field for it; the Thunder K8S Pro is Tyan's S2882. */
    public static final String PRODUCT_MODEL = "S2882";
    public static final String ASSET_TAG = "Not Specified";
    public static final String FRU_FILE_ID = "M3289.FRU";

    private static final int LANGUAGE_ENGLISH = 0;
    private static final int TYPE_8BIT_ASCII = 0xC0;
    private static final int MAX_FIELD = 63;

    private final byte[] image;

    private FruInventory(byte[] image) {
        this.image = image;
    }

    public static FruInventory of(BmcIdentity identity) {
        int minutes = (int) Duration.between(MFG_EPOCH, BOARD_MFG_DATE).toMinutes();
        byte[] board = area(new ByteWriter().u8(LANGUAGE_ENGLISH).u24le(minutes),
                identity.boardManufacturer(), identity.boardProduct(), identity.boardSerial(),
                identity.boardPartNumber(), FRU_FILE_ID);
        byte[] product = area(new ByteWriter().u8(LANGUAGE_ENGLISH),
                identity.boardManufacturer(), identity.productName(), PRODUCT_MODEL, identity.productVersion(),
                identity.productSerial(), ASSET_TAG, FRU_FILE_ID);
        int boardOffset = HEADER_BYTES;
        int productOffset = boardOffset + board.length;
        byte[] header = {FORMAT_VERSION, 0, 0, (byte) (boardOffset / 8), (byte) (productOffset / 8), 0, 0, 0};
        header[7] = (byte) Checksums.of(header, 0, 7);
        return new FruInventory(new ByteWriter().bytes(header).bytes(board).bytes(product).toByteArray());
    }

    /** Inventory area size in bytes, as Get FRU Inventory Area Info reports it. */
    public int size() {
        return image.length;
    }

    /** Always false: the device is accessed by bytes, not 16-bit words. */
    public boolean accessedByWords() {
        return false;
    }

    public byte[] image() {
        return image.clone();
    }

    /** Up to {@code count} bytes from {@code offset}, fewer at the end of the area, none past it. */
    public byte[] read(int offset, int count) {
        if (offset < 0 || offset >= image.length || count <= 0) {
            return new byte[0];
        }
        return Arrays.copyOfRange(image, offset, Math.min(image.length, offset + count));
    }

    /**
     * One info area: version, length in 8-byte units, the fixed leading bytes, type/length-coded fields, the end
     * marker, zero padding and a checksum that makes the whole area sum to zero.
     */
    private static byte[] area(ByteWriter leading, String... fields) {
        byte[] lead = leading.toByteArray();
        ByteWriter w = new ByteWriter().u8(FORMAT_VERSION).u8(0).bytes(lead);
        for (String f : fields) {
            // a one-byte 8-bit ASCII field would encode as C1h, the end marker, so pad it with a space
            byte[] b = (f.length() == 1 ? f + " " : f).getBytes(StandardCharsets.ISO_8859_1);
            if (b.length > MAX_FIELD) {
                throw new IllegalArgumentException("FRU field longer than 63 bytes: '" + f + "'");
            }
            w.u8(TYPE_8BIT_ASCII | b.length).bytes(b);
        }
        w.u8(END_OF_FIELDS);
        int length = (w.size() + 1 + 7) / 8 * 8;
        byte[] area = Arrays.copyOf(w.toByteArray(), length);
        area[1] = (byte) (length / 8);
        area[length - 1] = (byte) Checksums.of(area, 0, length - 1);
        return area;
    }
}
