#include "scap_lists.h"

#include <arpa/inet.h>

#include <cstring>

namespace strato::file {

namespace {

// Bounded little-endian reads over one block body or entry.
class Cursor {
 public:
  Cursor(const uint8_t* p, size_t n) : p_(p), n_(n) {}
  template <class V>
  bool get(V& v) {
    if (n_ - off_ < sizeof v) return false;
    std::memcpy(&v, p_ + off_, sizeof v);
    off_ += sizeof v;
    return true;
  }
  template <class V>
  bool skip_as() {
    V v;
    return get(v);
  }
  // u16 length, then the bytes (no NUL in the file; one may be there anyway).
  bool str(std::string& s) {
    uint16_t len;
    if (!get(len) || n_ - off_ < len) return false;
    s.assign(reinterpret_cast<const char*>(p_ + off_), len);
    off_ += len;
    while (!s.empty() && s.back() == '\0') s.pop_back();
    return true;
  }
  bool skip_str() {
    uint16_t len;
    if (!get(len) || n_ - off_ < len) return false;
    off_ += len;
    return true;
  }
  bool bytes(uint8_t* dst, size_t len) {
    if (n_ - off_ < len) return false;
    std::memcpy(dst, p_ + off_, len);
    off_ += len;
    return true;
  }
  size_t left() const { return n_ - off_; }
  size_t offset() const { return off_; }
  const uint8_t* here() const { return p_ + off_; }
  void advance(size_t k) { off_ += k; }

