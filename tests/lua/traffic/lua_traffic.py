#!/usr/bin/env python3
"""Real loopback traffic for the test dissectors in tests/lua/dissectors/.

Runs a server and a client for each protocol on 127.0.0.1:
  TLM  (telemetry.lua)      UDP 47001
  LPM  (lpm_tcp_pdus.lua)   TCP 47002
  LPX  (lpx_desegment.lua)  TCP 47003
  HBT  (heartbeat_heur.lua) UDP 47010 (no port registration: heuristic)
Clients bind ports in 47120-47199, which no Wireshark dissector claims,
so the tools pick the dissector by the server port (or by heuristics).
TCP messages are written in awkward pieces (TCP_NODELAY and short sleeps:
one segment per write): length fields cut in two, messages over three
segments, several messages in one segment, the end of one message with
the start of the next.

usage: lua_traffic.py [--seed N]
"""
import random
import socket
import struct
import sys
import threading
import time

HOST = "127.0.0.1"
TLM_PORT, LPM_PORT, LPX_PORT, HBT_PORT = 47001, 47002, 47003, 47010
GAP = 0.015  # between writes, so each write leaves as its own segment

seed = 4
if len(sys.argv) == 3 and sys.argv[1] == "--seed":
    seed = int(sys.argv[2])
rng = random.Random(seed)
client_ports = rng.sample(range(47120, 47200), 6)


