package io.quirklab.bmc;

import java.time.Clock;

/**
 * The hardware behind the simulated BMC: identity, chassis, sensors, event log, FRU, users, LAN/SOL/PEF
 * configuration, boot options and the watchdog. Thread-safe parts only.
 */
public final class BmcModel {
    /** BMC Global Enables after a cold reset: event message buffer and system event logging on. */
    static final int DEFAULT_GLOBAL_ENABLES = 0x0C;
    static final int GLOBAL_ENABLE_SEL = 0x08;

    private final BmcIdentity identity;
    private final Chassis chassis = new Chassis();
    private final SensorRepository sdr;
    private final EventLog sel;
    private final FruInventory fru;
    private final Clock clock;
    private final UserStore users;
    private final ConfigParameters lan;
    private final ConfigParameters sol;
    private final ConfigParameters pef;
    private final BootOptions boot = new BootOptions();
    private final Watchdog watchdog = new Watchdog();
    private final boolean ipmi20;
    private final byte[] kg;
    private volatile long bootMillis;
    private volatile int coldResets;
    private volatile int globalEnables = DEFAULT_GLOBAL_ENABLES;
    private volatile LanStation station;

    public BmcModel(BmcConfig config, Clock clock) {
        this.identity = config.identity();
        this.clock = clock;
        this.sdr = SensorRepository.smdcDefaults();
        this.sel = EventLog.smdcDefaults(clock);
        this.fru = FruInventory.of(identity);
        this.users = new UserStore(config.users());
        this.lan = LanCommands.lanDefaults(config);
        this.sol = LanCommands.solDefaults();
        this.pef = PefCommands.pefDefaults(identity);
        this.ipmi20 = config.ipmi20();
        this.kg = config.kg();
        this.bootMillis = clock.millis();
    }

    /** The SMDC's defaults with this identity. */
    public BmcModel(BmcIdentity identity, Clock clock) {
        this(BmcConfig.smdcDefaults().withIdentity(identity), clock);
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

    public UserStore users() {
        return users;
    }

    ConfigParameters lan() {
        return lan;
    }

    ConfigParameters sol() {
        return sol;
    }

    ConfigParameters pef() {
        return pef;
    }

    public BootOptions boot() {
        return boot;
    }

    public Watchdog watchdog() {
        return watchdog;
    }

    public boolean ipmi20() {
        return ipmi20;
    }

    /** The BMC key K_G the session keys derive from, or null when they derive from the user's password. */
    byte[] kg() {
        return kg == null ? null : kg.clone();
    }

    public int globalEnables() {
        return globalEnables;
    }

    void globalEnables(int value) {
        globalEnables = value;
    }

    /** Tells the BMC where its LAN channel sits (the responder's persona, or the bound socket). */
    public void station(LanStation s) {
        station = s;
        LanCommands.station(lan, s);
    }

    /** Where the LAN channel sits, or null before anyone said so. */
    public LanStation station() {
        return station;
    }

    /** Seconds since 1970 as IPMI timestamps count them. */
    public int nowSeconds() {
        return (int) (clock.millis() / 1000);
    }

    public long uptimeMillis() {
        return clock.millis() - bootMillis;
    }

    /**
     * Catches up with time before a command runs: a watchdog that ran out acts on the chassis and logs its event at
     * the moment it expired; boot flags left valid for 60 s lose their valid bit.
     */
    void advance() {
        if (!watchdog.mayExpire() && !boot.mayClear()) {
            return; // the common case, on every command: nothing is counting down
        }
        long now = clock.millis();
        Watchdog.Expiry e = watchdog.poll(now);
        if (e != null) {
            chassis.watchdogAction(e.action());
            if (e.action() == Watchdog.HARD_RESET || e.action() == Watchdog.POWER_CYCLE) {
                boot.booted();
            }
            if (e.log() && (globalEnables & GLOBAL_ENABLE_SEL) != 0) {
                // Watchdog 2 offsets: 0 expired, 1 hard reset, 2 power down, 3 power cycle; data 2: interrupt, timer use
                sel.addAt(sel.toSelTime(e.atMillis()), Watchdog.SENSOR_TYPE_WATCHDOG_2, Watchdog.SENSOR_NUMBER,
                        EventLog.EVENT_TYPE_SENSOR_SPECIFIC, 0xC0 | e.action(), e.interrupt() << 4 | e.timerUse(), 0xFF);
            }
        }
        boot.poll(now);
    }

    /** How many cold resets the BMC went through: the session table is emptied after each. */
    int coldResets() {
        return coldResets;
    }

    /**
     * Cold or Warm Reset of the BMC. Both end any "set in progress" and cancel SEL/SDR reservations; a cold reset also
     * restarts the BMC's uptime, stops and forgets the watchdog, turns the identify light off, and puts the global
     * enables and volatile settings back to their defaults. Non-volatile settings (users, LAN, SEL) survive, as on
     * real firmware. The sessions a cold reset ends are the session table's: {@link SimulatedBmc} drops them once the
     * answer is built ({@link #coldResets()}).
     */
    void reset(boolean cold) {
        lan.reset();
        pef.reset();
        boot.resetVolatile();
        sel.cancelReservation();
        sdr.reserve();
        if (cold) {
            sol.reset(LanCommands.SOL_VOLATILE_RATE);
            watchdog.reset();
            chassis.bmcReset();
            globalEnables = DEFAULT_GLOBAL_ENABLES;
            bootMillis = clock.millis();
            coldResets++; // written under the BMC's lock (every command runs under it)
        } else {
            sol.reset();
        }
    }
}
