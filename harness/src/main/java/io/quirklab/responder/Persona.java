package io.quirklab.responder;

import io.quirklab.bmc.BmcConfig;
import io.quirklab.matrix.Verdict;
import io.quirklab.wire.MacAddress;
import io.quirklab.wire.QuirkProfile;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * One simulated BMC on a segment: address + MAC + quirk profile + BMC identity. It travels between processes as
 * catalogue text: {@link PersonaYaml#personas} writes it, {@link PersonaCatalogue#parse} reads it back equal.
 *
 * @param name        unique name, e.g. "smdc-tyan"
 * @param description one line: what it is and why it exists
 * @param address     its IPv4 address (198.18.0.0/15): its own, and what its BMC reports as its LAN address
 * @param mac         its MAC address
 * @param quirks      how its reply frames deviate from a clean stack
 * @param bmc         the simulated BMC behind it
 * @param expected    the verdict a correct stack produces for it (negative controls expect a drop)
 * @param address6    its IPv6 address (2001:2::/48), or null: a persona with one is reached over IPv6 (answers NDP on it,
 *                    its cells are IPv6 cells)
 */
public record Persona(String name, String description, Inet4Address address, MacAddress mac, QuirkProfile quirks,
                      BmcConfig bmc, Verdict expected, Inet6Address address6) {
    /** A persona on IPv4 only. */
    public Persona(String name, String description, Inet4Address address, MacAddress mac, QuirkProfile quirks, BmcConfig bmc,
                   Verdict expected) {
        this(name, description, address, mac, quirks, bmc, expected, null);
    }

    /** True when clients reach it over IPv6. */
    public boolean ipv6() {
        return address6 != null;
    }

    /** The address clients send to: the IPv6 one when it has one, else the IPv4 one. */
    public InetAddress target() {
        return address6 != null ? address6 : address;
    }
}
