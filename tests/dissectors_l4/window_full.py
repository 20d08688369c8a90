#!/usr/bin/env python3
"""Writes a pcap (argv[1]) of TCP connections whose data reaches, or stops
short of, the right edge of the window the receiver advertised: without
window scaling, with scaling on both sides (and a zero shift), scaling
offered by one side only (so not in use), the edge reached over two
segments, and a FIN reaching it. Plain bytes: no scapy."""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from pcap_bytes import csum, ip4, write_pcap  # noqa: E402

CLIENT, SERVER, PORT = "10.0.0.1", "10.0.0.2", 5555
FLAGS = {"F": 1, "S": 2, "R": 4, "P": 8, "A": 16}


def segment(src, dst, sp, dp, flags, seq, ack, win, opts=b"", payload=b""):
    while len(opts) % 4:
        opts += b"\x01"  # NOP padding
    bits = sum(FLAGS[c] for c in flags)
    th = struct.pack("!HHIIBBHHH", sp, dp, seq, ack, (20 + len(opts)) // 4 << 4, bits, win, 0, 0) + opts
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(th) + len(payload), 1, 0x4000, 64, 6, 0, ip4(src), ip4(dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    eth = bytes.fromhex("001122334455" "66778899aabb" "0800")
    return eth + ip + th + payload


def connection(frames, sport, client_ws, server_ws, synack_win, client_win, sends):
    """sends: (bytes, flags, window the server ACKs them with or None)."""
    ws = lambda n: b"" if n is None else bytes([3, 3, n])  # noqa: E731
    cseq, sseq = 1000, 5000
    frames.append(segment(CLIENT, SERVER, sport, PORT, "S", cseq, 0, 64240, ws(client_ws)))
    frames.append(segment(SERVER, CLIENT, PORT, sport, "SA", sseq, cseq + 1, synack_win, ws(server_ws)))
    cseq += 1
    frames.append(segment(CLIENT, SERVER, sport, PORT, "A", cseq, sseq + 1, client_win))
    for n, flags, server_win in sends:
        frames.append(segment(CLIENT, SERVER, sport, PORT, flags, cseq, sseq + 1, client_win, payload=b"x" * n))
        cseq += n + (1 if "F" in flags else 0)
        if server_win is not None:
            frames.append(segment(SERVER, CLIENT, PORT, sport, "A", sseq + 1, cseq, server_win))


def main():
    frames = []
    connection(frames, 40001, None, None, 1000, 500, [(1000, "PA", None)])  # fills the SYN-ACK's window
    connection(frames, 40002, None, None, 1000, 500, [(600, "PA", None), (400, "PA", None)])
    connection(frames, 40003, 2, 3, 65535, 1000, [(100, "PA", 250), (2000, "PA", None)])  # 250 << 3
    connection(frames, 40004, 2, 3, 65535, 1000, [(100, "PA", 250), (1999, "PA", None)])  # one short
    connection(frames, 40005, None, None, 1000, 500, [(1000, "FPA", None)])  # a FIN never fills it
    connection(frames, 40006, 2, None, 3000, 500, [(100, "PA", 300), (300, "PA", None)])  # no scaling in use
    connection(frames, 40007, 0, 0, 1200, 500, [(200, "PA", 1000), (1000, "PA", None), (5, "PA", None)])
    write_pcap(sys.argv[1], frames)


if __name__ == "__main__":
    main()
