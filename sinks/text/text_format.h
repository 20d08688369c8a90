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

// The -V tree: one line per visible item, 4 spaces of indentation per level.
// Stands for frame.time_delta_displayed's value in a formatted tree until
// TextSink::write() knows the previous displayed frame.
constexpr char kDisplayedDeltaMarker = '\x01';
void append_detail_tree(const Event& ev, std::string& out, bool hex_for_data);

// "0000  45 00 ...   E." lines of -x for one buffer.
void append_hex_dump(const uint8_t* data, uint32_t len, std::string& out);

}  // namespace strato::text
