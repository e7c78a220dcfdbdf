package io.quirklab.lab;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.quirklab.matrix.Verdict;
import io.quirklab.responder.ControlReply;
import io.quirklab.responder.PersonaYaml;
import io.quirklab.wire.QuirkProfile;
import java.util.List;

/**
 * What {@code lab up} built, as written to {@code lab.json} and printed by {@code lab status --json}.
 *
 * @param kind                "virtual"
 * @param netns               the responder's network namespace
 * @param dutInterface        the DUT end (this host's stack)
 * @param dutAddress          its address with prefix
 * @param responderInterface  the responder end, inside the namespace
 * @param responderPid        the responder process
 * @param controlSocket       the responder's control socket
 * @param faultModel          the emulated offload fault in force, or null
 * @param personas            every persona with its address, MAC and quirks
 * @param started             when the lab came up (ISO-8601)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LabState(String kind, String netns, @JsonProperty("dut_interface") String dutInterface,
                       @JsonProperty("dut_address") String dutAddress,
                       @JsonProperty("responder_interface") String responderInterface,
                       @JsonProperty("responder_pid") long responderPid,
                       @JsonProperty("control_socket") String controlSocket,
                       @JsonProperty("fault_model") Fault faultModel, List<PersonaInfo> personas, String started) {

    /** The fault model as recorded. */
    public record Fault(String name, String expression, String description) {
        static Fault of(FaultModel m) {
            return m == null ? null : new Fault(m.name(), m.expression(), m.describe());
        }
    }

    /**
     * A persona as the lab reports it; {@code address6} only for one reached over IPv6 (its cells send there).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PersonaInfo(String name, String address, String mac, Verdict expected, List<String> quirks, String description,
                              String ipmi, Integer port, @JsonInclude(JsonInclude.Include.NON_NULL) String address6) {
        /** A persona on UDP port 623, as every lab but a socket lab without root serves them. */
        public PersonaInfo(String name, String address, String mac, Verdict expected, List<String> quirks, String description,
                           String ipmi) {
            this(name, address, mac, expected, quirks, description, ipmi, null, null);
        }

        /** On IPv4 only. */
        public PersonaInfo(String name, String address, String mac, Verdict expected, List<String> quirks, String description,
                           String ipmi, Integer port) {
            this(name, address, mac, expected, quirks, description, ipmi, port, null);
        }

        /** The address its cells send to: the IPv6 one when it has one. */
        public String target() {
            return address6 != null ? address6 : address;
        }

        /** Reached over IPv6. */
        public boolean ipv6() {
            return address6 != null;
        }

        /** Its reply-shaping quirks, read back from the "key=value" lines the responder reports (firmware quirks aside). */
        public QuirkProfile profile() {
            return QuirkProfile.fromDescription(quirks == null ? List.of()
                    : quirks.stream().filter(q -> !q.startsWith(PersonaYaml.FIRMWARE_PREFIX)).toList());
        }

        /** Its RMCP port: 623 unless the lab says otherwise. */
        public int udpPort() {
            return port == null ? 623 : port;
        }

        /** Speaks IPMI 2.0 / RMCP+ besides 1.5 (older lab.json files without the field: 1.5 only). */
        public boolean ipmi20() {
            return "2.0".equals(ipmi);
        }

        /** The personas a responder reports serving. */
        public static List<PersonaInfo> of(ControlReply.Status status) {
            return status.personas().stream().map(v -> new PersonaInfo(v.name(), v.address(), v.mac(), Verdict.valueOf(v.expected()), v.quirks(),
                    v.description(), v.ipmi(), null, v.address6())).toList();
        }
    }

    public LabState withFault(FaultModel m) {
        return new LabState(kind, netns, dutInterface, dutAddress, responderInterface, responderPid, controlSocket, Fault.of(m),
                personas, started);
    }

    public PersonaInfo persona(String name) {
        return personas.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "no persona '" + name + "' in this lab (known: " + String.join(", ", personas.stream().map(PersonaInfo::name).toList()) + ")"));
    }
}
