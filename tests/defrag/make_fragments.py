#!/usr/bin/env python3
"""Writes a pcap of fragmented IPv4/IPv6 datagrams for the defrag tests:
DNS over UDP and ICMP/ICMPv6 echo, fragments in order, out of order and
interleaved, a datagram missing a fragment, duplicates (same and different
bytes), a fragment cut by the snap length, a fragmented TCP segment, and
enough unfragmented flows that with --threads 4 the fragments of one
datagram land on different shards. Usage: make_fragments.py OUT.pcap [--stale]"""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from pcap_bytes import csum, ip4, ip6  # noqa: E402


def dns_query(qid, name, response=False):
    flags = 0x8180 if response else 0x0100
    q = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0" + struct.pack("!HH", 1, 1)
    if not response:
        return struct.pack("!6H", qid, flags, 1, 0, 0, 0) + q
    ans = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 300, 4) + bytes([192, 0, 2, 7])
    return struct.pack("!6H", qid, flags, 1, 1, 0, 0) + q + ans


def udp(sport, dport, payload, pseudo):
    hdr = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0)
    c = csum(pseudo(17, 8 + len(payload)) + hdr + payload) or 0xFFFF
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), c) + payload


def pseudo4(src, dst):
    return lambda proto, n: ip4(src) + ip4(dst) + struct.pack("!BBH", 0, proto, n)


def pseudo6(src, dst):
    return lambda proto, n: ip6(src) + ip6(dst) + struct.pack("!IxxxB", n, proto)


def icmp_echo(typ, ident, seq, data, pseudo=None):
    body = struct.pack("!BBHHH", typ, 0, 0, ident, seq) + data
    c = csum((pseudo(58, len(body)) if pseudo else b"") + body)
    return body[:2] + struct.pack("!H", c) + body[4:]


def tcp(sport, dport, seq, ack, flags, payload, pseudo):
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0)
    c = csum(pseudo(6, len(hdr) + len(payload)) + hdr + payload)
    return hdr[:16] + struct.pack("!H", c) + hdr[18:] + payload


def eth(payload, v6=False):
    return b"\x00\x11\x22\x33\x44\x55\x00\x66\x77\x88\x99\xaa" + struct.pack("!H", 0x86DD if v6 else 0x0800) + payload


def ipv4_packet(src, dst, proto, ident, off, more, payload):
    flags = (off // 8) | (0x2000 if more else 0)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, flags, 64, proto, 0, ip4(src), ip4(dst))
    return eth(hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:] + payload)


def ipv6_fragment(src, dst, nxt, ident, off, more, payload):
    frag = struct.pack("!BBHI", nxt, 0, off | (1 if more else 0), ident)
    hdr = struct.pack("!IHBB16s16s", 0x60000000, 8 + len(payload), 44, 64, ip6(src), ip6(dst))
    return eth(hdr + frag + payload, v6=True)


def ipv6_packet(src, dst, nxt, payload):
    return eth(struct.pack("!IHBB16s16s", 0x60000000, len(payload), nxt, 64, ip6(src), ip6(dst)) + payload, v6=True)


def split(data, size):
    return [(o, data[o:o + size], o + size < len(data)) for o in range(0, len(data), size)]


def frags4(src, dst, proto, ident, data, size, order=None):
    parts = split(data, size)
    order = order or range(len(parts))
    return [ipv4_packet(src, dst, proto, ident, parts[i][0], parts[i][2], parts[i][1]) for i in order]


def frags6(src, dst, nxt, ident, data, size, order=None):
    parts = split(data, size)
    order = order or range(len(parts))
    return [ipv6_fragment(src, dst, nxt, ident, parts[i][0], parts[i][2], parts[i][1]) for i in order]


