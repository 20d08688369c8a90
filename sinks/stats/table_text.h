#pragma once
// Text helpers for tshark's statistics tables.
#include <cstdint>
#include <string>

namespace strato::stats {

// printf into a std::string.
void appendf(std::string& out, const char* fmt, ...) __attribute__((format(printf, 2, 3)));

// tshark 4.0's byte counts in conversation tables: "9999 bytes", "15 kB",
// "10 MB" (SI prefixes, integer division, switching at ten units).
std::string format_size(uint64_t bytes);

// Nanoseconds to seconds.
double seconds(uint64_t ns);

}  // namespace strato::stats
