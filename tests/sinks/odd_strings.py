#!/usr/bin/env python3
"""Writes a pcap (argv[1]) of HTTP messages whose strings hold control bytes,
backslashes, non-ASCII bytes and NULs (URI, header, bodies of several media
types), to compare -T fields string output with tshark. Plain bytes."""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from pcap_bytes import csum, write_pcap  # noqa: E402


def packet(sp, dp, seq, ack, payload):
    src, dst = (b"\x0a\x00\x00\x01", b"\x0a\x00\x00\x02") if dp == 80 else (b"\x0a\x00\x00\x02", b"\x0a\x00\x00\x01")
    tcp = struct.pack("!HHIIBBHHH", sp, dp, seq, ack, 5 << 4, 0x18, 65535, 0, 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0x4000, 64, 6, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return b"\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\x08\x00" + ip + tcp


frames = []
bodies = [(b"application/octet-stream", bytes(range(1, 256)) + b"\x00tail"),
          (b"application/x-thing", b"a\\b\x01\x02\xc3\xa9\x00z"),
          (b"text/plain", b"line\\one\t\x1b[0m\r\nsecond \xff line\r\n")]
for i, (ctype, body) in enumerate(bodies):
    sp = 40000 + i
    req = b"GET /a\\b\x12c\x7f\xc3\xa9\xff?q=%d HTTP/1.1\r\nHost: h\\\x01st\r\nUser-Agent: t\x08\x0c\x0b\r\n\r\n" % i
    resp = (b"HTTP/1.1 200 O\x01K\r\nContent-Type: " + ctype + b"\r\nServer: s\xe2\x80\x94v\r\nContent-Length: %d\r\n\r\n"
            % len(body) + body)
    frames += [packet(sp, 80, 1, 1, req), packet(80, sp, 1, 1 + len(req), resp)]

# URIs with empty, odd and repeated query parts.
for i, uri in enumerate([b"/x?", b"/x?a&&b", b"/?a=1&", b"?q", b"/p?x=1?y=2"]):
    frames.append(packet(41000 + i, 80, 1, 1, b"GET " + uri + b" HTTP/1.1\r\nHost: h\r\n\r\n"))

write_pcap(sys.argv[1], frames)
