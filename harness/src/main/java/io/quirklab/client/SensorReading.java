package io.quirklab.client;

/**
 * One line of an SDR list.
 *
 * @param number sensor number
 * @param name   ID string
 * @param value  converted reading, or null when the sensor has no analog reading
 * @param unit   unit name
 * @param status "ok", "ns" (no reading), "nc"/"cr"/"nr" when a threshold is crossed
 */
public record SensorReading(int number, String name, Double value, String unit, String status) {
    /** The value the way ipmitool prints it: integers plain, others with two decimals. */
    public String valueText() {
        if (value == null) {
            return "no reading";
        }
        return value == Math.rint(value) ? String.format("%d %s", value.longValue(), unit) : String.format("%.2f %s", value, unit);
    }
}
