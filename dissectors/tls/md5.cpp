#include "md5.h"

#include <cmath>
#include <cstdint>
#include <cstring>

namespace strato::tls {

namespace {

struct Md5Table {
  uint32_t k[64];
  Md5Table() {
    // K[i] = floor(2^32 * |sin(i + 1)|), as the RFC defines it.
    for (int i = 0; i < 64; ++i) k[i] = uint32_t(std::floor(std::fabs(std::sin(double(i + 1))) * 4294967296.0));
  }
};

const uint8_t kShift[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                            5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
                            4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                            6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};

uint32_t rotl(uint32_t x, unsigned c) { return (x << c) | (x >> (32 - c)); }

void block(uint32_t h[4], const uint8_t* p, const uint32_t* k) {
  uint32_t m[16];
  for (int i = 0; i < 16; ++i)
    m[i] = uint32_t(p[4 * i]) | uint32_t(p[4 * i + 1]) << 8 | uint32_t(p[4 * i + 2]) << 16 | uint32_t(p[4 * i + 3]) << 24;
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
  for (int i = 0; i < 64; ++i) {
    uint32_t f;
    int g;
    if (i < 16) {
      f = (b & c) | (~b & d);
      g = i;
    } else if (i < 32) {
      f = (d & b) | (~d & c);
      g = (5 * i + 1) % 16;
    } else if (i < 48) {
      f = b ^ c ^ d;
      g = (3 * i + 5) % 16;
    } else {
      f = c ^ (b | ~d);
      g = (7 * i) % 16;
    }
    uint32_t t = d;
    d = c;
    c = b;
    b = b + rotl(a + f + k[i] + m[g], kShift[i]);
    a = t;
  }
  h[0] += a;
  h[1] += b;
  h[2] += c;
  h[3] += d;
}

}  // namespace

std::string md5_hex(std::string_view data) {
  static const Md5Table table;
  uint32_t h[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
  size_t n = data.size(), i = 0;
  const auto* p = reinterpret_cast<const uint8_t*>(data.data());
  for (; i + 64 <= n; i += 64) block(h, p + i, table.k);
  // Tail, the 0x80 marker, zeros and the bit length (little endian).
  uint8_t tail[128] = {};
  size_t rest = n - i;
  std::memcpy(tail, p + i, rest);
  tail[rest] = 0x80;
  size_t tl = rest + 1 + 8 <= 64 ? 64 : 128;
  uint64_t bits = uint64_t(n) * 8;
  for (int b = 0; b < 8; ++b) tail[tl - 8 + b] = uint8_t(bits >> (8 * b));
  for (size_t o = 0; o < tl; o += 64) block(h, tail + o, table.k);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (uint32_t w : h)
    for (int b = 0; b < 4; ++b) {
      uint8_t byte = uint8_t(w >> (8 * b));
      out.push_back(hex[byte >> 4]);
      out.push_back(hex[byte & 15]);
    }
  return out;
}

}  // namespace strato::tls
