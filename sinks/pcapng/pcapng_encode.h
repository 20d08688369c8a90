#pragma once
// Encodes pcapng blocks (little-endian) into a string; used by the sink and
// free of I/O so format() can run it in parallel.
#include <cstdint>
#include <string>

#include "strato/event.h"

namespace strato::pcapng {

inline constexpr uint32_t kSysdigEventV2 = 0x216, kSysdigEventV2Large = 0x221;
// Per-event metadata of a syscall event (its comment and process), in the
// block right before the event. Options after the event data inside a 0x216
// block make tshark 4.0 flag the frame malformed, and Custom Blocks
// (0xBAD/0x40000BAD) show up as frames; a block type with the top bit set
// (reserved for local use) is skipped silently.
inline constexpr uint32_t kMetaBlock = 0x80535452;
inline constexpr uint32_t kMetaMagic = 0x4154454D;  // "META": guards against other local-use blocks
inline constexpr uint16_t kMetaComment = 1;          // Event::comment, as opt_comment
inline constexpr uint16_t kMetaProcess = 0x8001;     // process lines (strato/process_comment.h)
// Empty: the process is the one of the last metadata block with process
// lines in this section. A busy process's events would otherwise repeat the
// same ~170 bytes each (twice what the event itself takes).
inline constexpr uint16_t kMetaSameProcess = 0x8002;

// The timestamp resolution (if_tsresol byte) written for an interface: the
// source's when a 64-bit count of its units can hold ns timestamps exactly
// enough, otherwise nanoseconds.
uint8_t output_tsresol(uint8_t source_tsresol);

// Live events of one thread share one ProcessInfo: its lines are formatted
// and encoded as options once per run of such events. Keep one per format()
// call, not longer: the pointer is only known to be alive while the batch
// holds the event. A few entries: packets of a client and a server
// alternate. Events read from a file each have their own ProcessInfo; equal
// contents still hit.
struct ProcessLinesCache {
  static constexpr size_t kSize = 8;
  const ProcessInfo* key[kSize] = {};
  std::string lines[kSize];
  // `lines` encoded as options of code encoded_code[i] (0: not yet).
  std::string encoded[kSize];
  uint16_t encoded_code[kSize] = {};
  size_t next = 0, last = 0;
  // Whether the blocks go out in the order formatted, into one file, so a
  // metadata block may point back at the previous one (kMetaSameProcess).
  // Not in ring mode, where each event may open a new file.
  bool meta_same_ok = false;
  // The entry whose lines the last metadata block carried (kSize: none).
  size_t meta_last = kSize;
};

void append_shb(std::string& out);
void append_idb(std::string& out, const InterfaceInfo& info);
// Packets: process lines and comment as opt_comment, direction as epb_flags.
void append_epb(std::string& out, const Event& e, uint8_t tsresol, ProcessLinesCache* cache = nullptr);
// Syscall events (kLinkTypeSyscallEvent): a metadata block when the event
// has a comment or process, then a Sysdig Event Block v2. Malformed event
// bytes fall back to an EPB.
void append_syscall(std::string& out, const Event& e, uint8_t tsresol, ProcessLinesCache* cache = nullptr);

}  // namespace strato::pcapng
