"""Writes small pcapng files with syscall events for tests/pcapng_events:
  make_events.py OUT mixed    Sysdig Event Blocks v2 (0x216, 0x221) with and
                              without strato's metadata block, and an EPB whose
                              opt_comment carries ptcpdump-style process lines;
  make_events.py OUT v1       the connect as an older 0x204 block, then one of
                              an unknown event type;
  make_events.py OUT repeat   four events of two processes (A A B A), each with
                              its whole process in its metadata block;
  make_events.py OUT orphan   a section with one event, then a section whose
                              event's metadata names "the previous process";
  make_events.py OUT BAD      one broken block of kind BAD (short, badlen,
                              params, large) after a good event."""
import struct
import sys

TS = 1700000000123456789


def pad(b):
    return b + b"\0" * ((4 - len(b) % 4) % 4)


def blk(t, body):
    body = pad(body)
    n = len(body) + 12
    return struct.pack("<II", t, n) + body + struct.pack("<I", n)


def opt(code, v):
    return struct.pack("<HH", code, len(v)) + pad(v)


def shb():
    return blk(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))


def idb(linktype, name):
    return blk(1, struct.pack("<HHI", linktype, 0, 262144) + opt(2, name) + opt(9, b"\x09") + opt(0, b""))


def event(etype, params, ts, tid=4242, cpu=1, large=False):
    """cpu id + scap v2 event; `large` gives u32 parameter lengths (0x221)."""
    f = "<I" if large else "<H"
    lens = b"".join(struct.pack(f, len(p)) for p in params)
    data = b"".join(params)
    n = 26 + len(lens) + len(data)
    return struct.pack("<HQQIHI", cpu, ts, tid, n, etype, len(params)) + lens + data


def meta(comment, process):
    body = struct.pack("<I", 0x4154454D) + opt(1, comment) + opt(0x8001, process) + opt(0, b"")
    return blk(0x80535452, body)


def i64(v):
    return struct.pack("<q", v)


def tuple4(sport, dport):
    return bytes([2, 127, 0, 0, 1]) + struct.pack("<H", sport) + bytes([127, 0, 0, 1]) + struct.pack("<H", dport)


PROC = b"PID: 4242\nCmd: /usr/bin/curl\nArgs: curl http://127.0.0.1:9/\nThreadId: 4243\nParentPID: 1\nUserId: 0\nComm: curl\nUser: root"

CONNECT = event(23, [i64(-111), tuple4(43110, 9), i64(5)], TS)
OPENAT = event(307, [i64(3), i64(-100), b"/etc/hosts\0", struct.pack("<I", 1), struct.pack("<I", 0),
                     struct.pack("<I", 0), struct.pack("<Q", 0)], TS + 1000)
CLOSE_LARGE = event(5, [i64(0)], TS + 2000, large=True)


def tcp_syn():
    eth = b"\0\1\2\3\4\5" + b"\0\6\7\10\11\12" + b"\x08\x00"
    tcp = struct.pack("!HHIIBBHHH", 43110, 9, 1, 0, 0x50, 0x02, 65535, 0, 0)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 1, 0, 64, 6, 0, bytes([127, 0, 0, 1]),
                     bytes([127, 0, 0, 1]))
    return eth + ip + tcp


def epb(iface, ts_ns, data, comment, flags):
    body = struct.pack("<IIIII", iface, ts_ns >> 32, ts_ns & 0xFFFFFFFF, len(data), len(data)) + pad(data)
    body += opt(1, comment) + opt(2, struct.pack("<I", flags)) + opt(0, b"")
    return blk(6, body)


def mixed():
    out = shb() + idb(0x7FF0, b"syscalls") + idb(1, b"lo")
    out += meta(b"Latency: 52000", PROC) + blk(0x216, CONNECT)
    out += epb(1, TS + 500, tcp_syn(), PROC.replace(b"\nComm: curl\nUser: root", b""), 2)
    out += meta(b"Latency: 7000\nFdName: /etc/hosts\nFdType: file", PROC) + blk(0x216, OPENAT)
    out += blk(0x221, CLOSE_LARGE)  # no metadata
    return out


PROC_B = b"PID: 5151\nCmd: /usr/sbin/nginx\nArgs: nginx -g daemon off;\nThreadId: 5151\nParentPID: 1\nUserId: 33\nComm: nginx\nUser: www-data"


def repeat():
    out = shb() + idb(0x7FF0, b"syscalls")
    out += meta(b"Latency: 1", PROC) + blk(0x216, OPENAT)
    out += meta(b"Latency: 2", PROC) + blk(0x216, OPENAT)
    out += meta(b"Latency: 3", PROC_B) + blk(0x216, CONNECT)
    out += meta(b"Latency: 4", PROC) + blk(0x216, OPENAT)
    return out


def orphan():
    out = shb() + idb(0x7FF0, b"syscalls") + meta(b"Latency: 1", PROC) + blk(0x216, OPENAT)
    same = blk(0x80535452, struct.pack("<I", 0x4154454D) + opt(1, b"Latency: 2") + opt(0x8002, b"") + opt(0, b""))
    return out + shb() + idb(0x7FF0, b"syscalls") + same + blk(0x216, CONNECT)


def v1():
    """A connect as a version 1 block (0x204: no parameter count, so the
    parameters are those of strato's schema: res, tuple, fd, addr)."""
    c = event(23, [i64(-111), tuple4(43110, 9), i64(5), bytes([2, 127, 0, 0, 1]) + struct.pack("<H", 9)], TS)
    e = bytearray(c[:24] + c[28:])
    struct.pack_into("<I", e, 18, len(e) - 2)
    return shb() + blk(0x204, bytes(e)) + blk(0x204, bytes(e[:22]) + struct.pack("<H", 9999) + bytes(e[24:]))


def bad(kind):
    out = shb() + blk(0x216, CONNECT)
    if kind == "short":
        out += blk(0x216, b"\1\0\2\0")
    elif kind == "badlen":
        e = bytearray(CONNECT)
        struct.pack_into("<I", e, 18, 5000)
        out += blk(0x216, bytes(e))
    elif kind == "params":
        e = bytearray(CONNECT)
        struct.pack_into("<H", e, 28, 3000)
        out += blk(0x216, bytes(e))
    elif kind == "large":
        e = bytearray(CLOSE_LARGE)
        struct.pack_into("<I", e, 28, 3000)
        out += blk(0x221, bytes(e))
    return out


if __name__ == "__main__":
    path, kind = sys.argv[1], sys.argv[2]
    with open(path, "wb") as f:
        make = {"mixed": mixed, "v1": v1, "repeat": repeat, "orphan": orphan}.get(kind)
        f.write(make() if make else bad(kind))
