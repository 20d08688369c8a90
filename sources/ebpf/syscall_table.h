#pragma once
// Which syscalls `strato capture` knows: number (this machine's ABI), name,
// class (net/file/proc), how the BPF side decodes their arguments and which
// scap event they become.
#include <cstdint>
#include <string>
#include <vector>

#include "bpf/strato_events.h"

namespace strato::ebpf {

struct SyscallDef {
  long nr;
  const char* name;
  const char* set;  // "net", "file" or "proc"
  strato_decode_spec spec;
  uint16_t scap_type;
};

const std::vector<SyscallDef>& syscall_defs();
const SyscallDef* find_syscall(long nr);

// Parses "net,file,connect,..." into the syscalls to capture; throws a
// usage error naming an unknown entry. Empty: everything strato knows.
std::vector<const SyscallDef*> select_syscalls(const std::string& list);

}  // namespace strato::ebpf
