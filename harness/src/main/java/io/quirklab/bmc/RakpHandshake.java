package io.quirklab.bmc;

import io.quirklab.ipmi.CipherSuite;
import io.quirklab.ipmi.Privilege;
import java.net.InetSocketAddress;

/**
 * One RMCP+ session set-up between Open Session and RAKP 3: what the Open Session request settled, then what RAKP 1
 * and our RAKP 2 added. Mutated only under the BMC's lock; bounded in number by the {@link SessionTable}.
 */
final class RakpHandshake {
    final int bmcId;
    final int consoleId;
    final CipherSuite suite;
    /** The privilege the Open Session response granted at most. */
    final Privilege maxPrivilege;
    final InetSocketAddress peer;
    final long createdMillis;
    private User user;
    private byte[] rm;
    private byte[] rc;
    private int role;
    private byte[] name;

    RakpHandshake(int bmcId, int consoleId, CipherSuite suite, Privilege maxPrivilege, InetSocketAddress peer, long createdMillis) {
        this.bmcId = bmcId;
        this.consoleId = consoleId;
        this.suite = suite;
        this.maxPrivilege = maxPrivilege;
        this.peer = peer;
        this.createdMillis = createdMillis;
    }

    /** Records a successful RAKP 1 (a repeated RAKP 1 replaces the earlier one). */
    void rakp1(User u, byte[] consoleRandom, byte[] bmcRandom, int roleByte, byte[] userName) {
        this.user = u;
        this.rm = consoleRandom.clone();
        this.rc = bmcRandom.clone();
        this.role = roleByte;
        this.name = userName.clone();
    }

    boolean rakp1Seen() {
        return user != null;
    }

    User user() {
        return user;
    }

    byte[] rm() {
        return rm;
    }

    byte[] rc() {
        return rc;
    }

    /** The RAKP 1 role byte, lookup bit included, as the key exchange hashes it. */
    int roleByte() {
        return role;
    }

    Privilege requestedPrivilege() {
        return Privilege.fromLevel(role & 0x0F);
    }

    byte[] name() {
        return name;
    }
}
