// Falco/sysdig .scap files (libscap's savefile format, FORMATS.md): pcapng-
// like block framing; list blocks rebuild the process and fd tables, event
// blocks become syscall events in the 0x216 layout that the rest of strato
// handles (dissectors/syscall, sinks/pcapng). Events are numbered and hidden
// as sysdig 0.29 does: types it does not know are neither counted nor shown;
// state-only types (procinfo, container, ...) and context switches of
// unknown threads are counted but not shown. The count travels as the
// "EvtNum:" comment line (evt.num), with "FdName:"/"FdType:"/"Latency:".
#include <cstring>

#include "capture_reader.h"
#include "scap_lists.h"
#include "scap_state.h"
#include "strato/error.h"
#include "strato/syscall_event.h"

namespace strato::file {

namespace {

constexpr uint32_t kShb = 0x0A0D0D0A, kShbMagic = 0x1A2B3C4D;
// Blocks above this are corrupt lengths, not events (libscap's largest
// event payload is far below).
constexpr uint32_t kMaxBlock = 256u << 20;

bool is_event_block(uint32_t t) {
  switch (t) {
    case 0x204: case 0x8010ABCD: case 0x208: case 0x216: case 0x217: case 0x221: case 0x222: return true;
    default: return false;
  }
}

class ScapReader : public CaptureReader {
 public:
  ScapReader(std::unique_ptr<InputStream> in, std::vector<InterfaceInfo>& ifaces) : in_(std::move(in)), ifaces_(ifaces) {}

  bool next(Packet& p) override {
    for (;;) {
      if (!in_->ensure(8)) {
        if (in_->avail() == 0) return false;
        truncated("a block header needs 8 bytes", in_->avail());
      }
      const uint8_t* h = in_->data();
      uint32_t type = rd32(h, false), len = rd32(h + 4, false);
      if (len < 12 || len > kMaxBlock) corrupt("block of type " + hex(type) + " has length " + std::to_string(len));
      if (!in_->ensure(len))
        truncated("block of type " + hex(type) + " needs " + std::to_string(len) + " bytes", in_->avail());
      const uint8_t* b = in_->data();
      if (rd32(b + len - 4, false) != len)
        corrupt("block of type " + hex(type) + ": trailing length " + std::to_string(rd32(b + len - 4, false)) +
                " differs from the leading " + std::to_string(len));
      if (!seen_shb_ && type != kShb) corrupt("the file does not start with a section header block");
      bool got = block(type, b + 8, len - 12, p);
      in_->consume(len);
      if (got) return ++packets_, true;
    }
  }

 private:
  static std::string hex(uint32_t v) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%x", v);
    return buf;
  }

  std::string where() const {
    std::string s = in_->path() + ": ";
    return s;
  }
  std::string at() const {
    std::string s = " at byte offset " + std::to_string(in_->offset());
    if (std::string_view(in_->compression()) != "none") s += " of the " + std::string(in_->compression()) + "-decompressed data";
    return s;
  }
  std::string read_so_far() const { return " (" + std::to_string(packets_) + " events read)"; }

  [[noreturn]] void corrupt(const std::string& why) {
    throw Error(where() + "corrupt .scap file" + at() + ": " + why + read_so_far());
  }
  [[noreturn]] void truncated(const std::string& what, size_t left) {
    throw Error(where() + "truncated .scap file" + at() + ": " + what + ", only " + std::to_string(left) + " left" +
                read_so_far());
  }

  bool block(uint32_t type, const uint8_t* body, uint32_t n, Packet& p) {
    std::string err;
    if (type == kShb) return section(body, n), false;
    if (is_event_block(type)) return event(type, body, n, p);
    if (int v = scap_process_list_version(type)) {
      if (!read_scap_process_list(v, body, n, state_, err)) corrupt(err);
      return false;
    }
    switch (type) {
      case 0x203: case 0x8001ABCD: case 0x218:
        if (!read_scap_fd_list(type == 0x218, body, n, state_, err)) corrupt(err);
        return false;
      case 0x206: case 0x8012ABCD: case 0x220:
        if (!read_scap_user_list(type == 0x220, body, n, state_, err)) corrupt(err);
        return false;
      // Machine info and interface lists: nothing strato shows needs them.
      default:
        return false;  // unknown blocks are skipped by their length
    }
  }

  // u32 byte-order magic, u16 major, u16 minor, i64 section length, options.
  void section(const uint8_t* b, uint32_t n) {
    if (n < 16) corrupt("section header block body is " + std::to_string(n) + " bytes, under 16");
    uint32_t magic = rd32(b, false);
    if (magic == __builtin_bswap32(kShbMagic)) corrupt("big-endian .scap files are not supported");
    if (magic != kShbMagic) corrupt("section header byte-order magic is " + hex(magic));
    uint16_t major = rd16(b + 4, false);
    if (major != 1) corrupt("section header version " + std::to_string(major) + " is not 1");
    seen_shb_ = true;
  }

  uint32_t syscall_iface() {
    if (iface_ < 0) {
      InterfaceInfo info;
      info.name = "syscalls";
      info.description = "system calls (.scap)";
      info.link_type = kLinkTypeSyscallEvent;
      iface_ = static_cast<int64_t>(ifaces_.size());
      ifaces_.push_back(std::move(info));
    }
    return static_cast<uint32_t>(iface_);
  }

