#pragma once
// Domain names with compression pointers (RFC 1035 4.1.4), decoded the way
// tshark shows them: labels joined by '.', "<Root>" for the empty name.
#include <cstdint>
#include <string>

#include "strato/dissector.h"

namespace strato::dns {

struct Name {
  std::string text;
  uint32_t wire_len = 0;  // bytes the name occupies where it starts (up to the first pointer)
  uint16_t labels = 0;
  bool ok = false;        // false: ran off the message, pointer loop or bad label type
  bool too_long = false;
};

// Reads the name at `off` of the whole DNS message `msg`. Never reads out of
// bounds; pointer loops stop at a step limit (the name is then not ok).
void read_name(Tvb msg, uint32_t off, Name& out);

}  // namespace strato::dns
