#pragma once
// Pieces of tshark's text output, each appending to a string.
#include <cstdint>
#include <string>

#include "strato/event.h"

namespace strato::text {

// Digits after the decimal point of the time column: tshark 4.0 follows the
// timestamp resolution of the packet's interface (6 for usec pcap, 9 for ns).
unsigned time_digits(const std::vector<InterfaceInfo>* ifaces, uint32_t iface);

// "    1 0.000000000    127.0.0.1 → 127.0.0.1    DNS 98 Standard query ..."
void append_summary_line(const Event& ev, unsigned digits, std::string& out);

// `strato capture` lines. A syscall event as sysdig prints it by default:
// "12:00:01.123456 curl(4242) connect fd=5 ... 0.05ms" (local time, then Info).
void append_live_syscall_line(const Event& ev, std::string& out);
// Replaces the newline ending a packet's summary line with " [curl(4242)]"
// (" container=ID" inside the brackets when the process is in a container).
void append_process_suffix(const ProcessInfo& p, std::string& out);

// The -V tree: one line per visible item, 4 spaces of indentation per level.
// Stands for frame.time_delta_displayed's value in a formatted tree until
// TextSink::write() knows the previous displayed frame.
constexpr char kDisplayedDeltaMarker = '\x01';
void append_detail_tree(const Event& ev, std::string& out, bool hex_for_data);

// "0000  45 00 ...   E." lines of -x for one buffer.
void append_hex_dump(const uint8_t* data, uint32_t len, std::string& out);

}  // namespace strato::text
