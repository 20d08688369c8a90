#!/usr/bin/env python3
"""Writes a pcap (argv[1]) of TCP, UDP and DNS flows with ICMP errors quoting them:
8-byte and whole quoted TCP headers, flows seen before and after the error,
and enough unrelated flows that the quoted flow's shard differs from the
ICMP packet's own address pair. Plain bytes: no scapy."""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from pcap_bytes import csum, ip4, write_pcap  # noqa: E402


def ipv4(src, dst, proto, payload, ident=1):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0x4000, 64, proto, 0, ip4(src), ip4(dst))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload


def tcp(src, dst, sp, dp, seq, ack, flags, payload=b""):
    h = struct.pack("!HHIIBBHHH", sp, dp, seq, ack, 5 << 4, flags, 65535, 0, 0)
    return ipv4(src, dst, 6, h + payload)


def udp(src, dst, sp, dp, payload):
    return ipv4(src, dst, 17, struct.pack("!HHHH", sp, dp, 8 + len(payload), 0) + payload)


def icmp_error(src, dst, quoted, typ=3, code=1):
    body = struct.pack("!BBHI", typ, code, 0, 0) + quoted
    body = body[:2] + struct.pack("!H", csum(body)) + body[4:]
    return ipv4(src, dst, 1, body, ident=7)


eth = b"\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\x08\x00"
frames = []
syn = tcp("10.0.0.1", "10.0.0.2", 40000, 80, 1000, 0, 0x02)
frames += [syn, icmp_error("10.0.0.9", "10.0.0.1", syn[:28]), icmp_error("10.0.0.9", "10.0.0.1", syn)]
for i in range(12):  # unrelated flows, to spread over shards
    frames.append(udp("10.1.%d.1" % i, "10.2.%d.2" % i, 3000 + i, 4000 + i, b"x" * i))
late = tcp("10.0.0.5", "10.0.0.6", 5555, 47004, 77, 99, 0x10, b"abc")
frames += [icmp_error("10.0.0.9", "10.0.0.5", late), icmp_error("10.0.0.9", "10.0.0.5", late[:28])]
frames += [tcp("10.0.0.5", "10.0.0.6", 5555, 47004, 77, 0, 0x02), tcp("10.0.0.6", "10.0.0.5", 47004, 5555, 500, 78, 0x12)]
dgram = udp("10.0.0.7", "10.0.0.8", 47001, 47009, b"hello")
frames += [dgram, icmp_error("10.0.0.8", "10.0.0.7", dgram, 3, 3), icmp_error("10.0.0.8", "10.0.0.7", udp("10.0.0.7", "10.0.0.8", 47003, 47002, b"zz"), 3, 3)]
frames += [udp("10.0.0.7", "10.0.0.8", 47003, 47002, b"again"), icmp_error("10.0.0.1", "10.0.0.2", tcp("10.0.0.2", "10.0.0.1", 80, 40000, 5000, 1001, 0x12), 11, 0)]

# A DNS query to a closed port: the error's columns stay ICMP's, not the quoted query's.
query = bytes.fromhex("abcd01000001000000000000076578616d706c6503636f6d0000010001")
dns = udp("10.0.0.7", "10.0.0.53", 47005, 53, query)
frames += [dns, icmp_error("10.0.0.53", "10.0.0.7", dns, 3, 3)]

write_pcap(sys.argv[1], [eth + fr for fr in frames])