def build():
    frames = []  # (bytes, caplen or None)
    add = lambda pkts: frames.extend((p, None) for p in pkts)
    cli, srv, peer = "10.0.0.1", "10.0.0.53", "10.0.0.2"
    c6, s6 = "2001:db8::1", "2001:db8::53"

    def background(i):
        # Unfragmented flows between many hosts: they spread the shards.
        a, b = "10.0.%d.%d" % (1 + i % 7, 10 + i), "10.9.%d.1" % (i % 5)
        p = pseudo4(a, b)
        return ipv4_packet(a, b, 17, 0x100 + i, 0, False, udp(20000 + i, 53, dns_query(0x4000 + i, "bg%d.example.org" % i), p))

    # 1: DNS query, in order; 2: its response, out of order.
    q = udp(40000, 53, dns_query(0x1234, "fragmented-query-name.long-subdomain.example.com"), pseudo4(cli, srv))
    add(frags4(cli, srv, 17, 0x0101, q, 24))
    add([background(0), background(1)])
    r = udp(53, 40000, dns_query(0x1234, "fragmented-query-name.long-subdomain.example.com", True), pseudo4(srv, cli))
    add(frags4(srv, cli, 17, 0x0202, r, 32, order=[2, 1, 0]))
    # 3: two ICMP echo requests, fragments interleaved, then the replies.
    e1 = frags4(cli, peer, 1, 0x0303, icmp_echo(8, 7, 1, bytes(range(100))), 40)
    e2 = frags4(cli, peer, 1, 0x0304, icmp_echo(8, 7, 2, bytes(range(100, 200))), 40)
    add([e1[0], e2[0], e1[1], background(2), e2[2], e1[2], e2[1]])
    add(frags4(peer, cli, 1, 0x0a03, icmp_echo(0, 7, 1, bytes(range(100))), 48, order=[2, 0, 1]))
    add(frags4(peer, cli, 1, 0x0a04, icmp_echo(0, 7, 2, bytes(range(100, 200))), 48))
    # 4: a datagram missing its middle fragment: never reassembled.
    lost = frags4(cli, srv, 17, 0x0404, udp(40001, 53, dns_query(0x99, "lost-fragment.example.com"), pseudo4(cli, srv)), 16)
    add([lost[0], lost[2], background(3)])
    # 5: a duplicate (same bytes) before completion; 6: a conflicting one.
    d = frags4(cli, srv, 17, 0x0505, udp(40002, 53, dns_query(0x55, "duplicate.example.com"), pseudo4(cli, srv)), 16)
    add([d[0], d[1], d[1], d[2]])
    c = frags4(cli, srv, 17, 0x0606, udp(40003, 53, dns_query(0x66, "conflict.example.com"), pseudo4(cli, srv)), 16)
    bad = bytearray(c[1])
    bad[-1] ^= 0xFF
    add([c[0], c[1], bytes(bad), c[2]])
    # 7: the last fragment again after completion (a new, unfinished datagram).
    add([d[2], background(4)])
    # 8: a first fragment cut by the snap length, then the rest.
    cut = frags4(cli, srv, 17, 0x0808, udp(40004, 53, dns_query(0x88, "snap-cut.example.com"), pseudo4(cli, srv)), 24)
    frames.append((cut[0], len(cut[0]) - 10))
    add(cut[1:])
    # 9: a TCP connection whose data segment is fragmented.
    p = pseudo4(cli, srv)
    add([ipv4_packet(cli, srv, 6, 0x0900, 0, False, tcp(45000, 80, 1000, 0, 0x02, b"", p)),
         ipv4_packet(srv, cli, 6, 0x0901, 0, False, tcp(80, 45000, 5000, 1001, 0x12, b"", pseudo4(srv, cli))),
         ipv4_packet(cli, srv, 6, 0x0902, 0, False, tcp(45000, 80, 1001, 5001, 0x10, b"", p))])
    add(frags4(cli, srv, 6, 0x0903, tcp(45000, 80, 1001, 5001, 0x18, b"GET /fragmented HTTP/1.0\r\nX-Pad: " + b"x" * 60 + b"\r\n\r\n", p), 48, order=[1, 0, 2]))
    add([ipv4_packet(srv, cli, 6, 0x0904, 0, False, tcp(80, 45000, 5001, 1001 + 98, 0x10, b"", pseudo4(srv, cli)))])
    # 10: IPv6: DNS query/response and ICMPv6 echo, in and out of order.
    q6 = udp(40010, 53, dns_query(0x6666, "v6-fragmented.long-subdomain.example.net"), pseudo6(c6, s6))
    add(frags6(c6, s6, 17, 0x10001, q6, 24))
    r6 = udp(53, 40010, dns_query(0x6666, "v6-fragmented.long-subdomain.example.net", True), pseudo6(s6, c6))
    add(frags6(s6, c6, 17, 0x20002, r6, 32, order=[2, 0, 1]))
    add([background(5)])
    add(frags6(c6, s6, 58, 0x30003, icmp_echo(128, 9, 1, bytes(range(120)), pseudo6(c6, s6)), 48, order=[0, 2, 1]))
    add(frags6(s6, c6, 58, 0x40004, icmp_echo(129, 9, 1, bytes(range(120)), pseudo6(s6, c6)), 48))
    lost6 = frags6(c6, s6, 17, 0x50005, udp(40011, 53, dns_query(0x77, "lost6.example.net"), pseudo6(c6, s6)), 16)
    add([lost6[0], lost6[2]])
    dup6 = frags6(c6, s6, 17, 0x60006, udp(40012, 53, dns_query(0x78, "dup6.example.net"), pseudo6(c6, s6)), 16)
    add([dup6[1], dup6[1], dup6[0], dup6[2]])
    # 11: more fragmented DNS from other clients, spread over shards.
    for i in range(12):
        a = "10.1.%d.%d" % (i % 3, 20 + i)
        pkt = udp(30000 + i, 53, dns_query(0x7000 + i, "client%d.spread.example.com" % i), pseudo4(a, srv))
        fs = frags4(a, srv, 17, 0x7100 + i, pkt, 24)
        add([fs[0], background(6 + i)] + fs[1:][::-1])
        resp = udp(53, 30000 + i, dns_query(0x7000 + i, "client%d.spread.example.com" % i, True), pseudo4(srv, a))
        add(frags4(srv, a, 17, 0x7200 + i, resp, 40))
    # 12: an unfragmented IPv6 datagram with the same 5-tuple as 10 (same udp.stream).
    add([ipv6_packet(c6, s6, 17, udp(40010, 53, dns_query(0x6667, "plain.example.net"), pseudo6(c6, s6)))])
    return frames


