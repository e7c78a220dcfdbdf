package io.quirklab.responder;

import io.quirklab.bmc.BmcConfig;
import io.quirklab.matrix.Verdict;
import io.quirklab.wire.MacAddress;
import io.quirklab.wire.QuirkProfile;
import java.net.Inet4Address;

/**
 * One simulated BMC on a segment: address + MAC + quirk profile + BMC identity. It travels between processes as
 * catalogue text: {@link PersonaYaml#personas} writes it, {@link PersonaCatalogue#parse} reads it back equal.
 *
 * @param name        unique name, e.g. "smdc-tyan"
 * @param description one line: what it is and why it exists
 * @param address     its IPv4 address (198.18.0.0/15)
 * @param mac         its MAC address
 * @param quirks      how its reply frames deviate from a clean stack
 * @param bmc         the simulated BMC behind it
 * @param expected    the verdict a correct stack produces for it (negative controls expect a drop)
 */
public record Persona(String name, String description, Inet4Address address, MacAddress mac, QuirkProfile quirks,
                      BmcConfig bmc, Verdict expected) {
}
