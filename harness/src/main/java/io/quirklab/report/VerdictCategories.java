package io.quirklab.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quirklab.matrix.MatrixDocument.Cell;
import io.quirklab.matrix.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A cell's status message and the Allure categories ({@code categories.json}) that sort cells by it. Allure lists a
 * result under every category whose statuses and message regex match (the regex must match the whole message), so
 * each verdict's regex is anchored on its token at the start of the message and refuses a longer token
 * ({@code DELIVERED} never takes {@code DELIVERED_NIC_FLAGGED}); known deviations are the only category for passed
 * results. Messages:
 * <ul>
 *   <li>finding: {@code DROPPED_IN_STACK (UDP_CSUM), expected DELIVERED: <explanation>}</li>
 *   <li>known deviation: {@code DROPPED_IN_STACK (UDP_CSUM), expected DELIVERED (known: <why>): <explanation>}</li>
 *   <li>as expected: {@code DELIVERED, as expected: <explanation>}</li>
 * </ul>
 */
public final class VerdictCategories {
    /** Name of the category of passed cells whose deviation is already known. */
    public static final String KNOWN_DEVIATIONS = "Known deviations";

    private static final List<String> FAILED_OR_BROKEN = List.of("failed", "broken");

    /** One entry of categories.json, in Allure's own field names. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Category(String name, String description, List<String> matchedStatuses, String messageRegex) {
        public Category {
            matchedStatuses = List.copyOf(matchedStatuses);
        }

        /** Allure's rule: a listed status and the regex matching the whole message (DOTALL). */
        public boolean matches(String status, String message) {
            return matchedStatuses.contains(status) && message != null
                    && Pattern.compile(messageRegex, Pattern.DOTALL).matcher(message).matches();
        }
    }

    private VerdictCategories() {
    }

    /** Every category: one per verdict, then known deviations. */
    public static List<Category> categories() {
        List<Category> all = new ArrayList<>();
        for (Verdict v : Verdict.values()) {
            all.add(new Category(v.name(), meaning(v), FAILED_OR_BROKEN, v.name() + "(?![A-Z0-9_]).*"));
        }
        all.add(new Category(KNOWN_DEVIATIONS, "the verdict differs from the expected one, for a reason already known",
                List.of("passed"), "[A-Z][A-Z0-9_]*(?: \\d+/\\d+ delivered, 95 % \\[[^]]*])?(?: \\([^)]*\\))?, expected \\S+ \\(known: .*"));
        return List.copyOf(all);
    }

    /** "DROPPED_IN_STACK (UDP_CSUM)": the verdict token, then the reason when there is one. */
    public static String verdictText(Cell cell) {
        String share = cell.verdict() == Verdict.INTERMITTENT ? cell.repeatShare().map(s -> " " + s.k() + "/" + s.n()
                + " delivered, 95 % " + s.interval()).orElse("") : "";
        return cell.verdict().name() + share + (cell.reason() == null ? "" : " (" + cell.reason() + ")");
    }

    /** The status message of a cell; it starts with the verdict token so the categories can sort it. */
    public static String message(Cell cell) {
        String explanation = cell.explanation() == null || cell.explanation().isBlank() ? "" : ": " + cell.explanation();
        if (cell.verdict() != Verdict.HARNESS_ERROR && !cell.finding()) {
            return verdictText(cell) + ", as expected" + explanation;
        }
        String known = cell.known() != null && cell.verdict() != Verdict.HARNESS_ERROR ? " (known: " + cell.known() + ")" : "";
        return verdictText(cell) + ", expected " + cell.expected() + known + explanation;
    }

    private static String meaning(Verdict v) {
        return switch (v) {
            case DELIVERED -> "delivered where a correct stack drops (a negative control got through)";
            case DELIVERED_NIC_FLAGGED -> "delivered, but the NIC reported checksum errors on the way";
            case DROPPED_IN_STACK -> "the reply reached the DUT interface but never the application";
            case LOST_BEFORE_DUT -> "the responder sent the reply but the DUT interface never saw it";
            case NO_REQUEST -> "the request never reached the responder";
            case CLIENT_REJECTED -> "the reply was delivered but the client refused it";
            case HARNESS_ERROR -> "the harness could not run the cell";
            case INTERMITTENT -> "repeated attempts disagreed: some replies delivered, some dropped";
        };
    }
}
