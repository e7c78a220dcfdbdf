package io.quirklab.ipmi;

/** Request network functions and the command numbers the project speaks (IPMI v1.5/2.0). */
public final class NetFn {
    public static final int CHASSIS = 0x00;
    public static final int SENSOR_EVENT = 0x04;
    public static final int APP = 0x06;
    public static final int STORAGE = 0x0A;
    public static final int TRANSPORT = 0x0C;

    private NetFn() {
    }

    /** Command numbers, grouped by netFn. */
    public static final class Cmd {
        // Chassis
        public static final int GET_CHASSIS_CAPABILITIES = 0x00;
        public static final int GET_CHASSIS_STATUS = 0x01;
        public static final int CHASSIS_CONTROL = 0x02;
        public static final int GET_SYSTEM_RESTART_CAUSE = 0x07;
        public static final int GET_POH_COUNTER = 0x0F;
        // Sensor/Event
        public static final int GET_SENSOR_THRESHOLDS = 0x27;
        public static final int GET_SENSOR_READING = 0x2D;
        // App
        public static final int GET_DEVICE_ID = 0x01;
        public static final int GET_SELF_TEST_RESULTS = 0x04;
        public static final int GET_ACPI_POWER_STATE = 0x07;
        public static final int GET_DEVICE_GUID = 0x08;
        public static final int GET_SYSTEM_GUID = 0x37;
        public static final int GET_CHANNEL_AUTH_CAPABILITIES = 0x38;
        public static final int GET_SESSION_CHALLENGE = 0x39;
        public static final int ACTIVATE_SESSION = 0x3A;
        public static final int SET_SESSION_PRIVILEGE = 0x3B;
        public static final int CLOSE_SESSION = 0x3C;
        public static final int GET_SESSION_INFO = 0x3D;
        public static final int GET_CHANNEL_INFO = 0x42;
        public static final int GET_CHANNEL_CIPHER_SUITES = 0x54;
        // Storage
        public static final int GET_FRU_INVENTORY_AREA_INFO = 0x10;
        public static final int READ_FRU_DATA = 0x11;
        public static final int GET_SDR_REPOSITORY_INFO = 0x20;
        public static final int RESERVE_SDR_REPOSITORY = 0x22;
        public static final int GET_SDR = 0x23;
        public static final int GET_SEL_INFO = 0x40;
        public static final int RESERVE_SEL = 0x42;
        public static final int GET_SEL_ENTRY = 0x43;
        public static final int GET_SEL_TIME = 0x48;

        private Cmd() {
        }
    }
}