def bound(kind, port):
    s = socket.socket(socket.AF_INET, kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((HOST, port))
    return s


# ---------------------------------------------------------------- TLM (UDP)
def tlm_header(version, mtype, flags, seq, secs, nsecs):
    return struct.pack("!BBHIII", version, mtype, flags, seq, secs, nsecs)


def tlm_messages():
    out = []
    t0 = 1_700_000_000
    names = ["alpha", "beta-7", "gw", "sensor.node.long-name", ""]
    seq = 1
    for i, name in enumerate(names):
        nb = name.encode()
        body = struct.pack("!B", len(nb)) + nb + bytes([0x02, 0x42, 0xAC, 0x11, 0x00, i + 1])
        body += socket.inet_aton("10.%d.%d.%d" % (i, i * 7 % 256, 200 + i))
        body += socket.inet_pton(socket.AF_INET6, "fd00::%x:%x" % (i + 1, 0xBEEF + i))
        out.append(tlm_header(1, 1, 0x8000 if i % 2 else 0x0200, seq, t0 + i, 123456789 * i % 1_000_000_000) + body)
        seq += 1
    for i in range(70):
        flags = rng.choice([0x0000, 0x8000, 0x4000, 0xC300, 0x2700, 0x0101, 0xFFFF, 0x0200])
        temp = rng.choice([21.5, -3.25, 85.0, 99.9, 0.0, 1e-3, 123456.789, -40.0, 80.5, 3.14159])
        pressure = rng.choice([1013.25, 0.0, 1e10, -1.5, 2.718281828459045, 1e-7, 101325.0])
        counter = rng.choice([0, 1, 2**32, 2**63 + 12345, 2**64 - 1, rng.randrange(2**64)])
        delta = rng.choice([0, -1, 2**31 - 1, -(2**31), rng.randrange(-(2**31), 2**31)])
        level = rng.randrange(-128, 128)
        off = rng.randrange(-32768, 32768)
        volume = rng.randrange(0, 2**24)
        balance = rng.randrange(-(2**23), 2**23)
        big = rng.choice([0, -1, 2**63 - 1, -(2**63), rng.randrange(-(2**63), 2**63)])
        up_s, up_ns = rng.randrange(0, 100000), rng.randrange(0, 1_000_000_000)
        label = rng.choice([b"", b"room-1", b"rack 42/east", b"x" * 40])
        raw = bytes(rng.randrange(256) for _ in range(rng.choice([0, 0, 1, 5, 16])))
        body = struct.pack("!Hfd", rng.randrange(65536), temp, pressure)
        body += struct.pack("<Q", counter) + struct.pack("!ibh", delta, level, off)
        body += volume.to_bytes(3, "big") + balance.to_bytes(3, "big", signed=True)
        body += struct.pack("!qII", big, up_s, up_ns) + label + b"\0" + raw
        out.append(tlm_header(1, 2, flags, seq, t0 + 100 + i, rng.randrange(1_000_000_000)) + body)
        seq += 1
    for code, text in [(100, b"too hot"), (101, b"low pressure"), (200, b""), (999, b"unknown code")]:
        body = struct.pack("!HI", code, rng.randrange(1, 50)) + text + b"\0"
        out.append(tlm_header(1, 3, 0x4700, seq, t0 + 500, 0) + body)
        seq += 1
    out.append(tlm_header(2, 2, 0, seq, t0, 0) + bytes(60))          # unsupported version
    out.append(tlm_header(1, 9, 0, seq + 1, t0, 0) + b"???")          # unknown type
    out.append(tlm_header(1, 2, 0, seq + 2, t0, 0) + bytes(10))       # report too short
    out.append(b"\x01\x02\x03")                                      # shorter than the header
    out.append(tlm_header(1, 4, 0, seq + 3, t0 + 999, 999999999))    # bye, no reason
    out.append(tlm_header(1, 4, 0, seq + 4, t0 + 999, 5) + b"shutting down")
    return out


def run_tlm():
    srv = bound(socket.SOCK_DGRAM, TLM_PORT)
    srv.settimeout(0.5)
    cli = bound(socket.SOCK_DGRAM, client_ports[0])
    msgs = tlm_messages()
    for m in msgs:
        cli.sendto(m, (HOST, TLM_PORT))
        try:
            data, peer = srv.recvfrom(65536)
        except socket.timeout:
            continue
        # The server answers a Hello with its own Hello (seq echoed).
        if len(data) >= 16 and data[1] == 1:
            seq = struct.unpack("!I", data[4:8])[0]
            name = b"server"
            reply = tlm_header(1, 1, 0x8000, seq, 1_700_000_000, 42) + bytes([len(name)]) + name
            reply += bytes(6) + socket.inet_aton(HOST) + bytes(16)
            srv.sendto(reply, peer)
        time.sleep(0.002)
    cli.close()
    srv.close()


# ---------------------------------------------------------------- HBT (heuristic UDP)
def hbt_message(node, uptime, status, load, name, tlvs=b""):
    nb = name.encode()
    return b"HBT1" + struct.pack("!IIBHB", node, uptime, status, load, len(nb)) + nb + tlvs


def run_hbt():
    srv = bound(socket.SOCK_DGRAM, HBT_PORT)
    cli = bound(socket.SOCK_DGRAM, client_ports[1])
    msgs = []
    for i in range(40):
        tlvs = b""
        if i % 3 == 0:
            tlvs += b"\x01\x04" + socket.inet_aton("192.168.%d.%d" % (i, 255 - i))
        if i % 4 == 1:
            note = rng.choice([b"ok", b"disk 91% full", b"restarting soon"])
            tlvs += b"\x02" + bytes([len(note)]) + note
        if i % 10 == 7:
            tlvs += b"\x09\x03abc"  # unknown tag
        if i % 13 == 5:
            tlvs += b"\x02\x30cut"  # TLV longer than the packet: ignored
        msgs.append(hbt_message(rng.randrange(2**32), i * 30, i % 4, rng.randrange(0, 10000),
                                rng.choice(["n1", "edge-router", "", "db-primary"]), tlvs))
    # Not heartbeats: the heuristic must leave them alone.
    msgs += [b"HBT2" + bytes(20), b"HBT1short", b"hello world, not a heartbeat", bytes(32),
             b"HBT1" + struct.pack("!IIBHB", 1, 2, 1, 3, 200) + b"name cut short"]
    for m in msgs:
        cli.sendto(m, (HOST, HBT_PORT))
        srv.recvfrom(65536)
        time.sleep(0.002)
    cli.close()
    srv.close()


# ---------------------------------------------------------------- LPM / LPX (TCP)
def lp_message(mtype, mid, payload):
    return struct.pack("!IBH", 3 + len(payload), mtype, mid) + payload


def lp_client_messages():
    out = []
    for i in range(36):
        kind = i % 4
        mid = 0x100 + i
        if kind == 0:
            out.append(lp_message(1, mid, rng.choice([b"hello", b"", b"a longer line of text %d" % i])))
        elif kind == 1:
            vals = [rng.randrange(2**32) for _ in range(rng.choice([0, 1, 3, 10]))]
            out.append(lp_message(2, mid, bytes([len(vals)]) + b"".join(struct.pack("!I", v) for v in vals)))
        elif kind == 2:
            out.append(lp_message(3, mid, bytes(rng.randrange(256) for _ in range(rng.choice([1, 7, 300, 2000])))))
        else:
            # a count that promises more numbers than the message holds
            out.append(lp_message(2, mid, bytes([5]) + struct.pack("!II", 7, 9)))
    return out


def chunked_writes(msgs):
    """The client's byte stream cut into writes at awkward places."""
    writes = []
    i = 0
    while i < len(msgs):
        m = msgs[i]
        pattern = i % 6
        if pattern == 0:    # the length field alone, then the rest
            writes += [m[:4], m[4:]]
            i += 1
        elif pattern == 1:  # cut inside the length field, then in the payload
            cut = min(len(m) - 1, 9)
            writes += [m[:2], m[2:cut], m[cut:]]
            i += 1
        elif pattern == 2:  # three messages in one write
            writes.append(b"".join(msgs[i:i + 3]))
            i += 3
        elif pattern == 3:  # whole message
            writes.append(m)
            i += 1
        else:               # end of this message with the start of the next
            if i + 1 < len(msgs):
                nxt = msgs[i + 1]
                half = len(m) // 2
                writes += [m[:half], m[half:] + nxt[:3], nxt[3:]]
                i += 2
            else:
                writes.append(m)
                i += 1
    assert b"".join(writes) == b"".join(msgs)
    return writes


def lp_serve(conn):
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    buf = b""
    acks = []
    while True:
        data = conn.recv(65536)
        if not data:
            break
        buf += data
        while len(buf) >= 4 and len(buf) >= 4 + struct.unpack("!I", buf[:4])[0]:
            n = 4 + struct.unpack("!I", buf[:4])[0]
            mid = struct.unpack("!H", buf[5:7])[0]
            buf = buf[n:]
            acks.append(lp_message(4, 0x8000 | mid, struct.pack("!HB", mid, mid % 3)))
        # Acks go out three or more at a time: several messages in one segment.
        if len(acks) >= 3:
            conn.sendall(b"".join(acks))
            acks = []
    if acks:
        conn.sendall(b"".join(acks))
    conn.close()


def lp_client(port, client_port):
    cli = bound(socket.SOCK_STREAM, client_port)
    cli.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    cli.connect((HOST, port))
    for w in chunked_writes(lp_client_messages()):
        cli.sendall(w)
        time.sleep(GAP)
    cli.shutdown(socket.SHUT_WR)
    cli.settimeout(5)
    while cli.recv(65536):
        pass
    cli.close()


def run_lp(flows):
    """Connections to several servers at once: their segments interleave."""
    threads = []
    listeners = []
    for port, cports in flows:
        listener = bound(socket.SOCK_STREAM, port)
        listener.listen(len(cports))
        listeners.append(listener)
        for cp in cports:
            threads.append(threading.Thread(target=lp_client, args=(port, cp)))
    for t in threads:
        t.start()
    handlers = []
    for listener, (port, cports) in zip(listeners, flows):
        for _ in cports:
            conn, _ = listener.accept()
            h = threading.Thread(target=lp_serve, args=(conn,))
            h.start()
            handlers.append(h)
    for t in threads + handlers:
        t.join()
    for listener in listeners:
        listener.close()


def main():
    run_tlm()
    run_hbt()
    run_lp([(LPM_PORT, client_ports[2:4]), (LPX_PORT, client_ports[4:6])])
    return 0


if __name__ == "__main__":
    sys.exit(main())
