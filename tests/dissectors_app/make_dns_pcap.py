#!/usr/bin/env python3
"""Writes a pcap ($1) of DNS cases that live resolvers rarely produce on
demand: DNS over TCP split at every awkward place (length prefix alone, a
message over three segments, several messages and a partial one in a single
segment, a gap, garbage and a stream cut short), mDNS over IPv4 and IPv6
(QU questions, cache-flush answers, unicast replies to port 5353) and LLMNR
over UDP and TCP. Bytes are written directly: no scapy needed."""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from pcap_bytes import csum, ip4, ip6  # noqa: E402


def mac_for(dst):
    if dst == "224.0.0.251":
        return bytes.fromhex("01005e0000fb")
    if dst == "224.0.0.252":
        return bytes.fromhex("01005e0000fc")
    if dst.startswith("ff02"):
        return bytes.fromhex("3333") + ip6(dst)[-4:]
    return bytes.fromhex("020000000002")


def packet(src, dst, proto, l4):
    """Ethernet + IPv4/IPv6 around an L4 header+payload whose checksum
    field is zero; fills the checksum in."""
    v6 = ":" in src
    s, d = (ip6(src), ip6(dst)) if v6 else (ip4(src), ip4(dst))
    pseudo = s + d + (struct.pack("!IxxxB", len(l4), proto) if v6 else struct.pack("!xBH", proto, len(l4)))
    off = 16 if proto == 6 else 6
    c = csum(pseudo + l4)
    if proto == 17 and c == 0:
        c = 0xFFFF
    l4 = l4[:off] + struct.pack("!H", c) + l4[off + 2:]
    if v6:
        ip = struct.pack("!IHBB", 6 << 28, len(l4), proto, 255) + s + d
        etype = 0x86DD
    else:
        hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 0x1234, 0x4000, 64, proto, 0, s, d)
        ip = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
        etype = 0x0800
    return mac_for(dst) + bytes.fromhex("020000000001") + struct.pack("!H", etype) + ip + l4


def udp(src, sport, dst, dport, payload):
    return packet(src, dst, 17, struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload)


class Tcp:
    """One connection; tracks both sequence numbers."""

    def __init__(self, cli, cport, srv, sport):
        self.ends = [(cli, cport), (srv, sport)]
        self.seq = [1000, 50000]

    def seg(self, side, payload=b"", flags=0x18, skip=0):
        (src, sp), (dst, dp) = self.ends[side], self.ends[1 - side]
        self.seq[side] += skip
        hdr = struct.pack("!HHIIBBHHH", sp, dp, self.seq[side], self.seq[1 - side], 5 << 4, flags, 65535, 0, 0)
        self.seq[side] += len(payload) + (1 if flags & 0x03 else 0)
        return packet(src, dst, 6, hdr + payload)

    def handshake(self):
        out = [self.seg(0, flags=0x02)]
        out.append(self.seg(1, flags=0x12))
        out.append(self.seg(0, flags=0x10))
        return out


def name(n):
    out = b""
    for label in n.strip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def rr(n, t, data, ttl=300, klass=1):
    return name(n) + struct.pack("!HHIH", t, klass, ttl, len(data)) + data


def msg(ident, flags, qs=(), ans=(), auth=(), add=()):
    body = b"".join(qs) + b"".join(ans) + b"".join(auth) + b"".join(add)
    return struct.pack("!HHHHHH", ident, flags, len(qs), len(ans), len(auth), len(add)) + body


def q(n, t=1, klass=1):
    return name(n) + struct.pack("!HH", t, klass)


def txt(*strings):
    return b"".join(bytes([len(s)]) + s.encode() for s in strings)


def framed(m):
    return struct.pack("!H", len(m)) + m


