#include "text_format.h"

namespace strato::text {

// tshark -x: offset, two spaces, 16 bytes "xx" separated by single spaces
// (the hex part padded to a fixed width on the last line), three spaces,
// the bytes as ASCII with '.' for anything not printable.
void append_hex_dump(const uint8_t* data, uint32_t len, std::string& out) {
  static const char* hex = "0123456789abcdef";
  // Offsets get more digits only for buffers too long for four.
  unsigned off_digits = len > 0xffff ? 8 : 4;
  for (uint32_t off = 0; off < len; off += 16) {
    for (unsigned i = off_digits; i-- > 0;) out.push_back(hex[(off >> (4 * i)) & 15]);
    out.append("  ");
    uint32_t n = len - off < 16 ? len - off : 16;
    for (uint32_t i = 0; i < 16; ++i) {
      if (i < n) {
        out.push_back(hex[data[off + i] >> 4]);
        out.push_back(hex[data[off + i] & 15]);
      } else {
        out.append("  ");
      }
      if (i != 15) out.push_back(' ');
    }
    out.append("   ");
    for (uint32_t i = 0; i < n; ++i) {
      uint8_t c = data[off + i];
      out.push_back(c >= 0x20 && c < 0x7f ? char(c) : '.');
    }
    out.push_back('\n');
  }
}

}  // namespace strato::text
