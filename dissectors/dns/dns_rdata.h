#pragma once
// Resource record data of the common types: fields, the tree label suffix
// (", addr 10.1.2.3") and the Info column suffix (" 10.1.2.3").
#include <string>

#include "dns_fields.h"
#include "strato/dissector.h"

namespace strato::dns {

struct RdataText {
  std::string label;  // appended to "<name>: type A, class IN"
  std::string info;   // appended to " A" in the Info column
};

// Returns false when the data runs past the message or the record.
bool dissect_rdata(DissectContext& ctx, const Fields& F, Tvb msg, uint32_t off, uint32_t rdlen, unsigned type,
                   int parent, RdataText& text);

}  // namespace strato::dns
