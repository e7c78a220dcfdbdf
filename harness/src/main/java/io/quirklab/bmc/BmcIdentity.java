package io.quirklab.bmc;

import java.util.UUID;

/**
 * Who the simulated BMC says it is: Get Device ID, GUIDs and the FRU strings.
 *
 * @param deviceId         Get Device ID byte 1
 * @param deviceRevision   low nibble of byte 2
 * @param firmwareMajor    major firmware revision (7 bits)
 * @param firmwareMinor    minor firmware revision, BCD-encoded on the wire (0..99)
 * @param manufacturerId   IANA enterprise number (Tyan: 6653)
 * @param productId        product ID
 * @param auxFirmware      4 bytes of auxiliary firmware revision (clients ignore it; the raw-frame work tunes it)
 * @param deviceGuid       Get Device GUID
 * @param systemGuid       Get System GUID
 * @param boardManufacturer FRU board area manufacturer
 * @param boardProduct     FRU board area product name
 * @param boardSerial      FRU board serial number
 * @param boardPartNumber  FRU board part number
 * @param productName      FRU product area name
 * @param productVersion   FRU product area version
 * @param productSerial    FRU product area serial number
 */
public record BmcIdentity(int deviceId, int deviceRevision, int firmwareMajor, int firmwareMinor, int manufacturerId,
                          int productId, byte[] auxFirmware, UUID deviceGuid, UUID systemGuid,
                          String boardManufacturer, String boardProduct, String boardSerial, String boardPartNumber,
                          String productName, String productVersion, String productSerial) {
    public static final int TYAN_IANA = 6653;

    public BmcIdentity {
        if (auxFirmware == null || auxFirmware.length != 4) {
            throw new IllegalArgumentException("auxFirmware must be 4 bytes");
        }
        if (firmwareMinor < 0 || firmwareMinor > 99) {
            throw new IllegalArgumentException("firmwareMinor must be 0..99 (BCD on the wire)");
        }
    }

    // one object, so that two BMCs with the SMDC's identity are equal (a record compares its byte[] by reference)
    private static final BmcIdentity TYAN_SMDC = new BmcIdentity(0x20, 0x01, 1, 5, TYAN_IANA, 0x3291, new byte[4],
            UUID.fromString("a1c0ffee-5a5a-4c3d-8e9f-3289000000d1"),
            UUID.fromString("a1c0ffee-5a5a-4c3d-8e9f-3289000000a1"),
            "TYAN Computer Corp", "S2882 SMDC M3289", "QL3289000001", "M3289-105",
            "Thunder K8S Pro", "1.05", "QLSYS0000001");

    /** The Tyan SMDC M3289 daughter card the project is named after: firmware 1.05, IPMI 1.5. */
    public static BmcIdentity tyanSmdc() {
        return TYAN_SMDC;
    }

    /** Firmware revision as clients print it, e.g. "1.05". */
    public String firmwareText() {
        return String.format("%d.%02d", firmwareMajor, firmwareMinor);
    }

    public BmcIdentity withFirmware(int major, int minor) {
        return new BmcIdentity(deviceId, deviceRevision, major, minor, manufacturerId, productId, auxFirmware, deviceGuid,
                systemGuid, boardManufacturer, boardProduct, boardSerial, boardPartNumber, productName, productVersion,
                productSerial);
    }

    public BmcIdentity withDevice(int id, int product) {
        return new BmcIdentity(id, deviceRevision, firmwareMajor, firmwareMinor, manufacturerId, product, auxFirmware,
                deviceGuid, systemGuid, boardManufacturer, boardProduct, boardSerial, boardPartNumber, productName,
                productVersion, productSerial);
    }

    public BmcIdentity withAuxFirmware(byte[] aux) {
        return new BmcIdentity(deviceId, deviceRevision, firmwareMajor, firmwareMinor, manufacturerId, productId, aux.clone(),
                deviceGuid, systemGuid, boardManufacturer, boardProduct, boardSerial, boardPartNumber, productName,
                productVersion, productSerial);
    }
}