def dns_tcp(frames, cli, srv, port=53, cport=40000):
    c = Tcp(cli, cport, srv, port)
    frames += c.handshake()
    # A query whose length prefix travels alone, then its body.
    q1 = framed(msg(0x1001, 0x0100, [q("alone.example.com")]))
    frames.append(c.seg(0, q1[:2]))
    frames.append(c.seg(0, q1[2:]))
    # A large answer over three segments.
    big = framed(msg(0x1001, 0x8180, [q("alone.example.com")],
                     [rr("alone.example.com", 16, txt("x" * 200, "y" * 200)) for _ in range(3)] +
                     [rr("alone.example.com", 1, bytes([10, 0, 0, i])) for i in range(1, 5)]))
    third = len(big) // 3
    frames.append(c.seg(1, big[:third]))
    frames.append(c.seg(1, big[third:2 * third]))
    frames.append(c.seg(1, big[2 * third:]))
    # Two queries pipelined in one segment, answered in one segment together
    # with the first byte of a third answer's length.
    q2 = framed(msg(0x2002, 0x0100, [q("one.example.com", 28)]))
    q3 = framed(msg(0x2003, 0x0100, [q("two.example.com", 15)]))
    frames.append(c.seg(0, q2 + q3))
    r2 = framed(msg(0x2002, 0x8180, [q("one.example.com", 28)], [rr("one.example.com", 28, ip6("2001:db8::1"))]))
    r3 = framed(msg(0x2003, 0x8180, [q("two.example.com", 15)],
                    [rr("two.example.com", 15, struct.pack("!H", 10) + name("mx.example.com"))]))
    q4 = framed(msg(0x2004, 0x0100, [q("three.example.com", 1)]))
    r4 = framed(msg(0x2004, 0x8183, [q("three.example.com", 1)]))
    frames.append(c.seg(0, q4))
    frames.append(c.seg(1, r2 + r3 + r4[:1]))
    frames.append(c.seg(1, r4[1:]))
    # The tail of one message, a whole one and the head of the next in one segment.
    q5 = framed(msg(0x3005, 0x0100, [q("five.example.com")]))
    q6 = framed(msg(0x3006, 0x0100, [q("six.example.com")]))
    q7 = framed(msg(0x3007, 0x0100, [q("seven.example.com")]))
    frames.append(c.seg(0, q5[:9]))
    frames.append(c.seg(0, q5[9:] + q6 + q7[:5]))
    frames.append(c.seg(0, q7[5:]))
    # A partial message, then a gap: the rest is lost.
    q8 = framed(msg(0x4008, 0x0100, [q("lost.example.com")]))
    frames.append(c.seg(0, q8[:10]))
    frames.append(c.seg(0, q8[10:] + b"", skip=4))
    frames.append(c.seg(0, flags=0x11))
    frames.append(c.seg(1, flags=0x11))
    # One byte of a length prefix, then the rest of that message, a whole
    # one and half of a third; then the rest of the third.
    c = Tcp(cli, cport + 1, srv, port)
    frames += c.handshake()
    qa = framed(msg(0x5001, 0x0100, [q("a.example.com")]))
    qb = framed(msg(0x5002, 0x0100, [q("b.example.com")]))
    qc = framed(msg(0x5003, 0x0100, [q("c.example.com")]))
    frames.append(c.seg(0, qa[:1]))
    frames.append(c.seg(0, qa[1:] + qb + qc[:12]))
    frames.append(c.seg(0, qc[12:]))
    frames.append(c.seg(0, flags=0x11))
    frames.append(c.seg(1, flags=0x11))
    # A gap inside a message whose segment then carries its end and a whole one.
    c = Tcp(cli, cport + 2, srv, port)
    frames += c.handshake()
    qd = framed(msg(0x6001, 0x0100, [q("d.example.com")]))
    qe = framed(msg(0x6002, 0x0100, [q("e.example.com")]))
    frames.append(c.seg(0, qd[:8]))
    frames.append(c.seg(0, qd[12:] + qe, skip=4))
    frames.append(c.seg(0, flags=0x11))
    frames.append(c.seg(1, flags=0x11))
    # A message completed by a segment that also starts the next one.
    c = Tcp(cli, cport + 3, srv, port)
    frames += c.handshake()
    qf = framed(msg(0x7001, 0x0100, [q("f.example.com")]))
    qg = framed(msg(0x7002, 0x0100, [q("g.example.com")]))
    frames.append(c.seg(0, qf[:10]))
    frames.append(c.seg(0, qf[10:] + qg[:5]))
    frames.append(c.seg(0, qg[5:]))
    frames.append(c.seg(0, flags=0x11))
    frames.append(c.seg(1, flags=0x11))


def dns_tcp_bad(frames, cli, srv):
    c = Tcp(cli, 40001, srv, 53)
    frames += c.handshake()
    # Length prefix promising more than ever comes, then FIN.
    frames.append(c.seg(0, struct.pack("!H", 400) + b"\x12\x34\x01\x00\x00\x01"))
    frames.append(c.seg(0, b"\x00" * 20))
    frames.append(c.seg(0, flags=0x11))
    c = Tcp(cli, 40002, srv, 53)
    frames += c.handshake()
    # Garbage: counts far beyond the data, a zero-length message, a name loop.
    frames.append(c.seg(0, framed(b"\xab\xcd\x01\x00\xff\xff\xff\xff\xff\xff\xff\xff") + b"\x00\x00"))
    frames.append(c.seg(0, framed(b"\x00\x01\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\xc0\x0c\x00\x01\x00\x01")))
    frames.append(c.seg(0, b"\x00"))
    frames.append(c.seg(0, flags=0x11))