 private:
  const uint8_t* p_;
  size_t n_, off_ = 0;
};

std::string args_text(std::string raw) {
  while (!raw.empty() && raw.back() == '\0') raw.pop_back();
  for (char& c : raw)
    if (c == '\0') c = ' ';
  return raw;
}

// One process entry; `c` covers the entry (v9) or the rest of the block.
bool process_entry(int version, Cursor& c, ScapThread& t) {
  uint64_t tid, pid, ptid;
  if (!c.get(tid) || !c.get(pid) || !c.get(ptid)) return false;
  t.tid = static_cast<int64_t>(tid);
  t.pid = static_cast<int64_t>(pid);
  t.ptid = static_cast<int64_t>(ptid);
  if (version >= 6 && !c.skip_as<uint64_t>()) return false;  // sid
  if (version >= 8 && !c.skip_as<uint64_t>()) return false;  // vpgid
  std::string args;
  if (!c.str(t.comm) || !c.str(t.exe)) return false;
  if (version >= 7 && !c.skip_str()) return false;  // exepath
  if (!c.str(args) || !c.str(t.cwd)) return false;
  t.args = args_text(std::move(args));
  uint32_t flags, uid, gid;
  if (!c.skip_as<uint64_t>() || !c.get(flags) || !c.get(uid) || !c.get(gid)) return false;
  t.uid = uid;
  if (version >= 2 && !(c.skip_as<uint32_t>() && c.skip_as<uint32_t>() && c.skip_as<uint32_t>() &&
                        c.skip_as<uint64_t>() && c.skip_as<uint64_t>()))
    return false;  // vmsize, vmrss, vmswap, pfmajor, pfminor
  if (version >= 3 && !c.skip_str()) return false;                                      // env
  if (version >= 4 && !(c.skip_as<uint64_t>() && c.skip_as<uint64_t>())) return false;  // vtid, vpid
  if (version >= 5 && !(c.skip_str() && c.skip_str())) return false;                   // cgroups, root
  return true;
}

const char* fd_type_name(uint8_t type) {
  switch (type) {
    case 1: case 16: return "file";
    case 2: return "directory";
    case 3: case 5: return "ipv4";
    case 4: case 6: return "ipv6";
    case 7: return "pipe";
    case 8: return "unix";
    case 9: return "event";
    case 11: return "signalfd";
    case 12: return "eventpoll";
    case 13: return "inotify";
    case 14: return "timerfd";
    case 15: return "netlink";
    case 17: return "bpf";
    case 18: return "userfaultfd";
    case 19: return "io_uring";
    case 20: return "memfd";
    case 21: return "pidfd";
    default: return "unknown";
  }
}

std::string ip_text(int family, const uint8_t* a) {
  char buf[INET6_ADDRSTRLEN] = {};
  return inet_ntop(family, a, buf, sizeof buf) ? buf : "";
}

// The list gives a connected socket as local->remote; sysdig names it
// client->server, and the server's is the smaller (well-known) port.
std::string tuple_name(const std::string& lip, uint16_t lport, const std::string& rip, uint16_t rport) {
  if (lport < rport) return rip + ":" + std::to_string(rport) + "->" + lip + ":" + std::to_string(lport);
  return lip + ":" + std::to_string(lport) + "->" + rip + ":" + std::to_string(rport);
}

// Type-specific data of an fd entry; false when it overruns or the type is
// not known (a v1 list cannot go on after that).
bool fd_data(uint8_t type, Cursor& c, ScapFd& f) {
  f.type = fd_type_name(type);
  uint16_t sport, dport;
  uint8_t l4;
  switch (type) {
    case 3: {
      uint8_t s[4], d[4];
      if (!c.bytes(s, 4) || !c.bytes(d, 4) || !c.get(sport) || !c.get(dport) || !c.get(l4)) return false;
      f.name = tuple_name(ip_text(AF_INET, s), sport, ip_text(AF_INET, d), dport);
      return true;
    }
    case 4: {
      uint8_t s[16], d[16];
      if (!c.bytes(s, 16) || !c.bytes(d, 16) || !c.get(sport) || !c.get(dport) || !c.get(l4)) return false;
      f.name = tuple_name(ip_text(AF_INET6, s), sport, ip_text(AF_INET6, d), dport);
      return true;
    }
    case 5: {
      uint8_t a[4];
      if (!c.bytes(a, 4) || !c.get(sport) || !c.get(l4)) return false;
      f.name = ip_text(AF_INET, a) + ":" + std::to_string(sport);
      return true;
    }
    case 6: {
      uint8_t a[16];
      if (!c.bytes(a, 16) || !c.get(sport) || !c.get(l4)) return false;
      f.name = ip_text(AF_INET6, a) + ":" + std::to_string(sport);
      return true;
    }
    case 8:
      return c.skip_as<uint64_t>() && c.skip_as<uint64_t>() && c.str(f.name);
    case 16: {
      uint32_t open_flags;
      return c.get(open_flags) && c.str(f.name);  // v2 entries may go on (dev): their length skips it
    }
    case 0: case 1: case 2: case 7: case 9: case 10: case 11: case 12: case 13: case 14: case 15:
    case 17: case 18: case 19: case 20: case 21:
      return c.str(f.name);
    default:
      return false;
  }
}

}  // namespace

int scap_process_list_version(uint32_t t) {
  switch (t) {
    case 0x202: case 0x8000ABCD: return 1;
    case 0x207: case 0x8013ABCD: return 2;
    case 0x209: case 0x8014ABCD: return 3;
    case 0x210: return 4;
    case 0x211: return 5;
    case 0x212: return 6;
    case 0x213: return 7;
    case 0x214: return 8;
    case 0x215: return 9;
    default: return 0;
  }
}

bool read_scap_process_list(int version, const uint8_t* body, size_t n, ScapState& state, std::string& err) {
  Cursor c(body, n);
  size_t index = 0;
  // Older lists have no entry lengths: what is left after the last entry is
  // the block's padding (under 4 bytes).
  while (c.left() >= 4) {
    ++index;
    ScapThread t;
    size_t start = c.offset();
    if (version >= 9) {
      uint32_t len;
      c.get(len);
      if (len < 4 + 24 || len - 4 > c.left()) {
        err = "process list entry " + std::to_string(index) + " at body offset " + std::to_string(start) +
              ": length " + std::to_string(len) + " does not fit the block";
        return false;
      }
      Cursor e(c.here(), len - 4);
      c.advance(len - 4);
      if (!process_entry(version, e, t)) {
        err = "process list entry " + std::to_string(index) + " at body offset " + std::to_string(start) +
              ": fields overrun its length " + std::to_string(len);
        return false;
      }
    } else if (!process_entry(version, c, t)) {
      err = "process list entry " + std::to_string(index) + " at body offset " + std::to_string(start) +
            " runs past the block's end";
      return false;
    }
    state.add_thread(std::move(t));
  }
  state.link_threads();
  return true;
}

bool read_scap_fd_list(bool v2, const uint8_t* body, size_t n, ScapState& state, std::string& err) {
  Cursor c(body, n);
  uint64_t tid;
  if (!c.get(tid)) {
    err = "fd list shorter than its thread id";
    return false;
  }
  size_t index = 0;
  while (c.left() >= (v2 ? 4u : 17u)) {
    ++index;
    size_t start = c.offset();
    int64_t fd = -1;
    uint64_t ino = 0;
    uint8_t type = 0;
    ScapFd f;
    if (v2) {
      uint32_t len;
      c.get(len);
      if (len < 4 + 17 || len - 4 > c.left()) {
        err = "fd list entry " + std::to_string(index) + " at body offset " + std::to_string(start) + ": length " +
              std::to_string(len) + " does not fit the block";
        return false;
      }
      Cursor e(c.here(), len - 4);
      c.advance(len - 4);
      e.get(fd), e.get(ino), e.get(type);
      // An fd type this reader does not know is skipped by its length.
      if (!fd_data(type, e, f) && fd_type_name(type) != std::string_view("unknown")) {
        err = "fd list entry " + std::to_string(index) + " (fd " + std::to_string(fd) + ") overruns its length";
        return false;
      }
    } else {
      c.get(fd), c.get(ino), c.get(type);
      // Without entry lengths an unknown type ends what can be read of the block.
      if (fd_type_name(type) == std::string_view("unknown") && type != 0) return true;
      if (!fd_data(type, c, f)) {
        err = "fd list entry " + std::to_string(index) + " (fd " + std::to_string(fd) + ") runs past the block's end";
        return false;
      }
    }
    state.add_fd(static_cast<int64_t>(tid), fd, std::move(f));
  }
  return true;
}

bool read_scap_user_list(bool v2, const uint8_t* body, size_t n, ScapState& state, std::string& err) {
  Cursor c(body, n);
  size_t index = 0;
  while (c.left() >= (v2 ? 4u : 5u)) {
    ++index;
    size_t start = c.offset();
    Cursor e = c;
    if (v2) {
      uint32_t len;
      c.get(len);
      if (len < 5 || len - 4 > c.left()) {
        err = "user list entry " + std::to_string(index) + " at body offset " + std::to_string(start) + ": length " +
              std::to_string(len) + " does not fit the block";
        return false;
      }
      e = Cursor(c.here(), len - 4);
      c.advance(len - 4);
    }
    Cursor& r = v2 ? e : c;
    uint8_t type;
    uint32_t id, gid;
    std::string name;
    bool ok = r.get(type) && r.get(id);
    if (ok && type == 0) {
      ok = r.get(gid) && r.str(name) && r.skip_str() && r.skip_str();  // home, shell
      if (ok) state.add_user(id, std::move(name));
    } else if (ok) {
      ok = r.str(name);  // a group
    }
    if (!ok) {
      err = "user list entry " + std::to_string(index) + " at body offset " + std::to_string(start) +
            (v2 ? " overruns its length" : " runs past the block's end");
      return false;
    }
  }
  return true;
}

}  // namespace strato::file
