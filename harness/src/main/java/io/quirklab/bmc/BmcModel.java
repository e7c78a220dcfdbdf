package io.quirklab.bmc;

import java.time.Clock;

/** The hardware behind the simulated BMC: identity, chassis, sensors, event log and FRU. Thread-safe parts only. */
public final class BmcModel {
    private final BmcIdentity identity;
    private final Chassis chassis = new Chassis();
    private final SensorRepository sdr;
    private final EventLog sel;
    private final FruInventory fru;
    private final Clock clock;
    private final long bootMillis;

    public BmcModel(BmcIdentity identity, Clock clock) {
        this.identity = identity;
        this.clock = clock;
        this.sdr = SensorRepository.smdcDefaults();
        this.sel = EventLog.smdcDefaults(clock);
        this.fru = FruInventory.of(identity);
        this.bootMillis = clock.millis();
    }

    public BmcIdentity identity() {
        return identity;
    }

    public Chassis chassis() {
        return chassis;
    }

    public SensorRepository sdr() {
        return sdr;
    }

    public EventLog sel() {
        return sel;
    }

    public FruInventory fru() {
        return fru;
    }

    public Clock clock() {
        return clock;
    }

    /** Seconds since 1970 as IPMI timestamps count them. */
    public int nowSeconds() {
        return (int) (clock.millis() / 1000);
    }

    public long uptimeMillis() {
        return clock.millis() - bootMillis;
    }
}