def mdns(frames):
    a, b = "192.168.7.10", "192.168.7.20"
    grp, grp6 = "224.0.0.251", "ff02::fb"
    # QU question (unicast-response bit) and a known answer.
    frames.append(udp(a, 5353, grp, 5353, msg(0, 0, [q("_http._tcp.local", 12, 0x8001), q("printer.local", 1, 0x8001)],
                                               [rr("_http._tcp.local", 12, name("web._http._tcp.local"), 4500)])))
    # Announcement with cache-flush records.
    svc = "web._http._tcp.local"
    frames.append(udp(b, 5353, grp, 5353, msg(0, 0x8400, [], [
        rr("_http._tcp.local", 12, name(svc), 4500),
        rr(svc, 33, struct.pack("!HHH", 0, 0, 8080) + name("host.local"), 120, 0x8001),
        rr(svc, 16, txt("path=/", "v=1"), 4500, 0x8001),
        rr("host.local", 1, ip4(b), 120, 0x8001),
        rr("host.local", 28, ip6("fe80::20"), 120, 0x8001)],
        [], [rr("host.local", 47, name("host.local") + b"\x00\x04\x40\x00\x00\x08", 120, 0x8001)])))
    # The same over IPv6, and a legacy unicast query/answer on another port.
    frames.append(udp("fe80::10", 5353, grp6, 5353, msg(0, 0, [q("host.local", 28, 1)])))
    frames.append(udp("fe80::20", 5353, grp6, 5353, msg(0, 0x8400, [], [rr("host.local", 28, ip6("fe80::20"), 120, 0x8001)])))
    frames.append(udp(a, 41000, grp, 5353, msg(0x5151, 0, [q("host.local", 1)])))
    frames.append(udp(b, 5353, a, 41000, msg(0x5151, 0x8400, [q("host.local", 1)], [rr("host.local", 1, ip4(b), 10)])))
    # Goodbye (TTL 0) and a truncated question.
    frames.append(udp(b, 5353, grp, 5353, msg(0, 0x8400, [], [rr("_http._tcp.local", 12, name(svc), 0)])))
    frames.append(udp(a, 5353, grp, 5353, msg(0, 0, [q("cut.local", 1)])[:20]))


def llmnr(frames):
    a, b = "192.168.7.10", "192.168.7.30"
    frames.append(udp(a, 52000, "224.0.0.252", 5355, msg(0x6161, 0, [q("wpad", 1)])))
    frames.append(udp(b, 5355, a, 52000, msg(0x6161, 0x8000, [q("wpad", 1)], [rr("wpad", 1, ip4(b), 30)])))
    frames.append(udp("fe80::10", 52001, "ff02::1:3", 5355, msg(0x6262, 0, [q("nas", 28)])))
    frames.append(udp("fe80::30", 5355, "fe80::10", 52001,
                      msg(0x6262, 0x8400, [q("nas", 28)], [rr("nas", 28, ip6("fe80::30"), 30)])))
    c = Tcp(a, 52002, b, 5355)
    frames += c.handshake()
    query = framed(msg(0x6363, 0, [q("bigname", 16)]))
    frames.append(c.seg(0, query[:2]))
    frames.append(c.seg(0, query[2:]))
    frames.append(c.seg(1, framed(msg(0x6363, 0x8000, [q("bigname", 16)], [rr("bigname", 16, txt("z" * 100), 30)]))))
    frames.append(c.seg(0, flags=0x11))


def garbage(frames, seed, gaps):
    """DNS over TCP streams of random bytes and random cuts (fixed seed),
    with bytes lost now and then when `gaps`."""
    import random
    rnd = random.Random(seed)
    for n in range(40):
        c = Tcp("10.2.0.%d" % (n + 1), 41000 + n, "10.2.1.53", 53)
        frames += c.handshake()
        stream = b"".join(framed(bytes(rnd.randrange(256) for _ in range(rnd.randrange(0, 60))))
                          for _ in range(rnd.randrange(1, 6)))
        if rnd.random() < 0.5:
            stream = bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 300)))
        while stream:
            cut = rnd.randrange(1, 40)
            frames.append(c.seg(rnd.randrange(2), stream[:cut], skip=rnd.choice([0, 0, 0, 3]) if gaps else 0))
            stream = stream[cut:]
        frames.append(c.seg(0, flags=0x11))


def main():
    frames = []
    if len(sys.argv) > 2 and sys.argv[2].startswith("--garbage"):
        garbage(frames, 53, sys.argv[2] == "--garbage-gaps")
        write(sys.argv[1], frames)
        return
    dns_tcp(frames, "10.1.1.1", "10.1.1.53")
    dns_tcp(frames, "2001:db8::1", "2001:db8::53", cport=40010)
    dns_tcp_bad(frames, "10.1.1.2", "10.1.1.53")
    mdns(frames)
    llmnr(frames)
    write(sys.argv[1], frames)


def write(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", 1700000000 + i // 10, (i % 10) * 100000, len(fr), len(fr)))
            f.write(fr)


if __name__ == "__main__":
    main()
