package io.quirklab.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Against published values: Clopper-Pearson from R's binom.test, Wilson from R's prop.test(correct = FALSE). */
class ProportionTest {
    private static void interval(Proportion p, double low, double high) {
        assertEquals(low, p.low(), 5e-5, p + " low");
        assertEquals(high, p.high(), 5e-5, p + " high");
    }

    @Test
    void clopperPearsonMatchesBinomTest() {
        interval(Proportion.clopperPearson(10, 10), 0.6915029, 1.0);
        interval(Proportion.clopperPearson(0, 10), 0.0, 0.3084971);
        interval(Proportion.clopperPearson(5, 10), 0.1870860, 0.8129140);
        interval(Proportion.clopperPearson(7, 10), 0.3475471, 0.9332605);
        interval(Proportion.clopperPearson(1, 20), 0.001265, 0.2487334);
    }

    @Test
    void wilsonMatchesPropTest() {
        interval(Proportion.wilson(10, 10), 0.7224672, 1.0);
        interval(Proportion.wilson(0, 10), 0.0, 0.2775328);
        interval(Proportion.wilson(5, 10), 0.2365931, 0.7634069);
        interval(Proportion.wilson(7, 10), 0.3967781, 0.8922087);
        interval(Proportion.wilson(0, 3), 0.0, 0.5614970);
    }

    @Test
    void separationNeedsDisjointIntervals() {
        assertTrue(Proportion.wilson(4, 4).separatesFrom(Proportion.wilson(0, 4)));
        assertFalse(Proportion.wilson(3, 3).separatesFrom(Proportion.wilson(0, 3)), "three of three is not enough");
        assertFalse(Proportion.clopperPearson(5, 5).separatesFrom(Proportion.clopperPearson(0, 5)));
        assertTrue(Proportion.clopperPearson(6, 6).separatesFrom(Proportion.clopperPearson(0, 6)));
        assertFalse(Proportion.wilson(7, 10).separatesFrom(Proportion.wilson(10, 10)));
        assertTrue(Proportion.wilson(10, 10).above(Proportion.wilson(0, 10)));
        assertFalse(Proportion.wilson(0, 10).above(Proportion.wilson(10, 10)));
    }

    @Test
    void textAndBadInput() {
        assertEquals("10/10, 95 % [0.69, 1.00]", Proportion.clopperPearson(10, 10).text());
        assertEquals("[0.00, 1.00]", Proportion.wilson(0, 0).interval());
        assertThrows(IllegalArgumentException.class, () -> Proportion.wilson(3, 2));
    }
}
