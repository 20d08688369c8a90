#include "dns_name.h"

namespace strato::dns {

namespace {
// tshark keeps names in a 255-byte buffer; one that does not fit, including
// the separator it reserves for the first label, is shown as "<Name too long>".
constexpr size_t kNameBuffer = 255;
constexpr int kMaxPointers = 255;
}  // namespace

void read_name(Tvb msg, uint32_t off, Name& out) {
  out.text.clear();
  out.wire_len = 0;
  out.labels = 0;
  out.ok = false;
  out.too_long = false;
  uint32_t pos = off;
  bool jumped = false;
  int pointers = 0;
  size_t used = 0;  // bytes of tshark's buffer consumed
  auto finish_len = [&](uint32_t end) {
    if (!jumped) out.wire_len = end - off;
  };
  for (;;) {
    if (!msg.has(pos, 1)) return finish_len(pos);
    uint8_t len = msg.u8(pos);
    if (len == 0) {
      finish_len(pos + 1);
      break;
    }
    switch (len & 0xc0) {
      case 0x00: {
        ++used;  // '.' or, for the first label, the reserved byte
        if (!msg.has(pos + 1, len)) return finish_len(pos);
        if (!out.text.empty() || out.labels) {
          if (used <= kNameBuffer - 1) out.text.push_back('.');
        }
        std::string_view label = msg.str(pos + 1, len);
        for (char c : label) {
          if (used < kNameBuffer) out.text.push_back(c);
          ++used;
        }
        ++out.labels;
        pos += 1 + len;
        continue;
      }
      case 0x40:
        finish_len(pos + 1);
        out.text = "<Unknown extended label>";
        out.ok = true;
        return;
      case 0x80:
        return finish_len(pos + 1);
      default: {
        if (!msg.has(pos, 2)) return finish_len(pos);
        finish_len(pos + 2);
        jumped = true;
        if (++pointers > kMaxPointers) {
          out.text = "<Name contains a pointer that loops>";
          out.ok = true;
          return;
        }
        pos = msg.u16(pos) & 0x3fff;
        continue;
      }
    }
  }
  if (used >= kNameBuffer) {
    out.too_long = true;
    out.text = "<Name too long>";
  } else if (out.text.empty()) {
    out.text = "<Root>";
  }
  out.ok = true;
}

}  // namespace strato::dns
