#!/usr/bin/env python3
"""Writes a large pcap of the test dissectors' protocols for bench/lua.sh:
TLM datagrams (UDP 47001) from many sensors, and LPM (TCP 47002) and LPX
(TCP 47003) connections whose messages are cut over segments and packed
several to a segment, with their handshakes, acks and closes. Headers are
real: Ethernet, IPv4 with checksums, UDP/TCP with checksums, sequence and
acknowledgement numbers that line up, so TCP reassembly works as on a wire.

usage: make_bench_pcap.py OUT.pcap [PACKETS]   (default 240000)
"""
import array
import random
import struct
import sys

rng = random.Random(7)
out_path = sys.argv[1]
target = int(sys.argv[2]) if len(sys.argv) > 2 else 240000

ETH_SRC = bytes.fromhex("020000000001")
ETH_DST = bytes.fromhex("020000000002")


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(array.array("H", data))
    s = (s & 0xFFFF) + (s >> 16)
    s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ip_packet(src, dst, proto, l4):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), rng.randrange(65536), 0x4000, 64, proto, 0, src, dst)
    c = csum(hdr)
    return hdr[:10] + struct.pack("H", c) + hdr[12:] + l4


def udp(src, sport, dst, dport, payload):
    length = 8 + len(payload)
    hdr = struct.pack("!HHHH", sport, dport, length, 0)
    c = csum(src + dst + struct.pack("!BBH", 0, 17, length) + hdr + payload) or 0xFFFF
    return ip_packet(src, dst, 17, hdr[:6] + struct.pack("H", c) + payload)


def tcp(src, sport, dst, dport, seq, ack, flags, payload=b""):
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, 5 << 4, flags, 65535, 0, 0)
    c = csum(src + dst + struct.pack("!BBH", 0, 6, len(hdr) + len(payload)) + hdr + payload)
    return ip_packet(src, dst, 6, hdr[:16] + struct.pack("H", c) + hdr[18:] + payload)


class Writer:
    def __init__(self, path):
        self.f = open(path, "wb")
        self.f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        self.t = 1_700_000_000.0
        self.count = 0

    def write(self, ip):
        self.t += rng.uniform(0.00001, 0.0002)
        frame = ETH_DST + ETH_SRC + b"\x08\x00" + ip
        sec = int(self.t)
        self.f.write(struct.pack("<IIII", sec, int((self.t - sec) * 1e6), len(frame), len(frame)) + frame)
        self.count += 1


def ipv4(a, b, c, d):
    return bytes([a, b, c, d])


# ------------------------------------------------------------------ TLM
def tlm(seq):
    t = rng.random()
    hdr = struct.pack("!BBHIII", 1, 0, rng.choice([0, 0x8000, 0x4200, 0x0700]), seq,
                      1_700_000_000 + seq, rng.randrange(1_000_000_000))
    if t < 0.8:
        body = struct.pack("!Hfd", rng.randrange(65536), rng.uniform(-40, 120), rng.uniform(900, 1100))
        body += struct.pack("<Q", rng.randrange(2**64)) + struct.pack("!ibh", rng.randrange(-1000, 1000), 3, -7)
        body += b"\x01\x02\x03\xff\xfe\xfd" + struct.pack("!qII", -5, seq, 0) + b"room-%d\0" % (seq % 50)
        mtype = 2
    elif t < 0.9:
        name = b"node-%d" % (seq % 100)
        body = bytes([len(name)]) + name + bytes(6) + ipv4(10, 0, seq % 256, 1) + bytes(16)
        mtype = 1
    elif t < 0.97:
        body = struct.pack("!HI", rng.choice([100, 101, 200]), seq - 1) + b"alarm text\0"
        mtype = 3
    else:
        body = b"bye"
        mtype = 4
    return hdr[:1] + bytes([mtype]) + hdr[2:] + body


# ------------------------------------------------------------------ LPM / LPX
def lp_message(mid):
    k = mid % 4
    if k == 0:
        payload, mtype = b"text message %d" % mid, 1
    elif k == 1:
        n = rng.randrange(0, 8)
        payload, mtype = bytes([n]) + b"".join(struct.pack("!I", rng.randrange(2**32)) for _ in range(n)), 2
    elif k == 2:
        payload, mtype = bytes(rng.randrange(256) for _ in range(rng.choice([4, 60, 400]))), 3
    else:
        payload, mtype = struct.pack("!HB", mid & 0xFFFF, 0), 4
    return struct.pack("!IBH", 3 + len(payload), mtype, mid & 0xFFFF) + payload


class Flow:
    """A client->server connection that sends a stream of messages in awkward segments."""

    def __init__(self, n, port):
        self.cli = ipv4(10, 1, n // 250, n % 250 + 1)
        self.srv = ipv4(10, 2, 0, 1)
        self.cport = 47120 + n % 80
        self.sport = port
        self.cseq = rng.randrange(2**32)
        self.sseq = rng.randrange(2**32)
        self.mid = 0
        self.pending = b""
        self.state = 0  # 0: handshake not sent, 1: open

    def c2s(self, flags, payload=b""):
        p = tcp(self.cli, self.cport, self.srv, self.sport, self.cseq, self.sseq, flags, payload)
        self.cseq += len(payload) + (1 if flags & 0x03 else 0)
        return p

    def s2c(self, flags, payload=b""):
        p = tcp(self.srv, self.sport, self.cli, self.cport, self.sseq, self.cseq, flags, payload)
        self.sseq += len(payload) + (1 if flags & 0x03 else 0)
        return p

    def step(self):
        """The next few packets of this flow."""
        if self.state == 0:
            self.state = 1
            syn = tcp(self.cli, self.cport, self.srv, self.sport, self.cseq, 0, 0x02)
            self.cseq += 1
            synack = tcp(self.srv, self.sport, self.cli, self.cport, self.sseq, self.cseq, 0x12)
            self.sseq += 1
            return [syn, synack, self.c2s(0x10)]
        while len(self.pending) < 64:
            self.pending += lp_message(self.mid)
            self.mid += 1
        cut = rng.choice([2, 4, 9, 20, len(self.pending) // 2, len(self.pending)])
        seg, self.pending = self.pending[:cut], self.pending[cut:]
        pkts = [self.c2s(0x18, seg)]
        if rng.random() < 0.3:
            pkts.append(self.s2c(0x18, lp_message(0x8000 | self.mid) + lp_message(0x8001 | self.mid)))
        elif rng.random() < 0.5:
            pkts.append(self.s2c(0x10))
        return pkts

    def close(self):
        pkts = []
        if self.pending:
            pkts.append(self.c2s(0x18, self.pending))
        return pkts + [self.c2s(0x11), self.s2c(0x11), self.c2s(0x10)]


def main():
    w = Writer(out_path)
    flows = [Flow(i, 47002 if i % 2 else 47003) for i in range(40)]
    seq = 0
    while w.count < target:
        for _ in range(3):
            seq += 1
            sensor = ipv4(10, 3, seq % 7, seq % 200 + 1)
            w.write(udp(sensor, 47120 + seq % 80, ipv4(10, 2, 0, 9), 47001, tlm(seq)))
        f = rng.choice(flows)
        for p in f.step():
            w.write(p)
    for f in flows:
        for p in f.close():
            w.write(p)
    w.f.close()


if __name__ == "__main__":
    main()