  // Rewrites the event into ev_ in the 0x216 layout: u16 cpu, u64 ts, u64
  // tid, u32 len, u16 type, u32 nparams, u16 lengths, parameters.
  bool event(uint32_t type, const uint8_t* b, uint32_t n, Packet& p) {
    const bool with_flags = type == 0x208 || type == 0x217 || type == 0x222;
    const bool v1 = type == 0x204 || type == 0x8010ABCD || type == 0x208;
    uint32_t flags = 0;
    size_t pre = with_flags ? 6 : 2;  // cpu id, then the flags when present
    if (n < pre + 22) corrupt("event block body is " + std::to_string(n) + " bytes, shorter than its header");
    uint16_t cpu = rd16(b, false);
    if (with_flags) flags = rd32(b + 2, false);
    const bool large = type == 0x221 || type == 0x222 || (with_flags && (flags & 4));
    const uint8_t* e = b + pre;
    size_t room = n - pre;
    uint64_t ts = rd64(e, false), tid = rd64(e + 8, false);
    uint32_t len = rd32(e + 16, false);
    uint16_t etype = rd16(e + 20, false);
    const size_t head = v1 ? 22 : 26;
    if (len < head || len > room)
      corrupt("event of type " + std::to_string(etype) + ": length " + std::to_string(len) + " does not fit its block (" +
              std::to_string(room) + " bytes)");
    const scap::EventInfo* info = scap::event_schema(etype);
    const size_t lsize = large ? 4 : 2;
    uint32_t nparams = 0;
    if (v1) {
      // No parameter count: the most the schema allows whose lengths add up.
      if (!info) return false;  // unknown to sysdig too: neither counted nor shown
      size_t most = std::min(info->params.size(), (len - head) / lsize);
      bool found = false;
      for (size_t k = most + 1; k-- > 0 && !found;) {
        uint64_t sum = 0;
        for (size_t i = 0; i < k; ++i) sum += large ? rd32(e + head + 4 * i, false) : rd16(e + head + 2 * i, false);
        if (head + lsize * k + sum == len) nparams = static_cast<uint32_t>(k), found = true;
      }
      if (!found)
        corrupt("event of type " + std::to_string(etype) + " (v1): no parameter count of its schema adds up to its length " +
                std::to_string(len));
    } else {
      nparams = rd32(e + 22, false);
      if (nparams > (len - head) / lsize)
        corrupt("event of type " + std::to_string(etype) + ": " + std::to_string(nparams) + " parameters do not fit its length " +
                std::to_string(len));
    }
    ev_.assign(28 + 2 * size_t(nparams), 0);
    std::memcpy(ev_.data(), &cpu, 2);
    std::memcpy(ev_.data() + 2, &ts, 8);
    std::memcpy(ev_.data() + 10, &tid, 8);
    std::memcpy(ev_.data() + 22, &etype, 2);
    std::memcpy(ev_.data() + 24, &nparams, 4);
    size_t off = head + lsize * nparams;
    for (uint32_t i = 0; i < nparams; ++i) {
      uint32_t pl = large ? rd32(e + head + 4 * i, false) : rd16(e + head + 2 * i, false);
      if (off + pl > len)
        corrupt("event of type " + std::to_string(etype) + ": parameter " + std::to_string(i + 1) + " (" +
                std::to_string(pl) + " bytes) runs past the event's end");
      // Events keep u16 lengths in memory: a longer parameter is cut.
      uint16_t keep = static_cast<uint16_t>(std::min<uint32_t>(pl, 0xffff));
      std::memcpy(ev_.data() + 28 + 2 * i, &keep, 2);
      ev_.insert(ev_.end(), e + off, e + off + keep);
      off += pl;
    }
    uint32_t len2 = static_cast<uint32_t>(ev_.size() - 2);
    std::memcpy(ev_.data() + 18, &len2, 4);
    if (!info) return false;  // newer than sysdig 0.29's table: not counted, as there

    std::string err;
    if (!scap::parse(ev_.data(), ev_.size(), view_, err)) corrupt(err);
    ++evt_num_;
    state_.apply(view_, *info, resolved_);
    if (!resolved_.show || (flags & 1)) return false;  // state only

    p.data = ev_.data();
    p.cap_len = p.orig_len = static_cast<uint32_t>(ev_.size());
    p.ts_ns = ts;
    p.iface = syscall_iface();
    p.link_type = kLinkTypeSyscallEvent;
    p.epb_flags = 0;
    p.swapped = false;
    p.comment = "EvtNum: " + std::to_string(evt_num_);
    if (resolved_.fd_info) {
      const auto& f = *resolved_.fd_info;
      if (!f.name.empty()) p.comment += "\nFdName: " + f.name;
      p.comment += "\nFdType: ";
      p.comment += f.type;
    }
    if (resolved_.has_latency) p.comment += "\nLatency: " + std::to_string(resolved_.latency_ns);
    p.has_process = false;
    p.shared_process = resolved_.process;
    return true;
  }

  std::unique_ptr<InputStream> in_;
  std::vector<InterfaceInfo>& ifaces_;
  bool seen_shb_ = false;
  int64_t iface_ = -1;
  uint64_t evt_num_ = 0;  // sysdig's evt.num: every event of a type it knows
  ScapState state_;
  ScapResolved resolved_;
  scap::EventView view_;
  std::vector<uint8_t> ev_;
};

}  // namespace

bool is_scap_block_type(uint32_t t) {
  if ((t & 0xFFFF) == 0xABCD && (t >> 24) == 0x80) return true;  // libscap's first block ids
  return t >= 0x201 && t <= 0x222;
}

std::unique_ptr<CaptureReader> make_scap_reader(std::unique_ptr<InputStream> in, std::vector<InterfaceInfo>& ifaces) {
  return std::make_unique<ScapReader>(std::move(in), ifaces);
}

}  // namespace strato::file