def stale():
    """Two datagrams left unfinished for over a minute, then one's tail:
    (seconds, frame) pairs for the reassembly time limit."""
    cli, srv = "10.0.0.1", "10.0.0.53"
    a = frags4(cli, srv, 17, 0x0a0a, udp(41000, 53, dns_query(1, "stale-one.example.com"), pseudo4(cli, srv)), 16)
    b = frags4(cli, srv, 17, 0x0b0b, udp(41001, 53, dns_query(2, "stale-two.example.com"), pseudo4(cli, srv)), 16)
    return [(0, a[0]), (1, b[0]), (70, a[1]), (71, a[2])]


def main():
    out = bytearray(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    if "--stale" in sys.argv:
        for sec, pkt in stale():
            out += struct.pack("<IIII", 1700000000 + sec, 0, len(pkt), len(pkt)) + pkt
        with open(sys.argv[1], "wb") as f:
            f.write(out)
        return
    for i, (pkt, caplen) in enumerate(build()):
        data = pkt if caplen is None else pkt[:caplen]
        out += struct.pack("<IIII", 1700000000 + i // 1000, (i % 1000) * 1000, len(data), len(pkt)) + data
    with open(sys.argv[1], "wb") as f:
        f.write(out)


if __name__ == "__main__":
    main()
