package io.quirklab.bisect;

import java.io.IOException;

/**
 * What a bisection asks: serve this persona and probe it n times. On a lab this is the responder plus the probe;
 * in tests, a function of the persona's dimensions.
 */
public interface TriggerOracle {
    Attempts probe(ComposedPersona persona, int n) throws IOException;
}
