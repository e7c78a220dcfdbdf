package io.quirklab.wire;

import static io.quirklab.wire.QuirkField.DONT_FRAGMENT;
import static io.quirklab.wire.QuirkField.IP_ID;
import static io.quirklab.wire.QuirkField.IP_ID_VALUE;
import static io.quirklab.wire.QuirkField.TEMPLATE;
import static io.quirklab.wire.QuirkField.TTL;
import static io.quirklab.wire.QuirkField.VLAN_ID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quirklab.testing.TestFrames;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class QuirkFieldTest {
    private static final byte[] PAYLOAD = {0x06, 0x00, (byte) 0xFF, 0x06, 0x00, 0x00, 0x11, (byte) 0xBE, (byte) 0x80, 0x01, 0x00, 0x00};

    @Test
    void everyConstantIsARowOfTheTableOnce() throws IllegalAccessException {
        List<Object> constants = new ArrayList<>();
        for (Field f : QuirkField.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == QuirkField.class) {
                constants.add(f.get(null));
            }
        }
        assertThat(QuirkField.ALL).containsExactlyInAnyOrderElementsOf(constants.stream().map(c -> (QuirkField<?>) c).toList());
        assertThat(new HashSet<>(QuirkField.names())).hasSize(QuirkField.ALL.size());
        assertThat(QuirkField.names()).allMatch(n -> n.matches("[a-z][a-z0-9]*(-[a-z0-9]+)*"));
        for (QuirkField<?> f : QuirkField.ALL) {
            assertThat(QuirkField.named(f.name())).containsSame(f);
        }
    }

    @Test
    void everyValueReadsBackFromItsTextAndEveryCleanValueIsAValue() {
        for (QuirkField<?> f : QuirkField.ALL) {
            for (Object v : samples(f)) {
                assertThat(f.parse(f.textOf(v))).as(f + " " + v).isEqualTo(v);
                assertThat(f.parse(String.valueOf(f.yamlOf(v)))).as(f + " as YAML " + v).isEqualTo(v);
            }
            if (f.clean() != null) {
                assertThat(f.checked(f.clean())).as(f.name()).isEqualTo(f.clean());
            }
            f.templateValue().ifPresent(v -> assertThat(f.templated()).isTrue());
            f.owner().ifPresent(o -> assertThat(o.detail()).containsSame(f));
        }
        assertThat(TTL.parse("0x40")).isEqualTo(64);
        assertThat(QuirkField.FRAGMENT.parse("MORE_FRAGMENTS")).isEqualTo(QuirkProfile.Fragment.MORE_FRAGMENTS);
        assertThat(QuirkField.FRAGMENT.text(QuirkProfile.Fragment.MORE_FRAGMENTS)).isEqualTo("more-fragments");
        assertThat(VLAN_ID.textOf(null)).isEqualTo("none");
    }

    @Test
    void aWrongTextIsRefusedWithWhatIsAllowed() {
        assertThatThrownBy(() -> TTL.parse("lots")).isInstanceOfSatisfying(QuirkField.Refusal.class, r -> {
            assertThat(r.token()).isEqualTo("lots");
            assertThat(r.problem()).isEqualTo("is not a whole number in 1..255");
        });
        assertThatThrownBy(() -> TTL.parse("300")).isInstanceOfSatisfying(QuirkField.Refusal.class, r -> {
            assertThat(r.token()).isNull();
            assertThat(r.problem()).isEqualTo("300 is outside 1..255");
        });
        assertThatThrownBy(() -> DONT_FRAGMENT.parse("yes")).hasMessage("'yes' is not one of true, false");
        assertThatThrownBy(() -> IP_ID.parse("zeroo")).hasMessage("'zeroo' is not one of fresh, echo, zero, fixed");
    }

    @Test
    void theBuilderChecksRangesAndTheRulesOfDetails() {
        assertThatThrownBy(() -> QuirkProfile.builder().set(TTL, 300)).hasMessage("ttl: 300 is outside 1..255");
        assertThatThrownBy(() -> QuirkProfile.builder().set(IP_ID, QuirkProfile.IpId.FIXED).build())
                .hasMessage("ip-id: 'fixed' needs ip-id-value (0..65535)");
        assertThatThrownBy(() -> QuirkProfile.builder().set(IP_ID_VALUE, 7).build())
                .hasMessage("ip-id-value: only means something with ip-id: fixed");
        QuirkProfile fixed = QuirkProfile.builder().set(IP_ID_VALUE, 7).set(IP_ID, QuirkProfile.IpId.FIXED).set(TTL, 1).build();
        assertThat(fixed.describe()).containsExactly("ip-id=fixed", "ip-id-value=7", "ttl=1");
        assertThat(QuirkProfile.fromDescription(fixed.describe())).isEqualTo(fixed);
        assertThat(fixed.toBuilder().unset(TTL).set(TTL, null).build().describe()).containsExactly("ip-id=fixed", "ip-id-value=7");
        assertThat(fixed.effective(DONT_FRAGMENT)).isTrue();
        assertThat(fixed.get(DONT_FRAGMENT)).isEmpty();
        assertThat(QuirkProfile.CLEAN.effective(VLAN_ID)).isNull();
        assertThatThrownBy(() -> QuirkProfile.fromDescription(List.of("ttll=3"))).hasMessageContaining("ttll=3");
    }

    /** The frame builder's defaults are the table's: a profile that sets every field to its clean value sends the same bytes. */
    @Test
    void settingEveryFieldToItsCleanValueChangesNoByte() {
        QuirkProfile.Builder all = QuirkProfile.builder();
        for (QuirkField<?> f : QuirkField.ALL) {
            setClean(f, all);
        }
        for (TestFrames.Request rq : List.of(TestFrames.Request.to623(PAYLOAD), TestFrames.Request.to623(PAYLOAD).withFlags(0b100)
                .withTtlTos(7, 0x10).withOptions(new byte[] {1, 1, 1, 1}))) {
            byte[] clean = reply(rq, QuirkProfile.CLEAN);
            assertThat(reply(rq, all.build())).isEqualTo(clean);
            for (QuirkField<?> f : QuirkField.ALL) {
                QuirkProfile.Builder one = QuirkProfile.builder();
                setClean(f, one);
                assertThat(reply(rq, one.build())).as(f.name()).isEqualTo(clean);
            }
        }
    }

    /** Under the template the fields it copies take the request's values; a field the profile sets wins. */
    @Test
    void theTemplateFillsTheFieldsTheTableSaysItDecides() {
        TestFrames.Request rq = TestFrames.Request.to623(PAYLOAD).withId(0xBEEF).withFlags(0b100).withTtlTos(9, 0x20);
        ParsedFrame.Ipv4 request = ParsedFrame.parse(rq.frame()).orElseThrow().ipv4().orElseThrow();
        QuirkProfile template = QuirkProfile.builder().set(TEMPLATE, QuirkProfile.Template.REQUEST).build();
        ParsedFrame.Ipv4 reply = ParsedFrame.parse(reply(rq, template)).orElseThrow().ipv4().orElseThrow();
        for (QuirkField<?> f : QuirkField.ALL) {
            if (f.copiedFromRequest()) {
                assertThat(f.read(reply)).as(f.name()).isEqualTo(f.read(request));
            }
        }
        assertThat(reply.id()).isEqualTo(0xBEEF);
        assertThat(IP_ID.templateValue()).contains(QuirkProfile.IpId.ECHO);
        ParsedFrame.Ipv4 overridden = ParsedFrame.parse(reply(rq, template.toBuilder().set(TTL, 3).build())).orElseThrow().ipv4()
                .orElseThrow();
        assertThat(overridden.ttl()).isEqualTo(3);
    }

    /** The README's "Quirk keys" paragraph names every row, in table order. */
    @Test
    void theReadmeNamesEveryKeyInTableOrder() throws java.io.IOException {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("..", "README.md"));
        int at = readme.indexOf("\nQuirk keys");
        assertThat(at).as("the README's Quirk keys paragraph").isPositive();
        String paragraph = readme.substring(at + 1, readme.indexOf("\n\n", at));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("`([a-z0-9-]+)`").matcher(paragraph);
        List<String> keys = new ArrayList<>();
        while (m.find()) {
            keys.add(m.group(1));
        }
        assertThat(keys).isEqualTo(QuirkField.names());
    }

    private static <T> void setClean(QuirkField<T> f, QuirkProfile.Builder b) {
        b.set(f, f.clean());
    }

    private static byte[] reply(TestFrames.Request rq, QuirkProfile p) {
        AtomicInteger ids = new AtomicInteger(0x1000);
        return ReplyFrameBuilder.udpReply(ParsedFrame.parse(rq.frame()).orElseThrow(), TestFrames.PERSONA, TestFrames.PERSONA_MAC,
                PAYLOAD, p, ids::getAndIncrement);
    }

    /** Every value of a choice or flag; a range's ends and its clean value. */
    private static List<Object> samples(QuirkField<?> f) {
        if (f.values() instanceof QuirkField.Range r) {
            List<Object> out = new ArrayList<>(List.of(r.min(), r.max()));
            if (f.clean() != null) {
                out.add(f.clean());
            }
            return out;
        }
        if (f.values() instanceof QuirkField.Flag) {
            return List.of(true, false);
        }
        return Arrays.asList(f.values().type().getEnumConstants());
    }
}
