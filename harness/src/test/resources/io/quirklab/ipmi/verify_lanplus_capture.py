#!/usr/bin/env python3
"""Independent check of an ipmitool lanplus capture: recomputes the RAKP HMACs, SIK, K1, K2 and every integrity
auth code with Python's hmac/hashlib, and decrypts every payload with the openssl command line. It shares no code
with quirklab; RmcpPlusCaptureTest embeds the values it prints.

usage: verify_lanplus_capture.py CAPTURE.pcap PASSWORD sha1|sha256
"""
import hashlib
import hmac
import struct
import subprocess
import sys


def udp_payloads(path):
    data = open(path, "rb").read()
    off = 24
    while off + 16 <= len(data):
        incl = struct.unpack_from("<I", data, off + 8)[0]
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        ihl = (frame[14] & 0x0F) * 4
        udp = frame[14 + ihl:]
        sport, dport = struct.unpack_from(">HH", udp, 0)
        yield sport, dport, udp[8:]


def main():
    path, password, alg = sys.argv[1], sys.argv[2].encode(), sys.argv[3]
    h = hashlib.sha1 if alg == "sha1" else hashlib.sha256
    icv_len = 12 if alg == "sha1" else 16
    kuid = password.ljust(20, b"\0")
    msgs = {}
    session = []
    for sport, dport, p in udp_payloads(path):
        if p[4] != 0x06:
            continue
        ptype = p[5] & 0x3F
        sid, seq, plen = struct.unpack_from("<IIH", p, 6)
        payload = p[16:16 + plen]
        if ptype in (0x10, 0x11, 0x12, 0x13, 0x14, 0x15):
            msgs[ptype] = payload
        elif ptype == 0 and p[5] & 0x40:
            session.append((p, plen))
    sidm, sidc = msgs[0x11][4:8], msgs[0x11][8:12]
    rm, role, name = msgs[0x12][8:24], msgs[0x12][24:25], msgs[0x12][28:28 + msgs[0x12][27]]
    rc, guid, code2 = msgs[0x13][8:24], msgs[0x13][24:40], msgs[0x13][40:]
    ulen = bytes([len(name)])
    assert hmac.new(kuid, sidm + sidc + rm + rc + guid + role + ulen + name, h).digest() == code2, "RAKP 2"
    assert hmac.new(kuid, rc + sidm + role + ulen + name, h).digest() == msgs[0x14][8:], "RAKP 3"
    sik = hmac.new(kuid, rm + rc + role + ulen + name, h).digest()
    assert hmac.new(sik, rm + sidc + guid, h).digest()[:icv_len] == msgs[0x15][8:], "RAKP 4"
    k1 = hmac.new(sik, b"\x01" * 20, h).digest()
    k2 = hmac.new(sik, b"\x02" * 20, h).digest()
    print("RAKP 2, RAKP 3 and RAKP 4 verify")
    print("SIK", sik.hex())
    print("K1 ", k1.hex())
    print("K2 ", k2.hex())
    for p, plen in session:
        body = p[4:]
        covered, code = body[:-icv_len], body[-icv_len:]
        assert hmac.new(k1, covered, h).digest()[:icv_len] == code, "integrity"
        payload = body[12:12 + plen]
        plain = subprocess.run(["openssl", "enc", "-d", "-aes-128-cbc", "-nopad", "-K", k2[:16].hex(), "-iv",
                                payload[:16].hex()], input=payload[16:], capture_output=True, check=True).stdout
        print("auth code ok, plaintext", plain[:len(plain) - 1 - plain[-1]].hex())


main()
