package io.quirklab.observe;

/**
 * What a NIC counter says about a span of time: a number it told, or why it cannot tell anything (the driver has no
 * such counter, its checksumming is off, or QEMU's model never checks). "Not told" is never written as zero: a zero
 * from a NIC that checks means "it found nothing wrong", a zero from one that cannot count means nothing.
 */
public sealed interface CounterReading {
    /** The counter moved by {@code delta} (0 included). */
    record Told(String counter, long delta) implements CounterReading {
    }

    /** The NIC cannot tell; {@code why} says so in one line. */
    record NotTold(String why) implements CounterReading {
    }

    /** "rx_csum_offload_errors +1", or "not told (why)". */
    default String describe() {
        if (this instanceof Told t) {
            return t.counter() + " " + (t.delta() >= 0 ? "+" : "") + t.delta();
        }
        return "not told (" + ((NotTold) this).why() + ")";
    }
}
