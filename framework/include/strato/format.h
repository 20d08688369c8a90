#pragma once
// Text forms of field values, matching tshark 4.0.
#include <string>
#include <string_view>

#include "strato/event.h"

namespace strato {

// `-T fields` form: booleans 1/0, hex integers padded to their width
// ("0x0800"), IPv4 dotted, IPv6 compressed, times with 9 decimals, bytes as
// hex without separators... Appends to `out`.
void append_field_value(const Event& ev, const FieldValue& fv, std::string& out);

// Display form used in -V trees and in filters' string comparisons of
// value-named integers: "IPv4 (0x0800)", "Standard query response (1)".
void append_field_display(const Event& ev, const FieldValue& fv, std::string& out);

// The -V tree line of one item without indentation: the custom label when
// there is one, else "Name: display value".
void append_tree_line(const Event& ev, const FieldValue& fv, std::string& out);
// The same without the brackets of a generated item: the text that
// Wireshark's proto_item_append_text/prepend_text extend. A masked integer
// or boolean starts with its bit pattern ("..1. .... = Urgent: True").
void append_item_text(const Event& ev, const FieldValue& fv, std::string& out);

// Helpers shared by dissectors and sinks.
void append_ipv4(uint32_t host_order, std::string& out);
void append_ipv6(const uint8_t* addr16, std::string& out);
void append_ether(const uint8_t* addr6, std::string& out);
void append_hex(uint64_t v, unsigned digits, std::string& out);  // "0x" + zero-padded hex
void append_uint(uint64_t v, std::string& out);
void append_int(int64_t v, std::string& out);
void append_seconds(int64_t ns, std::string& out);  // "-0.000123000"
// Length of the valid multi-byte UTF-8 sequence starting at s[i] (2-4), or
// 0 when s[i] does not start one (ASCII, stray or overlong bytes).
size_t utf8_sequence_length(std::string_view s, size_t i);
// tshark escapes non-printable bytes in strings as \xNN (and \\, \").
void append_escaped(std::string_view s, std::string& out);
// A string read as tshark's ENC_ASCII (FieldInfo base Ascii), as -T fields
// prints it: \b \t \n \f \r spelled out, bytes above 0x7f as U+FFFD.
void append_ascii_value(std::string_view s, std::string& out, bool keep_high = false);  // Base::Text keeps bytes above 0x7f
// Wireshark's format_text(): text for Info and tree labels. Control bytes as
// C escapes or \ooo octal, valid UTF-8 kept, other bytes as U+FFFD.
void append_format_text(std::string_view s, std::string& out);

}  // namespace strato
