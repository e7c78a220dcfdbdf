package io.quirklab.bmc;

import io.quirklab.ipmi.CompletionCode;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One block of configuration parameters as LAN, SOL, PEF and boot options keep them (IPMI v2.0 sections 23.1, 26.2,
 * 30.3, 28.12): parameter 0 is "set in progress", the others are fixed-length values, read-only or writable, some
 * with a set selector (then the selector is the value's first byte, on reads and writes alike). Thread-safe.
 */
final class ConfigParameters {
    /** Completion codes shared by the Get/Set ... Configuration Parameters commands. */
    static final int PARAMETER_NOT_SUPPORTED = 0x80;
    static final int SET_IN_PROGRESS_ALREADY = 0x81;
    static final int READ_ONLY = 0x82;
    static final int SET_IN_PROGRESS = 0;
    static final int STATE_COMPLETE = 0x00;
    static final int STATE_IN_PROGRESS = 0x01;
    static final int STATE_COMMIT_WRITE = 0x02;

    /**
     * @param length  data bytes, including the set selector where there is one
     * @param sets    number of set selectors (0: the parameter has none)
     * @param writable false: Set answers 0x82
     * @param valid   checks written data (already of the right length); false answers 0xCC
     * @param live    for read-only values that follow the BMC's state (auth support, cipher suites), else null
     */
    record Parameter(int selector, int length, int sets, boolean writable, Predicate<byte[]> valid, Supplier<byte[]> live) {
    }

    /** What a read found: a completion code and, when 0, the value. */
    record Read(int completionCode, byte[] data) {
    }

    private final Map<Integer, Parameter> parameters = new TreeMap<>();
    private final Map<Integer, byte[][]> initial = new TreeMap<>();
    private final Map<Integer, byte[][]> values = new TreeMap<>();
    private int setInProgress = STATE_COMPLETE;

    /** A writable or read-only value without a set selector. */
    ConfigParameters value(int selector, boolean writable, Predicate<byte[]> valid, int... bytes) {
        return define(new Parameter(selector, bytes.length, 0, writable, valid, null), new byte[][] {bytes(bytes)});
    }

    ConfigParameters value(int selector, boolean writable, Predicate<byte[]> valid, byte[] bytes) {
        return define(new Parameter(selector, bytes.length, 0, writable, valid, null), new byte[][] {bytes.clone()});
    }

    /** A read-only value computed when read. */
    ConfigParameters live(int selector, Supplier<byte[]> live) {
        return define(new Parameter(selector, live.get().length, 0, false, d -> false, live), new byte[][] {live.get()});
    }

    /** A table of {@code sets} entries of {@code length} bytes each (selector first), all starting as {@code template}. */
    ConfigParameters table(int selector, int sets, boolean writable, Predicate<byte[]> valid, int... template) {
        byte[][] rows = new byte[sets][];
        for (int i = 0; i < sets; i++) {
            rows[i] = bytes(template);
            rows[i][0] = (byte) i;
        }
        return define(new Parameter(selector, template.length, sets, writable, valid, null), rows);
    }

    private ConfigParameters define(Parameter p, byte[][] rows) {
        parameters.put(p.selector(), p);
        initial.put(p.selector(), copy(rows));
        values.put(p.selector(), copy(rows));
        return this;
    }

    synchronized boolean supports(int selector) {
        return selector == SET_IN_PROGRESS || parameters.containsKey(selector);
    }

    /** Reads one parameter (the set selector matters only for tables). */
    synchronized Read get(int selector, int set) {
        if (selector == SET_IN_PROGRESS) {
            return new Read(CompletionCode.OK, new byte[] {(byte) setInProgress});
        }
        Parameter p = parameters.get(selector);
        if (p == null) {
            return new Read(PARAMETER_NOT_SUPPORTED, new byte[0]);
        }
        if (p.live() != null) {
            return new Read(CompletionCode.OK, p.live().get());
        }
        byte[][] rows = values.get(selector);
        if (p.sets() == 0) {
            return new Read(CompletionCode.OK, rows[0].clone());
        }
        if (set >= p.sets()) {
            return new Read(CompletionCode.PARAMETER_OUT_OF_RANGE, new byte[0]);
        }
        return new Read(CompletionCode.OK, rows[set].clone());
    }

    /** Writes one parameter as a console's Set request carries it; answers the completion code. */
    synchronized int set(int selector, byte[] data) {
        if (selector == SET_IN_PROGRESS) {
            return setInProgress(data);
        }
        Parameter p = parameters.get(selector);
        if (p == null) {
            return PARAMETER_NOT_SUPPORTED;
        }
        if (!p.writable()) {
            return READ_ONLY;
        }
        if (data.length != p.length()) {
            return CompletionCode.REQUEST_DATA_LENGTH_INVALID;
        }
        int row = 0;
        if (p.sets() > 0) {
            row = data[0] & 0xFF;
            if (row >= p.sets()) {
                return CompletionCode.PARAMETER_OUT_OF_RANGE;
            }
        }
        if (!p.valid().test(data)) {
            return CompletionCode.INVALID_DATA_FIELD;
        }
        values.get(selector)[row] = data.clone();
        return CompletionCode.OK;
    }

    /** For the BMC itself: replaces a value (read-only ones too), e.g. the persona's own address. */
    synchronized void put(int selector, byte[] data) {
        Parameter p = parameters.get(selector);
        if (p == null || p.sets() > 0 || data.length != p.length()) {
            throw new IllegalArgumentException("parameter " + selector + " cannot take " + data.length + " bytes");
        }
        values.get(selector)[0] = data.clone();
    }

    synchronized byte[] value(int selector) {
        return get(selector, 0).data();
    }

    private int setInProgress(byte[] data) {
        if (data.length != 1) {
            return CompletionCode.REQUEST_DATA_LENGTH_INVALID;
        }
        int state = data[0] & 0x03;
        if ((data[0] & 0xFC) != 0 || state == 0x03) {
            return CompletionCode.INVALID_DATA_FIELD;
        }
        if (state == STATE_IN_PROGRESS && setInProgress == STATE_IN_PROGRESS) {
            return SET_IN_PROGRESS_ALREADY;
        }
        // Writes take effect at once, so "commit write" has nothing left to do and ends the set like "set complete".
        setInProgress = state == STATE_IN_PROGRESS ? STATE_IN_PROGRESS : STATE_COMPLETE;
        return CompletionCode.OK;
    }

    /** After a BMC reset: "set in progress" is volatile (and so are the values {@code volatileSelectors} name). */
    synchronized void reset(int... volatileSelectors) {
        setInProgress = STATE_COMPLETE;
        for (int s : volatileSelectors) {
            values.put(s, copy(initial.get(s)));
        }
    }

    /** Back to the values the BMC started with. */
    synchronized void factoryDefaults() {
        setInProgress = STATE_COMPLETE;
        initial.forEach((k, v) -> values.put(k, copy(v)));
    }

    private static byte[][] copy(byte[][] rows) {
        byte[][] out = new byte[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = rows[i].clone();
        }
        return out;
    }

    static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    static boolean any(byte[] d) {
        return true;
    }
}
