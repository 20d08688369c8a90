#pragma once
// Encodes pcapng blocks (little-endian) into a string; used by the sink and
// free of I/O so format() can run it in parallel.
#include <cstdint>
#include <string>

#include "strato/event.h"

namespace strato::pcapng {

// The timestamp resolution (if_tsresol byte) written for an interface: the
// source's when a 64-bit count of its units can hold ns timestamps exactly
// enough, otherwise nanoseconds.
uint8_t output_tsresol(uint8_t source_tsresol);

void append_shb(std::string& out);
void append_idb(std::string& out, const InterfaceInfo& info);
void append_epb(std::string& out, const Event& e, uint8_t tsresol);

}  // namespace strato::pcapng
