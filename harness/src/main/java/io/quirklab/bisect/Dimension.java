package io.quirklab.bisect;

/**
 * One way a persona's replies differ from a reference's: a field and the target's value for it, in the persona
 * catalogue's spelling ({@code dont-fragment=false}, {@code ip-id=echo}, {@code ttl=request}, {@code ipmi=1.5},
 * {@code firmware-quirk:session-id-zero=on}).
 *
 * @param field     the field (a quirk field, {@code ipmi} or {@code firmware-quirk:NAME})
 * @param value     the target's value
 * @param reference the reference's value, for reports
 */
public record Dimension(String field, String value, String reference) {
    @Override
    public String toString() {
        return field + "=" + value;
    }
}
