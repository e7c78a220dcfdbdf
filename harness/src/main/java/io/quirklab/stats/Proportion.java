package io.quirklab.stats;

import java.util.Locale;

/**
 * k successes in n independent trials with a 95 % confidence interval for the share. Two proportions are told apart
 * only when their intervals separate (do not overlap): the rule every repeated probe, cell and bisection step uses.
 *
 * @param k      successes (for a cell: attempts delivered; for a bisection probe: attempts dropped)
 * @param n      trials
 * @param low    lower bound of the 95 % interval
 * @param high   upper bound of the 95 % interval
 * @param method how the interval was computed
 */
public record Proportion(int k, int n, double low, double high, Method method) {
    /** The interval methods: Wilson's score interval, and the exact (conservative) Clopper-Pearson interval. */
    public enum Method { WILSON, CLOPPER_PEARSON }

    /** z for a two-sided 95 % interval. */
    static final double Z95 = 1.959963984540054;
    private static final double ALPHA = 0.05;

    public Proportion {
        if (n < 0 || k < 0 || k > n) {
            throw new IllegalArgumentException("k of n needs 0 <= k <= n, got " + k + " of " + n);
        }
    }

    /** Wilson's score interval: narrow and well-behaved at 0 and n, so few repeats suffice to separate two shares. */
    public static Proportion wilson(int k, int n) {
        if (n == 0) {
            return new Proportion(0, 0, 0, 1, Method.WILSON);
        }
        double p = (double) k / n;
        double z2 = Z95 * Z95;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / (1 + z2 / n);
        // at k = 0 and k = n the bound is exactly 0 or 1; floating point would leave 1e-17 off
        return new Proportion(k, n, k == 0 ? 0 : Math.max(0, centre - half), k == n ? 1 : Math.min(1, centre + half), Method.WILSON);
    }

    /** The exact interval: the shares p for which k is not in either 2.5 % tail of Binomial(n, p). */
    public static Proportion clopperPearson(int k, int n) {
        if (n == 0) {
            return new Proportion(0, 0, 0, 1, Method.CLOPPER_PEARSON);
        }
        double low = k == 0 ? 0 : solve(p -> upperTail(k, n, p) - ALPHA / 2);
        double high = k == n ? 1 : solve(p -> ALPHA / 2 - lowerTail(k, n, p));
        return new Proportion(k, n, low, high, Method.CLOPPER_PEARSON);
    }

    public static Proportion of(int k, int n, Method method) {
        return method == Method.WILSON ? wilson(k, n) : clopperPearson(k, n);
    }

    /** k / n (0 for no trials). */
    public double share() {
        return n == 0 ? 0 : (double) k / n;
    }

    /** The two intervals do not overlap: the shares differ at 95 % confidence. */
    public boolean separatesFrom(Proportion other) {
        return high < other.low || other.high < low;
    }

    /** This share is certainly above the other's. */
    public boolean above(Proportion other) {
        return low > other.high;
    }

    /** "10/10, 95 % [0.69, 1.00]". */
    public String text() {
        return k + "/" + n + ", 95 % " + interval();
    }

    /** "[0.69, 1.00]". */
    public String interval() {
        return String.format(Locale.ROOT, "[%.2f, %.2f]", low, high);
    }

    /** P(X >= k) for X ~ Binomial(n, p). */
    static double upperTail(int k, int n, double p) {
        double s = 0;
        for (int i = k; i <= n; i++) {
            s += pmf(i, n, p);
        }
        return s;
    }

    /** P(X <= k) for X ~ Binomial(n, p). */
    static double lowerTail(int k, int n, double p) {
        double s = 0;
        for (int i = 0; i <= k; i++) {
            s += pmf(i, n, p);
        }
        return s;
    }

    private static double pmf(int i, int n, double p) {
        if (p <= 0) {
            return i == 0 ? 1 : 0;
        }
        if (p >= 1) {
            return i == n ? 1 : 0;
        }
        return Math.exp(logChoose(n, i) + i * Math.log(p) + (n - i) * Math.log1p(-p));
    }

    private static double logChoose(int n, int k) {
        double s = 0;
        for (int i = 1; i <= k; i++) {
            s += Math.log(n - k + i) - Math.log(i);
        }
        return s;
    }

    /** The root in (0, 1) of an increasing function, by bisection (both tails are monotone in p). */
    private static double solve(java.util.function.DoubleUnaryOperator increasing) {
        double lo = 0;
        double hi = 1;
        for (int i = 0; i < 60; i++) {
            double mid = (lo + hi) / 2;
            if (increasing.applyAsDouble(mid) < 0) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }
}
