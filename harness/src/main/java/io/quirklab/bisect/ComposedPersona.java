package io.quirklab.bisect;

import java.util.List;

/**
 * A persona made up for one bisection step: the reference with some of the target's dimensions.
 *
 * @param name       its name in the responder (bisect-1, bisect-2, ...; the anchors: the target's and reference's own)
 * @param dimensions the target's dimensions it carries
 * @param traits     the resulting traits (quirk profile, IPMI version, firmware quirks)
 */
public record ComposedPersona(String name, List<Dimension> dimensions, Traits traits) {
    public ComposedPersona {
        dimensions = List.copyOf(dimensions);
    }

    /** The persona's quirks as the catalogue writes them (key=value). */
    public List<String> quirks() {
        return traits.profile().describe();
    }
}
