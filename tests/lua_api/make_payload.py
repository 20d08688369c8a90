"""Writes the capture the Tvb API oracle test runs tshark on: two UDP
packets to port 7777 whose payload is PAYLOAD (shared with the C++ side,
which reads the same bytes from payload.hex)."""
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import pcap_bytes as pb  # noqa: E402


def frame(payload):
    udp = struct.pack("!HHHH", 5555, 7777, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0, pb.ip4("10.0.0.1"), pb.ip4("10.0.0.2"))
    ip = ip[:10] + struct.pack("!H", pb.csum(ip)) + ip[12:]
    eth = bytes.fromhex("020000000002" "020000000001" "0800")
    return eth + ip + udp


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "payload.hex")) as f:
        payload = bytes.fromhex("".join(f.read().split()))
    pb.write_pcap(sys.argv[1], [frame(payload), frame(payload)])


main()
