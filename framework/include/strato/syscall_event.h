#pragma once
// Syscall events as they travel in Event::data: the body of a pcapng Sysdig
// Event Block v2 (0x216) without its padding, i.e.
//   u16 cpu_id, then the scap v2 event: u64 ts, u64 tid, u32 len (header +
//   lengths + params), u16 type, u32 nparams, nparams × u16 lengths, params.
// Little-endian, as libscap writes it. Event numbers and parameter encodings
// are falcosecurity's (docs: /work/shared/docs/FORMATS.md), so the same
// bytes can later be written as 0x216 blocks and read back from .scap files.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace strato {

// Link type of syscall events. pcap has none for them; this value sits in the
// unassigned range so it cannot clash with a real LINKTYPE_*.
inline constexpr uint32_t kLinkTypeSyscallEvent = 0x7ff0;

// Falcosecurity event ids used by strato (exit = enter | 1).
namespace scap {
enum EventType : uint16_t {
  kGenericX = 1,
  kOpenX = 3,
  kCloseX = 5,
  kReadX = 7,
  kWriteX = 9,
  kSocketX = 19,
  kBindX = 21,
  kConnectX = 23,
  kListenX = 25,
  kSendtoX = 31,
  kRecvfromX = 35,
  kShutdownX = 37,
  kGetsockoptX = 47,
  kSendmsgX = 49,
  kRecvmsgX = 53,
  kCreatX = 59,
  kProcexit1E = 186,
  kKillX = 129,
  kTkillX = 131,
  kTgkillX = 133,
  kClone20X = 223,
  kFork20X = 225,
  kVfork20X = 227,
  kAccept5X = 247,
  kExecve19X = 293,
  kOpenat2X = 307,   // openat, second schema
  kPreadX = 113,
  kPwriteX = 115,
  kReadvX = 117,
  kWritevX = 119,
  kOpenat2SysX = 327,  // the openat2 syscall
  kExecveatX = 331,
  kClone3X = 335,
  kAccept46X = 389,
  kRenameX = 175,
  kRenameatX = 177,
  kSendfileX = 189,
  kMkdir2X = 277,
  kUnlink2X = 301,
  kUnlinkat2X = 303,
  kMkdiratX = 305,
  kRenameat2X = 319,
};

// Parameter encodings (falcosecurity PT_*), as far as strato needs them.
enum class ParamType : uint8_t {
  Int64,     // PT_INT64 / PT_ERRNO / PT_FD / PT_PID (8 bytes)
  Int32,
  UInt64,
  UInt32,
  UInt16,
  UInt8,
  Errno,     // i64, negative errno on failure
  Fd,        // i64
  Pid,       // i64
  String,    // NUL-terminated (PT_CHARBUF / PT_FSPATH)
  Bytes,     // PT_BYTEBUF (args: NUL-separated strings)
  SockAddr,  // family byte, then IPv4 addr+port, IPv6 addr+port, or unix path
  SockTuple, // family, src addr, src port, dst addr, dst port
  Flags32,
};

struct ParamInfo {
  const char* name;
  ParamType type;
};

struct EventInfo {
  uint16_t id;
  const char* name;
  std::vector<ParamInfo> params;
  uint8_t flags = 0;
  // sysdig keeps these out of its output (state only: procinfo, container, ...).
  static constexpr uint8_t kInternal = 1;
  // Placeholder ids ("NA1") and exits of enter-only events: never emitted.
  static constexpr uint8_t kUnused = 2;
  // The call creates, uses or closes an fd: sysdig resolves fd.* only then.
  static constexpr uint8_t kUsesFd = 4;
};

// Schema of `type`, or nullptr when strato does not know it. Ids are
// falcosecurity's (every id sysdig 0.29 knows); schemas are the newest
// strato knows, so older files carry a prefix of the parameters.
const EventInfo* event_info(uint16_t type);

// The longest schema known for `type`: event_info()'s, extended by the
// parameters newer schemas append (for decoding files; an encoder must use
// event_info(), whose parameter count the live source fills).
const EventInfo* event_schema(uint16_t type);

// Enter events have even ids, exits odd (procexit and the like only enter).
inline bool is_enter(uint16_t type) { return (type & 1) == 0; }

// Name of a generic event's syscall (its ID parameter, a ppm_sc code);
// nullptr when unknown.
const char* syscall_name(uint64_t ppm_sc);

// Socket address families as scap encodes them.
inline constexpr uint8_t kAfUnix = 1, kAfInet = 2, kAfInet6 = 10;

// Builds one event: begin(), then the parameters in schema order, then
// finish(). Appends to `out`.
class Encoder {
 public:
  explicit Encoder(std::vector<uint8_t>& out) : out_(out) {}
  void begin(uint16_t cpu, uint64_t ts_ns, uint64_t tid, uint16_t type, uint32_t nparams);
  void add_i64(int64_t v) { add_raw(&v, 8); }
  void add_u64(uint64_t v) { add_raw(&v, 8); }
  void add_u32(uint32_t v) { add_raw(&v, 4); }
  void add_u16(uint16_t v) { add_raw(&v, 2); }
  void add_u8(uint8_t v) { add_raw(&v, 1); }
  void add_string(std::string_view s);  // adds the NUL
  void add_bytes(const void* p, size_t n) { add_raw(p, n); }
  // IPv4: addr 4 bytes network order; IPv6: 16 bytes; ports host order.
  void add_sockaddr_inet(uint8_t family, const uint8_t* addr, uint16_t port);
  void add_tuple_inet(uint8_t family, const uint8_t* saddr, uint16_t sport, const uint8_t* daddr, uint16_t dport);
  void add_empty() { add_raw(nullptr, 0); }
  // Fills in len and checks the parameter count; returns the event's size.
  size_t finish();

 private:
  void add_raw(const void* p, size_t n);
  std::vector<uint8_t>& out_;
  size_t start_ = 0, lens_ = 0, data_ = 0;
  uint32_t nparams_ = 0, added_ = 0;
};

// A parsed event; params point into the bytes given to parse().
struct EventView {
  uint16_t cpu = 0;
  uint64_t ts_ns = 0, tid = 0;
  uint32_t len = 0;
  uint16_t type = 0;
  std::vector<std::string_view> params;

  int64_t i64(size_t i) const;  // 0 when missing or too short
  uint64_t u64(size_t i) const;
  uint32_t u32(size_t i) const;
  std::string_view str(size_t i) const;  // without the trailing NUL
};

// Parses Event::data; on malformed input returns false and sets `error` to
// one line naming the offset and the cause.
bool parse(const uint8_t* data, size_t len, EventView& out, std::string& error);

// "ECONNREFUSED" for 111 (positive errno); nullptr when unknown.
const char* errno_name(int64_t err);

// Socket address / tuple decoding.
struct Endpoint {
  uint8_t family = 0;      // kAfInet, kAfInet6, kAfUnix, 0: none
  uint8_t addr[16] = {};
  uint16_t port = 0;
  std::string path;        // unix
};
bool decode_sockaddr(std::string_view p, Endpoint& out);
bool decode_tuple(std::string_view p, Endpoint& src, Endpoint& dst);
std::string endpoint_ip(const Endpoint& e);  // "127.0.0.1", "::1", unix path

}  // namespace scap
}  // namespace strato
