#pragma once
// The generated falcosecurity event table (syscall_event_table.cpp); only
// syscall_event.cpp reads it, through strato::scap::event_info().
#include <cstddef>
#include <cstdint>

namespace strato::scap::detail {

struct RawEvent {
  const char* name;
  const char* params;  // "name:CODE name:CODE ..."
  uint8_t flags;       // EventInfo::kInternal | kUnused | kUsesFd
};

extern const RawEvent kRawEvents[];
extern const size_t kRawEventCount;
extern const char* const kSyscallNames[];
extern const size_t kSyscallNameCount;

}  // namespace strato::scap::detail
