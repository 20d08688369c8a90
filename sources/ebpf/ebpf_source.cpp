#include "ebpf_source.h"

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdarg>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <grp.h>
#include <sys/mount.h>
#include <sys/prctl.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <thread>
#include <mutex>
#include <pwd.h>

#include "strato/error.h"
#include "owner_hooks.h"
#include "ring_reader.h"
#include "socket_owners.h"
#include "strato/sockopt.h"
#include "strato/syscall_event.h"
#include "syscalls.skel.h"

namespace strato::ebpf {

namespace {

// libbpf explains load failures (verifier log, missing BTF) on its print
// callback; keep the last lines to name the cause in one error.
std::mutex g_log_mutex;
std::string g_last_log;

int libbpf_log(enum libbpf_print_level level, const char* fmt, va_list ap) {
  // STRATO_EBPF_DEBUG=1 shows libbpf's whole story (verifier log included).
  static const bool debug = std::getenv("STRATO_EBPF_DEBUG") != nullptr;
  if (debug) {
    va_list copy;
    va_copy(copy, ap);
    vfprintf(stderr, fmt, copy);
    va_end(copy);
  }
  if (level == LIBBPF_DEBUG) return 0;
  char buf[1024];
  vsnprintf(buf, sizeof buf, fmt, ap);
  std::lock_guard<std::mutex> lock(g_log_mutex);
  std::string line(buf);
  while (!line.empty() && line.back() == '\n') line.pop_back();
  if (!line.empty()) g_last_log = line;
  return 0;
}

std::string last_log() {
  std::lock_guard<std::mutex> lock(g_log_mutex);
  return g_last_log;
}

bool has_cap(int cap) {
  __user_cap_header_struct h{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct d[2]{};
  if (syscall(SYS_capget, &h, d) != 0) return false;
  return d[cap / 32].effective & (1u << (cap % 32));
}

// `packets`: -i was given, whose TC programs and cgroup hooks also need
// CAP_NET_ADMIN; without it the kernel refuses them with a bare EPERM.
void check_privileges(bool packets) {
  if (geteuid() == 0) return;
  constexpr int kCapNetAdmin = 12, kCapPerfmon = 38, kCapBpf = 39, kCapSysAdmin = 21;
  const bool sys_admin = has_cap(kCapSysAdmin);  // covers CAP_BPF and CAP_PERFMON, not CAP_NET_ADMIN
  std::vector<std::string> missing;
  if (!sys_admin && !has_cap(kCapBpf)) missing.push_back("CAP_BPF");
  if (!sys_admin && !has_cap(kCapPerfmon)) missing.push_back("CAP_PERFMON");
  if (packets && !has_cap(kCapNetAdmin)) missing.push_back("CAP_NET_ADMIN");
  if (missing.empty()) return;
  std::string lacks;
  for (size_t i = 0; i < missing.size(); ++i)
    lacks += (i == 0 ? "" : i + 1 == missing.size() ? " and " : ", ") + missing[i];
  throw Error(std::string("ebpf: live capture needs root or CAP_BPF and CAP_PERFMON") +
              (packets ? ", and CAP_NET_ADMIN for packets (-i)" : "") + "; this process lacks " + lacks +
              " (see README, Live capture: setcap)");
}

int64_t boot_to_epoch() {
  timespec rt{}, bt{};
  clock_gettime(CLOCK_REALTIME, &rt);
  clock_gettime(CLOCK_BOOTTIME, &bt);
  return (int64_t(rt.tv_sec) - bt.tv_sec) * 1000000000LL + (int64_t(rt.tv_nsec) - bt.tv_nsec);
}

int ring_cb(void* ctx, void* data, size_t size) { return static_cast<EbpfSource*>(ctx)->on_record(data, size); }

// A user-space struct sockaddr (as passed to connect/bind) → scap endpoint.
bool user_sockaddr(const strato_event& r, scap::Endpoint& ep) {
  if (r.addr_len < 2) return false;
  uint16_t family;
  std::memcpy(&family, r.addr, 2);
  uint16_t port_be;
  if (family == AF_INET && r.addr_len >= 8) {
    ep.family = scap::kAfInet;
    std::memcpy(&port_be, r.addr + 2, 2);
    std::memcpy(ep.addr, r.addr + 4, 4);
    ep.port = ntohs(port_be);
    return true;
  }
  if (family == AF_INET6 && r.addr_len >= 24) {
    ep.family = scap::kAfInet6;
    std::memcpy(&port_be, r.addr + 2, 2);
    std::memcpy(ep.addr, r.addr + 8, 16);
    ep.port = ntohs(port_be);
    return true;
  }
  if (family == AF_UNIX) {
    ep.family = scap::kAfUnix;
    ep.path.assign(reinterpret_cast<const char*>(r.addr + 2), strnlen(reinterpret_cast<const char*>(r.addr + 2),
                                                                      r.addr_len - 2));
    return true;
  }
  return false;
}

void add_sockaddr(scap::Encoder& enc, const scap::Endpoint& ep) {
  if (ep.family == scap::kAfInet || ep.family == scap::kAfInet6) {
    enc.add_sockaddr_inet(ep.family, ep.addr, ep.port);
  } else if (ep.family == scap::kAfUnix) {
    std::string b(1, char(scap::kAfUnix));
    b += ep.path;
    b.push_back('\0');
    enc.add_bytes(b.data(), b.size());
  } else {
    enc.add_empty();
  }
}

// The socket tuple as scap orders it: local → remote, except for accept,
// whose tuple starts at the connecting peer. A remote end the kernel has
// already cleared (failed connect) is taken from the syscall's argument.
void add_tuple(scap::Encoder& enc, const strato_event& r, bool peer_first, const scap::Endpoint* remote_hint) {
  const strato_tuple& t = r.tuple;
  if (t.family == 2 || t.family == 10) {
    uint8_t fam = t.family == 2 ? scap::kAfInet : scap::kAfInet6;
    size_t alen = fam == scap::kAfInet ? 4 : 16;
    uint8_t daddr[16];
    std::memcpy(daddr, t.daddr, 16);
    uint16_t dport = t.dport;
    bool zero = dport == 0;
    if (zero && remote_hint && remote_hint->family == fam) {
      std::memcpy(daddr, remote_hint->addr, alen);
      dport = remote_hint->port;
    }
    if (peer_first)
      enc.add_tuple_inet(fam, daddr, dport, t.saddr, t.sport);
    else
      enc.add_tuple_inet(fam, t.saddr, t.sport, daddr, dport);
    return;
  }
  if (t.family == 1) {
    // scap's unix tuple: family, two kernel addresses (not exposed), the path.
    std::string b(17, '\0');
    b[0] = static_cast<char>(scap::kAfUnix);
    if (remote_hint && remote_hint->family == scap::kAfUnix) b += remote_hint->path;
    b.push_back('\0');
    enc.add_bytes(b.data(), b.size());
    return;
  }
  if (remote_hint && (remote_hint->family == scap::kAfInet || remote_hint->family == scap::kAfInet6)) {
    uint8_t zero[16] = {};
    enc.add_tuple_inet(remote_hint->family, zero, 0, remote_hint->addr, remote_hint->port);
    return;
  }
  enc.add_empty();
}

}  // namespace

EbpfSource::EbpfSource(EbpfConfig cfg) : cfg_(std::move(cfg)) {
  resolve_interfaces();
  // find_syscall's answer (its first match) and the event's schema, per number.
  by_nr_.resize(STRATO_NR_MAX);
  for (const SyscallDef& d : syscall_defs())
    if (d.nr >= 0 && d.nr < STRATO_NR_MAX && !by_nr_[d.nr].def) by_nr_[d.nr] = {&d, scap::event_info(d.scap_type)};
  if (cfg_.syscalls_on) {
    selected_ = select_syscalls(cfg_.syscalls);
    want_proc_events_ = cfg_.syscalls.empty() || cfg_.syscalls.find("proc") != std::string::npos ||
                        cfg_.syscalls.find("exit") != std::string::npos;
  }
  if (cfg_.snaplen > STRATO_DATA_MAX - 1) cfg_.snaplen = STRATO_DATA_MAX - 1;
  if (cfg_.packet_snaplen == 0 || cfg_.packet_snaplen > 262144) cfg_.packet_snaplen = 262144;
  if (cfg_.comm.size() > 15)
    throw usage_error("capture: --comm " + cfg_.comm + ": longer than the kernel's 15-character process name");
  if (cfg_.buffer_bytes && (cfg_.buffer_bytes < 4096 || cfg_.buffer_bytes > (1ull << 30)))
    throw usage_error("capture: -B: the ring buffer must be between 4 KiB and 1 GiB");
  if (cfg_.syscalls_on) {
    InterfaceInfo i;
    i.name = "syscalls";
    i.description = "system calls (eBPF)";
    i.link_type = kLinkTypeSyscallEvent;
    i.has_id = true;
    i.section = 1;
    ifaces_.push_back(i);
  }
  if (!cfg_.interfaces.empty())
    hooks_ = std::make_unique<PacketHooks>(cfg_.interfaces, cfg_.packet_filter, cfg_.packet_snaplen);
}

EbpfSource::~EbpfSource() {
  detach();
  TimeOrder<Pending>::Item i;
  while (queue_.pop(i)) delete i.p;
  Pending* p = nullptr;
  while (recycle_.pop(p)) delete p;
  delete spare_;
  for (Pending* q : ahead_) delete q;
  for (auto& item : final_overflow_) delete item.p;
  while (!held_.empty()) {
    delete held_.top().p;
    held_.pop();
  }
}

EbpfSource::Pending* EbpfSource::fresh(const std::shared_ptr<const ProcessInfo>* proc) {
  Pending* p = spare_;
  spare_ = nullptr;
  if (!p) p = next_recycled();
  // The process before anything else: a reference count is a locked
  // instruction, which waits for every store before it, and the stores
  // into a record that comes back cold miss the cache (under load, that
  // wait showed as a tenth of a packet capture's CPU).
  if (proc) set_proc(*p, *proc);
  p->ts_ns = p->latency_ns = 0;
  p->comment.clear();
  p->bytes.clear();
  // p->proc stays: the fill sets it, unchanged when it is the same process.
  p->iface = p->link_type = p->orig_len = p->epb_flags = 0;
  p->ifindex = -1;
  return p;
}

EbpfSource::Pending* EbpfSource::next_recycled() {
  // Records come back from the batches a while after they were filled, out
  // of cache (and, with a reader thread, from another CPU): each is asked for kAhead records before it is used, and its
  // packet buffer half as many (the buffer's address is in the record), so
  // the misses overlap the work instead of stalling it.
  Pending* p = ahead_[0];
  for (size_t i = 1; i < kAhead; ++i) ahead_[i - 1] = ahead_[i];
  ahead_[kAhead - 1] = nullptr;
  if (Pending* half = ahead_[kAhead / 2 - 1]) {
    const auto* b = reinterpret_cast<const char*>(half->bytes.data());
    const size_t n = std::min<size_t>(half->bytes.size(), 512);  // the last record's size: a fair guess
    for (size_t off = 0; b && off < n; off += 64) __builtin_prefetch(b + off, 1);
  }
  if (recycle_.pop(ahead_[kAhead - 1])) {
    const auto* r = reinterpret_cast<const char*>(ahead_[kAhead - 1]);
    // Every record writes up to its comment's length; only syscalls more.
    for (size_t off = 0; off < offsetof(Pending, comment) + 16; off += 64) __builtin_prefetch(r + off, 1);
  } else {
    ahead_[kAhead - 1] = nullptr;
  }
  if (!p && !recycle_.pop(p)) return new Pending;
  return p;
}

void EbpfSource::recycle(Pending* p) {
  // p->proc stays (usually the process of the next record too); a pooled
  // record keeps at most one process alive a little longer.
  // The pool keeps every record; it need not keep a large packet's buffer.
  if (p->bytes.capacity() > kKeptBytes) std::vector<uint8_t>().swap(p->bytes);
  if (!recycle_.push(p)) delete p;
}

void EbpfSource::push(Pending* p) {
  const TimeOrder<Pending>::Item item{p->ts_ns, next_seq_++, rings_->current(), p};
  if (queue_.push(item)) return;
  // The last pass, after detaching, on the engine's thread: what the queue
  // cannot take waits here for it (at most what the rings held).
  if (final_drain_) {
    final_overflow_.push_back(item);
    return;
  }
  // Kept for the next record: when the queue is full, the pool is empty
  // and a lost record would otherwise cost a new and a delete.
  spare(p);
  user_drops_.fetch_add(1, std::memory_order_relaxed);
}

static uint64_t boot_ns() {
  timespec bt{};
  clock_gettime(CLOCK_BOOTTIME, &bt);
  return uint64_t(bt.tv_sec) * 1000000000ull + bt.tv_nsec;
}

void EbpfSource::start_reader() {
  // A packet-only capture's rings are read by the engine itself, between
  // batches, as tcpdump reads its ring: records then never cross to
  // another CPU's cache between being read and being written out. Syscall
  // streams keep a reader thread: their bursts (a busy process makes
  // millions of calls a second) need the rings drained while the engine
  // formats and writes.
  if (packets_alone()) return;
  reader_ = std::thread([this] { reader_loop(); });
}

// One reader pass: records the rings hold go to the queue. Every record
// committed before the pass began is read by it, unless the queue filled
// up; the engine hands out nothing newer (see take_pending).
int64_t EbpfSource::reader_pass() {
  const uint64_t pass = boot_ns();
  const int64_t n = rings_->consume();
  if (n >= 0 && !rings_->left_some()) drained_before_.store(pass, std::memory_order_release);
  return n;
}

void EbpfSource::reader_loop() {
  // The programs wake us only when a ring fills up (see ring_flags in the
  // BPF code): wait for that or 5 ms, then read whatever is there.
  while (!reader_stop_.load(std::memory_order_acquire)) {
    int64_t n = rings_->poll(5);
    if (n >= 0 || n == -EINTR) n = reader_pass();
    // The engine is behind: give it a moment instead of waking at each
    // record the writers announce.
    if (n >= 0 && rings_->left_some()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (n < 0 && n != -EINTR) {
      reader_error_.store(static_cast<int>(-n));
      return;
    }
  }
}

void EbpfSource::detach_programs() {
  if (hooks_) hooks_->detach();
  for (bpf_link* l : links_) bpf_link__destroy(l);
  links_.clear();
}

void EbpfSource::resolve_interfaces() {
  // -i takes what -D lists, by name or by number, as tshark's -i does; the
  // "syscalls" entry is the syscall stream, not a network interface.
  std::vector<std::string> nets;
  std::vector<InterfaceInfo> listed;
  bool syscalls = false;
  for (std::string name : cfg_.interfaces) {
    const bool number = !name.empty() && name.size() < 6 &&
                        std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isdigit(c); });
    if (number) {
      if (listed.empty()) listed = list_interfaces();
      const unsigned long n = std::stoul(name);
      if (n == 0 || n > listed.size())
        throw Error("capture: -i " + name + ": no interface has that number (strato capture -D lists " +
                    std::to_string(listed.size()) + ")");
      name = listed[n - 1].name;
    }
    if (name == "syscalls") {
      syscalls = true;
    } else if (std::find(nets.begin(), nets.end(), name) == nets.end()) {
      nets.push_back(name);
    }
  }
  cfg_.interfaces = std::move(nets);
  if (syscalls) cfg_.syscalls_on = true;
  if (!cfg_.packet_filter.empty() && cfg_.interfaces.empty())
    throw usage_error("capture: -f filters packets: name a network interface with -i");
}

std::vector<InterfaceInfo> EbpfSource::list_interfaces() {
  std::vector<InterfaceInfo> out;
  InterfaceInfo s;
  s.name = "syscalls";
  s.description = "system calls and process events (eBPF tracepoints)";
  s.link_type = kLinkTypeSyscallEvent;
  out.push_back(s);
  for (const NetInterface& n : list_net_interfaces()) {
    InterfaceInfo i;
    i.name = n.name;
    i.description = n.description;
    i.link_type = n.link_type;
    out.push_back(i);
  }
  InterfaceInfo any;
  any.name = "any";
  any.description = "every interface, also ones created later";
  out.push_back(any);
  return out;
}

void EbpfSource::open() {
  check_privileges(!cfg_.interfaces.empty());
  // Said up front: libbpf's CO-RE failure without it names no cause a user can act on.
  if (access("/sys/kernel/btf/vmlinux", R_OK) != 0)
    throw Error("ebpf: this kernel exposes no BTF at /sys/kernel/btf/vmlinux (needs CONFIG_DEBUG_INFO_BTF=y); "
                "live capture relocates its programs against it");
  boot_to_epoch_ns_ = boot_to_epoch();
  procs_.seed();
  if (cfg_.pid && !procs_.find(static_cast<uint32_t>(cfg_.pid)))
    throw Error("capture: --pid " + std::to_string(cfg_.pid) + ": no such process");
  resolve_cgroup_filter();
  load_and_attach();
  if (!cfg_.run_as.empty()) drop_privileges();
  start_reader();
  // As tshark's "Capturing on": tells people (and tests) the probes are live.
  std::string what;
  for (auto& i : ifaces_) what += (what.empty() ? "'" : ", '") + i.name + "'";
  if (hooks_ && hooks_->any()) what += std::string(what.empty() ? "" : ", ") + "'any' (new interfaces too)";
  const std::string tc = hooks_ ? std::string(hooks_->tc_kind()) + ", " : "";
  std::fprintf(stderr, "Capturing on %s (%s, %s%zu syscalls)\n", what.c_str(), attach_kind_, tc.c_str(), selected_.size());
}

void EbpfSource::load_and_attach() {
  libbpf_set_print(libbpf_log);
  // Syscall tracepoints are found through tracefs; mount it when missing (as
  // perf and bpftrace expect). Failing is fine: the fallback needs none.
  if (access("/sys/kernel/tracing/events", F_OK) != 0 && access("/sys/kernel/debug/tracing/events", F_OK) != 0)
    mount("nodev", "/sys/kernel/tracing", "tracefs", 0, nullptr);
  // Best first: tp_btf with packets' owners from the socket hooks (Linux
  // 6.3+, cgroup v2); tp_btf with owners from the socket calls' syscall
  // tracepoints; raw_tp. STRATO_EBPF_SYSCALL_OWNERS=1 and STRATO_EBPF_RAW_TP=1
  // start at the second and the third, so the fallbacks stay tested.
  enum Attempt { kSockHooks, kSyscallOwners, kRaw };
  const bool packets = hooks_ != nullptr;
  int first = std::getenv("STRATO_EBPF_RAW_TP") ? kRaw : std::getenv("STRATO_EBPF_SYSCALL_OWNERS") ? kSyscallOwners
                                                                                                    : kSockHooks;
  if (first == kSockHooks && !packets) first = kSyscallOwners;  // the same programs
  std::string errors;
  for (int attempt = first; attempt <= kRaw; ++attempt) {
    const bool raw = attempt == kRaw;
    const bool sock_hooks = attempt == kSockHooks;
    skel_ = strato_syscalls__open();
    if (!skel_) throw Error(std::string("ebpf: cannot open the BPF object: ") + std::strerror(errno));
    skel_->rodata->self_tgid = static_cast<uint32_t>(getpid());
    skel_->rodata->filter_pid_on = cfg_.pid != 0;
    skel_->rodata->filter_comm_on = !cfg_.comm.empty();
    std::memcpy(const_cast<char*>(skel_->rodata->filter_comm), cfg_.comm.c_str(), cfg_.comm.size());
    skel_->rodata->snaplen = cfg_.snaplen;
    skel_->rodata->filter_cgroup_on = cgroup_on_;
    std::memcpy(const_cast<char*>(skel_->rodata->filter_cgroup_path), cgroup_.path.c_str(), cgroup_.path.size());
    std::memcpy(const_cast<char*>(skel_->rodata->filter_container), cgroup_.container.c_str(),
                cgroup_.container.size());
    skel_->rodata->filter_container_len = static_cast<uint32_t>(cgroup_.container.size());
    bpf_map__set_max_entries(skel_->maps.filter_cgroups, cgroup_on_ ? kMaxFilterCgroups : 1);
    skel_->rodata->pkt_snaplen = cfg_.packet_snaplen;
    int ncpu = libbpf_num_possible_cpus();
    bpf_map__set_max_entries(skel_->maps.pkt_buf, ncpu > 0 ? ncpu : 1);
    const uint32_t ncpus = ncpu > 0 ? static_cast<uint32_t>(ncpu) : 1;
    if (cfg_.cpus_per_ring == EbpfConfig::kAutoRings) {
      // Packets alone: a ring per CPU. Packets are written from every CPU's
      // softirqs, and a shared ring's lock and positions moving between the
      // CPUs cost the TC program about a third of its time (some 130 ns a
      // packet on lo). With no reader thread (see start_reader) the records
      // of several rings stay on the engine's CPU. Syscall streams keep one.
      cfg_.cpus_per_ring = packets_alone() ? 1 : 0;
      split_buffer_ = packets_alone();
    }
    skel_->rodata->cpus_per_ring = cfg_.cpus_per_ring;
    const uint32_t nrings = cfg_.cpus_per_ring ? (ncpus + cfg_.cpus_per_ring - 1) / cfg_.cpus_per_ring : 1;
    bpf_map__set_max_entries(skel_->maps.rings, nrings);
    // A byte for every pid Linux can hand out (PID_MAX_LIMIT on 64-bit, which
    // pid_max can never exceed): 4 MiB, only with --pid.
    constexpr uint32_t kPidLimit = 1u << 22;
    bpf_map__set_max_entries(skel_->maps.pids, cfg_.pid ? kPidLimit / 8 : 1);
    // The rings themselves are made in open_rings(), sized by -B: the kernel
    // does not compare a ring's size with the template's.
    for (auto* p : {skel_->progs.tc_eth_ingress, skel_->progs.tc_eth_egress, skel_->progs.tc_raw_ingress,
                    skel_->progs.tc_raw_egress})
      bpf_program__set_autoload(p, packets);
    std::vector<bpf_program*> btf_progs = {skel_->progs.btf_sys_enter, skel_->progs.btf_sys_exit,
                                           skel_->progs.btf_exec,      skel_->progs.btf_fork,
                                           skel_->progs.btf_exit,      skel_->progs.btf_reset};
    std::vector<bpf_program*> raw_progs = {skel_->progs.raw_sys_enter, skel_->progs.raw_sys_exit,
                                           skel_->progs.raw_exec,      skel_->progs.raw_fork,
                                           skel_->progs.raw_exit,      skel_->progs.raw_reset};
    // New cgroups are named to user space as they are made (and join the
    // --cgroup/--container set when they match); removed ones leave it.
    btf_progs.push_back(skel_->progs.btf_cgroup_mkdir);
    raw_progs.push_back(skel_->progs.raw_cgroup_mkdir);
    bpf_program__set_autoload(skel_->progs.btf_cgroup_rmdir, cgroup_on_ && !raw);
    bpf_program__set_autoload(skel_->progs.raw_cgroup_rmdir, cgroup_on_ && raw);
    if (cgroup_on_) {
      btf_progs.push_back(skel_->progs.btf_cgroup_rmdir);
      raw_progs.push_back(skel_->progs.raw_cgroup_rmdir);
    }
    bpf_program__set_autoload(skel_->progs.btf_sock_state, packets && !raw);
    bpf_program__set_autoload(skel_->progs.raw_sock_state, packets && raw);
    if (packets) {
      btf_progs.push_back(skel_->progs.btf_sock_state);
      raw_progs.push_back(skel_->progs.raw_sock_state);
    }
    // Packets without syscall events: owners come from the socket calls'
    // own tracepoints instead of a program on every syscall. Where those
    // are missing (no tracefs, no syscall events), the raw_tp attempt uses
    // the generic hooks.
    const std::vector<bpf_program*> owner_progs = {
        skel_->progs.own_enter_connect, skel_->progs.own_enter_sendto,  skel_->progs.own_enter_sendmsg,
        skel_->progs.own_enter_recvfrom, skel_->progs.own_enter_recvmsg, skel_->progs.own_exit_connect,
        skel_->progs.own_exit_sendto,   skel_->progs.own_exit_sendmsg,  skel_->progs.own_exit_accept,
        skel_->progs.own_exit_accept4};
    const bool packets_only = packets && selected_.empty() && !raw;
    const bool owner_tps = packets_only && !sock_hooks;
    for (auto* p : owner_progs) bpf_program__set_autoload(p, owner_tps);
    set_socket_owner_hooks_autoload(skel_, sock_hooks);
    if (packets_only) {
      std::erase(btf_progs, skel_->progs.btf_sys_enter);
      std::erase(btf_progs, skel_->progs.btf_sys_exit);
      bpf_program__set_autoload(skel_->progs.btf_sys_enter, false);
      bpf_program__set_autoload(skel_->progs.btf_sys_exit, false);
    }
    if (owner_tps) btf_progs.insert(btf_progs.end(), owner_progs.begin(), owner_progs.end());
    for (auto* p : btf_progs) bpf_program__set_autoload(p, !raw);
    for (auto* p : raw_progs) bpf_program__set_autoload(p, raw);
    int err = strato_syscalls__load(skel_);
    if (!err) {
      std::vector<strato_decode_spec> specs(STRATO_NR_MAX);
      for (const SyscallDef* d : selected_)
        if (d->nr >= 0 && d->nr < STRATO_NR_MAX) specs[d->nr] = d->spec;
      if (packets) {
        // The calls that tie a flow to its process, also when not captured as events.
        for (const SyscallDef& d : syscall_defs()) {
          if (d.nr < 0 || d.nr >= STRATO_NR_MAX) continue;
          if (!(d.spec.flags & (STRATO_D_TUPLE_ARG0 | STRATO_D_TUPLE_RET)) || std::string(d.name) == "shutdown") continue;
          strato_decode_spec& sp = specs[d.nr];
          if (!sp.flags) sp = d.spec, sp.flags &= ~STRATO_D_WANT;
          sp.flags |= STRATO_D_OWNER;
        }
      }
      for (uint32_t key = 0; key < STRATO_NR_MAX; ++key)
        if (specs[key].flags)
          bpf_map__update_elem(skel_->maps.wanted, &key, sizeof key, &specs[key], sizeof specs[key], 0);
      if (cfg_.pid) {
        std::unordered_map<uint32_t, uint64_t> words;  // eight pids' bytes each
        for (uint32_t t : procs_.with_descendants(static_cast<uint32_t>(cfg_.pid)))
          reinterpret_cast<uint8_t*>(&words[t >> 3])[t & 7] = 1;
        for (auto& [k, w] : words)
          if (bpf_map__update_elem(skel_->maps.pids, &k, sizeof k, &w, sizeof w, 0) != 0)
            throw Error("capture: --pid " + std::to_string(cfg_.pid) + ": pid " + std::to_string(k * 8) +
                        "+ is beyond the kernel's pid limit");
      }
      // The rings exist before any program runs: a record made earlier
      // would have nowhere to go (and be counted as dropped).
      open_rings();
      seed_cgroup_filter();
      for (auto* p : raw ? raw_progs : btf_progs) {
        bpf_link* l = bpf_program__attach(p);
        if (!l) {
          err = -errno;
          break;
        }
        links_.push_back(l);
      }
      // Again: a cgroup made between the first look and the mkdir hook.
      if (!err) seed_cgroup_filter();
    }
    std::string why;
    if (!err && sock_hooks && !attach_socket_owner_hooks(skel_, links_, why)) err = -EOPNOTSUPP;
    if (!err) {
      attach_kind_ = raw ? "raw_tp" : "tp_btf";
      break;
    }
    if (why.empty()) why = std::string(std::strerror(-err)) + (last_log().empty() ? "" : " (" + last_log() + ")");
    detach();
    static constexpr const char* kNames[] = {"tp_btf with socket hooks", "tp_btf", "raw_tp"};
    errors += (errors.empty() ? "" : "; ") + std::string(kNames[attempt]) + ": " + why;
    if (raw) throw Error("ebpf: cannot load and attach the syscall programs: " + errors);
  }
  if (hooks_) {
    seed_socket_owners();
    TcPrograms progs;
    progs.eth_ingress = bpf_program__fd(skel_->progs.tc_eth_ingress);
    progs.eth_egress = bpf_program__fd(skel_->progs.tc_eth_egress);
    progs.raw_ingress = bpf_program__fd(skel_->progs.tc_raw_ingress);
    progs.raw_egress = bpf_program__fd(skel_->progs.tc_raw_egress);
    try {
      hooks_->attach(progs, [this](const HookedInterface& h) {
        InterfaceInfo i;
        i.name = h.name;
        i.link_type = h.link_type;
        i.snaplen = cfg_.packet_snaplen;
        i.filter = cfg_.packet_filter;
        // One section, as tshark's live capture: interface ids are list positions.
        i.has_id = true;
        i.section = 1;
        i.id_in_section = static_cast<uint32_t>(ifaces_.size());
        ifaces_.push_back(i);
        return static_cast<uint32_t>(ifaces_.size() - 1);
      });
    } catch (...) {
      detach();
      throw;
    }
  }
}

uint32_t EbpfSource::ring_bytes(uint32_t rings) const {
  uint64_t want = cfg_.buffer_bytes ? cfg_.buffer_bytes : 16ull << 20;
  // A ring per CPU of a large host at 16 MiB each would take gigabytes.
  if (!cfg_.buffer_bytes && split_buffer_ && rings > 1) want = std::max<uint64_t>(want / rings, 2ull << 20);
  uint64_t size = 4096;
  while (size < want) size <<= 1;  // the kernel wants a power of two
  return static_cast<uint32_t>(size);
}

void EbpfSource::open_rings() {
  const uint32_t n = bpf_map__max_entries(skel_->maps.rings);
  const int outer = bpf_map__fd(skel_->maps.rings);
  auto fail = [this](const std::string& what) {
    int e = errno;
    detach();
    throw Error("ebpf: " + what + ": " + std::strerror(e));
  };
  for (uint32_t i = 0; i < n; ++i) {
    int fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, "strato_ring", 0, 0, ring_bytes(n), nullptr);
    if (fd < 0) fail("cannot create ring buffer " + std::to_string(i) + " of " + std::to_string(ring_bytes(n)) + " bytes");
    ring_fds_.push_back(fd);
    if (bpf_map_update_elem(outer, &i, &fd, 0) != 0) fail("cannot install ring buffer " + std::to_string(i));
    if (!rings_) rings_ = std::make_unique<RingReader>(ring_cb, this);
    if (int e = rings_->add(fd, ring_bytes(n)); e < 0) {
      errno = -e;
      fail("cannot map ring buffer " + std::to_string(i));
    }
  }
}

void EbpfSource::resolve_cgroup_filter() {
  if (!cfg_.container.empty()) {
    const std::string flag = "--container " + cfg_.container;
    if (cfg_.container.size() < 12 || cfg_.container.size() > 64 ||
        !std::all_of(cfg_.container.begin(), cfg_.container.end(), [](unsigned char c) { return std::isxdigit(c); }))
      throw Error("capture: " + flag + ": not a container id (12 to 64 hex digits)");
    cgroup_mount_ = cgroup2_mount();
    if (cgroup_mount_.empty()) throw Error("capture: " + flag + ": no cgroup v2 hierarchy is mounted");
    cgroup_.container = cfg_.container;
    for (char& c : cgroup_.container) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    cgroup_on_ = true;
    // Not an error: a crash-looping container is down as often as up, and
    // the kernel adds its cgroup when it starts.
    if (!procs_.find_container(cgroup_.container))
      std::fprintf(stderr, "strato: %s is not running; capturing it from when it starts\n", flag.c_str());
  } else if (!cfg_.cgroup.empty()) {
    const std::string flag = "--cgroup " + cfg_.cgroup;
    cgroup_ = resolve_cgroup(cfg_.cgroup, flag);
    if (cgroup_.path.size() >= STRATO_CGROUP_PATH_MAX)
      throw Error("capture: " + flag + ": longer than " + std::to_string(STRATO_CGROUP_PATH_MAX - 1) + " bytes");
    cgroup_mount_ = cgroup2_mount();
    cgroup_on_ = true;
  }
}

void EbpfSource::seed_cgroup_filter() {
  if (!cgroup_on_) return;
  const uint8_t one = 1;
  for (uint64_t id : selected_cgroups(cgroup_mount_, cgroup_))
    if (bpf_map__update_elem(skel_->maps.filter_cgroups, &id, sizeof id, &one, sizeof one, BPF_ANY) != 0)
      throw Error("capture: " + std::string(cfg_.container.empty() ? "--cgroup " + cfg_.cgroup
                                                                     : "--container " + cfg_.container) +
                  ": more than " + std::to_string(kMaxFilterCgroups) + " cgroups selected");
}

void EbpfSource::seed_socket_owners() {
  for (const SocketOwner& so : existing_socket_owners()) {
    strato_owner o = so.owner;
    if (cgroup_on_)
      if (const ProcessEntry* pe = procs_.find(o.tgid))
        if (cgroup_within(pe->cgroup_path, cgroup_)) o.flags |= STRATO_OWNER_IN_CGROUP;
    bpf_map__update_elem(skel_->maps.flow_owners, &so.key, sizeof so.key, &o, sizeof o, BPF_NOEXIST);
  }
}

void EbpfSource::detach() {
  detach_programs();
  if (reader_.joinable()) {
    reader_stop_.store(true, std::memory_order_release);
    reader_.join();
  }
  if (rings_) {
    // Records already in the buffer are still read: detach first, then drain.
    final_drain_ = true;
    rings_->consume();
    rings_.reset();
  }
  for (int fd : ring_fds_) close(fd);
  ring_fds_.clear();
  if (skel_) {
    uint32_t zero = 0;
    int ncpu = libbpf_num_possible_cpus();
    if (ncpu > 0) {
      std::vector<uint64_t> v(ncpu);
      if (!bpf_map__lookup_elem(skel_->maps.drops, &zero, sizeof zero, v.data(), v.size() * 8, 0)) {
        uint64_t sum = 0;
        for (auto x : v) sum += x;
        kernel_drops_ = sum;
      }
    }
    strato_syscalls__destroy(skel_);
    skel_ = nullptr;
  }
}

SourceStats EbpfSource::stats() const {
  SourceStats s = stats_;
  s.received = received_.load(std::memory_order_relaxed);
  s.dropped_user = user_drops_.load(std::memory_order_relaxed);
  uint64_t drops = kernel_drops_;
  if (skel_) {
    uint32_t zero = 0;
    int ncpu = libbpf_num_possible_cpus();
    std::vector<uint64_t> v(ncpu > 0 ? ncpu : 1);
    if (!bpf_map__lookup_elem(skel_->maps.drops, &zero, sizeof zero, v.data(), v.size() * 8, 0)) {
      drops = 0;
      for (auto x : v) drops += x;
    }
  }
  s.dropped = drops;
  return s;
}

bool EbpfSource::read(Batch& batch, size_t max_events) {
  if (finished_) return false;
  if (int e = reader_error_.load()) throw Error(std::string("ebpf: reading the ring buffer: ") + std::strerror(e));
  // Bounded: what the engine cannot take yet stays in the queue, which then
  // fills and counts its losses, instead of memory growing without end.
  auto drain = [this] {
    TimeOrder<Pending>::Item i;
    size_t n = 0;
    while (held_.size() < kMaxHeld && queue_.pop(i)) {
      held_.push(i);
      ++n;
    }
    return n;
  };
  if (stop_requested.load()) {
    if (skel_) detach();  // the reader thread ends after consuming what the kernel queued
    drain();
    if (!queue_.read_available()) {
      for (auto& item : final_overflow_) held_.push(item);
      final_overflow_.clear();
    }
    take_pending(batch, max_events, ~0ull);
    if (!held_.empty() || queue_.read_available() || !final_overflow_.empty()) return true;
    finished_ = true;
    return false;
  }
  if (hooks_) hooks_->follow_new_interfaces();
  const bool own_pass = !reader_.joinable() && rings_;
  if (own_pass) {
    const int64_t n = reader_pass();
    if (n < 0 && n != -EINTR) throw Error(std::string("ebpf: reading the ring buffer: ") + std::strerror(int(-n)));
  }
  // Read before draining: the records of every pass that ended by then are
  // in the queue.
  const uint64_t drained_before = drained_before_.load(std::memory_order_acquire);
  drain();
  take_pending(batch, max_events, drained_before);
  // Nothing old enough yet (events are held a moment to be put in order):
  // wait rather than have the engine spin on empty batches; without a
  // reader thread, a ring filling up (the programs' wakeup) ends the wait.
  if (batch.count == 0) {
    const int ms = held_.empty() ? 20 : 5;
    if (own_pass) rings_->poll(ms);
    else std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  }
  return true;
}

void EbpfSource::take_pending(Batch& batch, size_t max_events, uint64_t drained_before) {
  // Records from different CPUs and rings arrive slightly out of order: hold
  // the newest for a moment and hand out the rest sorted by time. Nothing
  // newer than the reader's last complete pass leaves either (less a margin
  // for a record's time being taken before it is committed): a reader kept
  // off the CPU for longer than the hold must not let a ring's late records
  // fall behind ones already handed out.
  constexpr uint64_t kHoldNs = 5'000'000, kCommitNs = 2'000'000;
  uint64_t cutoff = ~0ull;
  if (!stop_requested.load() && !finished_ && drained_before != ~0ull) {
    const uint64_t held = boot_ns() - kHoldNs;
    uint64_t drained = drained_before > kCommitNs ? drained_before - kCommitNs : 0;
    // The reader leaves records in the rings while the queue is full, so its
    // passes do not end; once the hold is full too, time alone decides, or
    // neither side would move again.
    if (held_.size() >= kMaxHeld) drained = held;
    cutoff = std::min(held, drained) + boot_to_epoch_ns_;
  }
  while (batch.count < max_events && !held_.empty() && held_.top().ts <= cutoff) {
    Pending* owned = held_.top().p;
    held_.pop();
    Pending& p = *owned;
    if (p.ifindex >= 0) {
      int idx = hooks_ ? hooks_->strato_index(p.ifindex) : -1;
      if (idx < 0) {  // cannot happen: an interface is registered before it is hooked
        recycle(owned);
        continue;
      }
      p.iface = static_cast<uint32_t>(idx);
      p.link_type = ifaces_[idx].link_type;
    }
    // Lent, not copied: the batch gives the record back when it is reused.
    Event& e = batch.append_lent(p.bytes.data(), static_cast<uint32_t>(p.bytes.size()), p.proc, *this, owned);
    e.ts_ns = p.ts_ns;
    e.iface = p.iface;
    e.link_type = p.link_type ? p.link_type : kLinkTypeSyscallEvent;
    e.orig_len = p.orig_len ? p.orig_len : e.cap_len;
    e.epb_flags = p.epb_flags;
    // scap events carry no latency; a `Key: value` comment does, and
    // survives being written to pcapng as opt_comment. reset() emptied it;
    // packets have none.
    if (std::string_view c = p.comment.view(); !c.empty()) e.comment.assign(c);
  }
}

// True when every variable part the lengths announce lies within the
// record, so it can be decoded where it is.
static bool parts_within(const strato_event& r, size_t size) {
  auto fits = [size](size_t off, size_t len) { return len == 0 || off + len <= size; };
  return fits(offsetof(strato_event, data), r.data_len) && fits(offsetof(strato_event, addr), r.addr_len) &&
         fits(offsetof(strato_event, path), r.path_len) && fits(offsetof(strato_event, path2), r.path2_len) &&
         fits(offsetof(strato_event, argv), r.argv_len);
}

int EbpfSource::on_record(const void* data, size_t size) {
  // A full queue: the record stays in the kernel ring for the next pass
  // (except at the end, when there is no next pass: push counts the loss).
  // Only this thread fills the queue, so the room seen can only grow: it is
  // asked again (a line the engine writes) only once used up.
  if (queue_room_ == 0 && !final_drain_) {
    queue_room_ = queue_.write_available();
    if (queue_room_ == 0) return RingReader::kLeave;
  }
  if (queue_room_) --queue_room_;
  uint32_t kind = 0;
  if (size >= 20) std::memcpy(&kind, static_cast<const uint8_t*>(data) + 16, 4);
  // Only this thread writes the counter: a plain add, not a locked one.
  auto count = [this] { received_.store(received_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed); };
  if (kind == STRATO_PACKET) {
    if (size < sizeof(strato_packet)) return 0;
    const auto& p = *static_cast<const strato_packet*>(data);
    if (p.caplen > size - sizeof(strato_packet)) return 0;
    count();
    encode_packet(p, static_cast<const uint8_t*>(data) + sizeof(strato_packet));
    return 0;
  }
  // Records stop after their last part in use; the lengths say what is valid.
  if (size < STRATO_EVENT_HEADER_SIZE || size > sizeof(strato_event)) return 0;
  // Ring records are 8-byte aligned and stay put during the callback: read
  // in place. One whose lengths reach past its end is copied out, the rest
  // zeroed, so nothing is read beyond it.
  const strato_event* rp = static_cast<const strato_event*>(data);
  if (reinterpret_cast<uintptr_t>(data) % alignof(strato_event) != 0 || !parts_within(*rp, size)) {
    std::memcpy(&record_, data, size);
    std::memset(reinterpret_cast<uint8_t*>(&record_) + size, 0, sizeof record_ - size);
    rp = &record_;
  }
  const strato_event& r = *rp;
  if (r.kind == STRATO_CGROUP_MKDIR) {  // a name, not an event
    if (r.path_len && r.path_len < sizeof r.path - 1) cgroups_.remember(r.cgroup_id, std::string(r.path, r.path_len));
    return 0;
  }
  count();
  auto comm = [&r] { return std::string(r.comm, strnlen(r.comm, sizeof r.comm)); };
  switch (r.kind) {
    case STRATO_SYSCALL: {
      const NrEntry* ne = r.nr < by_nr_.size() ? &by_nr_[r.nr] : nullptr;
      NrEntry slow;
      if (!ne) {
        slow.def = find_syscall(r.nr);
        slow.info = slow.def ? scap::event_info(slow.def->scap_type) : nullptr;
        ne = &slow;
      }
      if (!ne->def) return 0;
      const SyscallDef* def = ne->def;
      if ((def->scap_type == scap::kExecve19X || def->scap_type == scap::kExecveatX) && r.ret == 0) {
        procs_.on_exec(r.pid, comm(), std::string(r.path, r.path_len), join_args(r.argv, r.argv_len));
        forget_process(r.pid);
      }
      if (ne->info) encode_syscall(r, *def, *ne->info);
      break;
    }
    case STRATO_SCHED_EXEC:
      procs_.on_exec(r.pid, comm(), std::string(r.path, r.path_len), join_args(r.argv, r.argv_len));
      forget_process(r.pid);
      break;
    case STRATO_SCHED_FORK:
      procs_.on_fork(r.ppid, r.pid, comm());
      forget_process(r.pid);
      if (want_proc_events_) encode_proc(r);
      break;
    case STRATO_SCHED_EXIT:
      if (want_proc_events_) encode_proc(r);
      procs_.on_exit(r.pid);
      fds_.forget(r.pid);
      forget_process(r.pid);
      break;
    default:
      break;
  }
  return 0;
}

namespace {


void add_proc_params(scap::Encoder& enc, int64_t res, const std::string& exe, const std::string& args,
                     const strato_event& r) {
  enc.add_i64(res);
  enc.add_string(exe);
  enc.add_bytes(args.data(), args.size());
  enc.add_i64(r.tid);
  enc.add_i64(r.pid);
  enc.add_i64(r.ppid);
  enc.add_string("");
  enc.add_u64(0);
  enc.add_u64(0);
  enc.add_u64(0);
  enc.add_u32(0);
  enc.add_u32(0);
  enc.add_u32(0);
  enc.add_string(std::string(r.comm, strnlen(r.comm, sizeof r.comm)));
}

}  // namespace

namespace {

std::string ep_text(uint8_t family, const uint8_t* addr, uint16_t port) {
  scap::Endpoint e;
  e.family = family == 2 ? scap::kAfInet : scap::kAfInet6;
  std::memcpy(e.addr, addr, 16);
  std::string ip = scap::endpoint_ip(e);
  return (family == 10 ? "[" + ip + "]" : ip) + ":" + std::to_string(port);
}

}  // namespace

// Updates the fd table from this call and notes the fd's name for events
// whose own parameters do not name it.
void EbpfSource::track_fd(const strato_event& r, const SyscallDef& def, Comment& comment) {
  using namespace scap;
  const int64_t ret = r.ret, fd0 = static_cast<int32_t>(r.args[0]);
  const strato_tuple& t = r.tuple;
  auto tuple_name = [&](bool peer_first) {
    std::string l = ep_text(t.family, t.saddr, t.sport), p = ep_text(t.family, t.daddr, t.dport);
    return peer_first ? p + "->" + l : l + "->" + p;
  };
  const char* inet_type = t.family == 2 ? "ipv4" : "ipv6";
  switch (def.scap_type) {
    case kOpenX:
    case kCreatX:
    case kOpenat2X:
    case kOpenat2SysX:
      if (ret >= 0) fds_.set(r.pid, ret, std::string(r.path, r.path_len), "file");
      return;
    case kSocketX:
      if (ret >= 0) {
        uint64_t d = r.args[0];
        fds_.set(r.pid, ret, "", d == AF_INET ? "ipv4" : d == AF_INET6 ? "ipv6" : d == AF_UNIX ? "unix" : "socket");
      }
      return;
    case kConnectX:
      if ((ret == 0 || ret == -EINPROGRESS) && (t.family == 2 || t.family == 10))
        fds_.set(r.pid, fd0, tuple_name(false), inet_type, "client");
      return;
    case kAccept5X:
    case kAccept46X:
      if (ret >= 0 && (t.family == 2 || t.family == 10)) fds_.set(r.pid, ret, tuple_name(true), inet_type, "server");
      return;
    case kRenameX:
    case kUnlink2X:
    case kMkdir2X:
    case kExecve19X:
    case kExecveatX:
    case kClone20X:
    case kFork20X:
    case kVfork20X:
    case kClone3X:
      return;
    default:
      break;
  }
  if (const FdEntry* fe = fds_.find(r.pid, fd0)) comment.append(fe->note);
  if (def.scap_type == kCloseX && ret == 0) fds_.close(r.pid, fd0);
}

void EbpfSource::encode_syscall(const strato_event& r, const SyscallDef& def, const scap::EventInfo& info) {
  using namespace scap;
  // Encoded straight into the record that leaves; a type not handled below
  // hands it back as the spare.
  Pending* p = fresh();
  Encoder enc(p->bytes);
  const uint64_t ts = r.ts + boot_to_epoch_ns_;
  enc.begin(static_cast<uint16_t>(r.cpu), ts, r.tid, def.scap_type, static_cast<uint32_t>(info.params.size()));
  const std::string_view path(r.path, r.path_len);
  const int64_t ret = r.ret;
  const int64_t fd0 = static_cast<int32_t>(r.args[0]);
  Endpoint hint;
  const bool have_hint = user_sockaddr(r, hint);
  switch (def.scap_type) {
    case kOpenX:
      enc.add_i64(ret), enc.add_string(path), enc.add_u32(uint32_t(r.args[1])), enc.add_u32(uint32_t(r.args[2]));
      enc.add_u32(0), enc.add_u64(0);
      break;
    case kCreatX:
      enc.add_i64(ret), enc.add_string(path), enc.add_u32(uint32_t(r.args[1])), enc.add_u32(0), enc.add_u64(0);
      break;
    case kOpenat2X:
      enc.add_i64(ret), enc.add_i64(fd0), enc.add_string(path), enc.add_u32(uint32_t(r.args[2]));
      enc.add_u32(uint32_t(r.args[3])), enc.add_u32(0), enc.add_u64(0);
      break;
    case kCloseX:
      enc.add_i64(ret), enc.add_i64(fd0);
      break;
    case kReadX:
    case kWriteX:
      enc.add_i64(ret), enc.add_bytes(r.data, r.data_len), enc.add_i64(fd0), enc.add_u32(uint32_t(r.args[2]));
      break;
    case kSocketX:
      enc.add_i64(ret), enc.add_u32(uint32_t(r.args[0])), enc.add_u32(uint32_t(r.args[1]));
      enc.add_u32(uint32_t(r.args[2]));
      break;
    case kBindX:
      enc.add_i64(ret);
      if (have_hint) add_sockaddr(enc, hint); else enc.add_empty();
      enc.add_i64(fd0);
      break;
    case kConnectX:
      enc.add_i64(ret);
      add_tuple(enc, r, false, have_hint ? &hint : nullptr);
      enc.add_i64(fd0);
      if (have_hint) add_sockaddr(enc, hint); else enc.add_empty();
      break;
    case kListenX:
      enc.add_i64(ret), enc.add_i64(fd0), enc.add_u32(uint32_t(r.args[1]));
      break;
    case kAccept5X:
    case kAccept46X:
      enc.add_i64(ret);
      add_tuple(enc, r, true, nullptr);
      enc.add_u8(0), enc.add_u32(0), enc.add_u32(0);
      if (def.scap_type == kAccept46X) enc.add_u32(uint32_t(r.args[3]));
      break;
    case kSendtoX:
      enc.add_i64(ret), enc.add_bytes(r.data, r.data_len), enc.add_i64(fd0), enc.add_u32(uint32_t(r.args[2]));
      add_tuple(enc, r, false, nullptr);
      break;
    case kRecvfromX:
      enc.add_i64(ret), enc.add_bytes(r.data, r.data_len);
      add_tuple(enc, r, false, nullptr);
      enc.add_i64(fd0), enc.add_u32(uint32_t(r.args[2]));
      break;
    case kShutdownX:
      enc.add_i64(ret), enc.add_i64(fd0), enc.add_u8(uint8_t(r.args[1]));
      break;
    case kGetsockoptX: {
      const int level = static_cast<int>(r.args[1]), optname = static_cast<int>(r.args[2]);
      enc.add_i64(ret), enc.add_i64(fd0), enc.add_u8(sockopt_level_code(level));
      enc.add_u8(sockopt_name_code(level, optname));
      const std::string val = sockopt_value(level, optname, r.data, r.data_len);
      enc.add_bytes(val.data(), val.size());
      enc.add_u32(r.data_len);
      break;
    }
    case kPreadX:
    case kPwriteX:
      enc.add_i64(ret), enc.add_bytes(r.data, r.data_len), enc.add_i64(fd0), enc.add_u32(uint32_t(r.args[2]));
      enc.add_u64(r.args[3]);
      break;
    case kReadvX:
      enc.add_i64(ret), enc.add_u32(ret > 0 ? uint32_t(ret) : 0), enc.add_empty(), enc.add_i64(fd0);
      break;
    case kWritevX:
      enc.add_i64(ret), enc.add_empty(), enc.add_i64(fd0), enc.add_u32(ret > 0 ? uint32_t(ret) : 0);
      break;
    case kOpenat2SysX:
      // flags, mode and resolve live in the struct open_how the BPF side does not copy.
      enc.add_i64(ret), enc.add_i64(fd0), enc.add_string(path), enc.add_u32(0), enc.add_u32(0), enc.add_u32(0);
      enc.add_u32(0), enc.add_u64(0);
      break;
    case kSendmsgX:
      enc.add_i64(ret), enc.add_empty(), enc.add_i64(fd0), enc.add_u32(ret > 0 ? uint32_t(ret) : 0);
      add_tuple(enc, r, false, nullptr);
      break;
    case kRecvmsgX:
      enc.add_i64(ret), enc.add_u32(ret > 0 ? uint32_t(ret) : 0), enc.add_empty();
      add_tuple(enc, r, false, nullptr);
      break;
    case kRenameX:
      enc.add_i64(ret), enc.add_string(path), enc.add_string(std::string_view(r.path2, r.path2_len));
      break;
    case kRenameatX:
    case kRenameat2X:
      enc.add_i64(ret), enc.add_i64(fd0), enc.add_string(path), enc.add_i64(int32_t(r.args[2]));
      enc.add_string(std::string_view(r.path2, r.path2_len));
      if (def.scap_type == kRenameat2X) enc.add_u32(uint32_t(r.args[4]));
      break;
    case kSendfileX: {
      // The offset after the call would need a user read; the one passed is kept.
      enc.add_i64(ret), enc.add_u64(0), enc.add_i64(fd0), enc.add_i64(int32_t(r.args[1])), enc.add_u64(r.args[3]);
      break;
    }
    case kMkdir2X:
      enc.add_i64(ret), enc.add_string(path), enc.add_u32(uint32_t(r.args[1]));
      break;
    case kKillX:
    case kTkillX:
      enc.add_i64(ret), enc.add_i64(int32_t(r.args[0])), enc.add_u8(uint8_t(r.args[1]));
      break;
    case kTgkillX:
      enc.add_i64(ret), enc.add_i64(int32_t(r.args[0])), enc.add_i64(int32_t(r.args[1])), enc.add_u8(uint8_t(r.args[2]));
      break;
    case kMkdiratX:
      enc.add_i64(ret), enc.add_i64(fd0), enc.add_string(path), enc.add_u32(uint32_t(r.args[2]));
      break;
    case kUnlink2X:
      enc.add_i64(ret), enc.add_string(path);
      break;
    case kUnlinkat2X:
      enc.add_i64(ret), enc.add_i64(fd0), enc.add_string(path), enc.add_u32(uint32_t(r.args[2]));
      break;
    case kClone20X:
    case kFork20X:
    case kVfork20X:
    case kClone3X: {
      // The parent's view: res is the child's pid.
      const ProcessEntry* pe = procs_.find(r.pid);
      std::string exe, rest;
      if (pe) {
        auto sp = pe->args.find(' ');
        exe = pe->args.substr(0, sp);
        if (sp != std::string::npos) rest = pe->args.substr(sp + 1);
        for (char& c : rest)
          if (c == ' ') c = '\0';
      }
      add_proc_params(enc, ret, exe, rest, r);
      break;
    }
    case kExecveatX:
    case kExecve19X: {
      // scap's exe is argv[0]; args are the rest.
      const char* nul = static_cast<const char*>(std::memchr(r.argv, 0, r.argv_len));
      size_t a0 = nul ? size_t(nul - r.argv) : r.argv_len;
      std::string exe(r.argv, a0);
      std::string rest = a0 < r.argv_len ? std::string(r.argv + a0 + 1, r.argv_len - a0 - 1) : std::string();
      add_proc_params(enc, ret, exe, rest, r);
      break;
    }
    default:
      spare(p);
      return;
  }
  enc.finish();
  p->ts_ns = ts;
  p->latency_ns = r.latency;
  // scap events carry no latency nor fd names; `Key: value` comment lines
  // do, and survive being written to pcapng as opt_comment.
  char lat[40] = "Latency: ";
  char* end = std::to_chars(lat + 9, lat + sizeof lat, r.latency).ptr;
  p->comment.append(lat, size_t(end - lat));
  track_fd(r, def, p->comment);
  set_proc(*p, process_for(r.pid, r.tid, r.ppid, r.uid, r.cgroup_id, r.comm));
  push(p);
}

void EbpfSource::encode_proc(const strato_event& r) {
  using namespace scap;
  Pending* p = fresh();
  Encoder enc(p->bytes);
  const uint64_t ts = r.ts + boot_to_epoch_ns_;
  const ProcessEntry* pe = procs_.find(r.pid);
  if (r.kind == STRATO_SCHED_FORK) {
    enc.begin(static_cast<uint16_t>(r.cpu), ts, r.tid, kClone20X, 14);
    std::string exe, args;
    if (pe) {
      auto sp = pe->args.find(' ');
      exe = pe->args.substr(0, sp);
      if (sp != std::string::npos) args = pe->args.substr(sp + 1);
      for (char& c : args)
        if (c == ' ') c = '\0';
    }
    add_proc_params(enc, 0, exe, args, r);
  } else {
    enc.begin(static_cast<uint16_t>(r.cpu), ts, r.tid, kProcexit1E, 5);
    const int64_t code = r.ret;
    enc.add_i64(code), enc.add_i64(code >> 8 & 0xff), enc.add_u8(uint8_t(code & 0x7f));
    enc.add_u8((code & 0x80) ? 1 : 0), enc.add_i64(0);
  }
  enc.finish();
  p->ts_ns = ts;
  set_proc(*p, process_for(r.pid, r.tid, r.ppid, r.uid, r.cgroup_id, r.comm));
  push(p);
}

// -Z USER, as tcpdump: once everything is attached, run as USER. Only
// CAP_NET_ADMIN is kept, to take the TC filters off again at exit; the ring
// buffer and maps are read through descriptors already open.
void EbpfSource::drop_privileges() {
  passwd pw{}, *res = nullptr;
  char buf[4096];
  if (getpwnam_r(cfg_.run_as.c_str(), &pw, buf, sizeof buf, &res) != 0 || !res) {
    detach();
    throw Error("capture: -Z " + cfg_.run_as + ": no such user");
  }
  auto fail = [&](const char* what) {
    int e = errno;
    detach();
    throw Error("capture: -Z " + cfg_.run_as + ": " + what + ": " + std::strerror(e));
  };
  if (prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L) != 0) fail("keeping capabilities");
  if (initgroups(pw.pw_name, pw.pw_gid) != 0) fail("initgroups");
  if (setgid(pw.pw_gid) != 0) fail("setgid");
  if (setuid(pw.pw_uid) != 0) fail("setuid");
  constexpr int kCapNetAdmin = 12;
  __user_cap_header_struct h{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct d[2]{};
  d[0].effective = d[0].permitted = 1u << kCapNetAdmin;
  if (syscall(SYS_capset, &h, d) != 0) fail("keeping CAP_NET_ADMIN");
}

void EbpfSource::fill_user(ProcessInfo& pi) {
  if (pi.uid < 0) return;
  auto it = user_names_.find(pi.uid);
  if (it == user_names_.end()) {
    // Resolved now, on this host: a file read elsewhere keeps the name.
    passwd pw{}, *res = nullptr;
    char buf[1024];
    std::string name;
    if (getpwuid_r(static_cast<uid_t>(pi.uid), &pw, buf, sizeof buf, &res) == 0 && res) name = res->pw_name;
    it = user_names_.emplace(pi.uid, name).first;
  }
  pi.user_name = it->second;
}

void EbpfSource::encode_packet(const strato_packet& p, const uint8_t* bytes) {
  static const std::shared_ptr<const ProcessInfo> kNoProcess;
  Pending* e = fresh(p.owned ? &process_for(p.owner.tgid, p.owner.tid, -1, p.owner.uid, p.owner.cgroup_id, p.owner.comm)
                             : &kNoProcess);
  e->ts_ns = p.ts + boot_to_epoch_ns_;
  e->bytes.assign(bytes, bytes + p.caplen);
  e->ifindex = static_cast<int>(p.ifindex);
  e->orig_len = p.len;
  e->epb_flags = p.egress ? 2 : 1;  // pcapng epb_flags direction: outbound / inbound
  push(e);
}

const std::shared_ptr<const ProcessInfo>& EbpfSource::process_for(uint32_t pid, uint32_t tid, int64_t ppid, uint32_t uid,
                                                           uint64_t cgroup_id, const char (&comm)[16]) {
  CachedProcess* cached = last_proc_ && last_tid_ == tid ? last_proc_ : nullptr;
  if (!cached) {
    auto it = proc_cache_.find(tid);
    if (it != proc_cache_.end()) {
      cached = &it->second;
      last_tid_ = tid;
      last_proc_ = cached;
    }
  }
  if (cached) {
    const ProcessInfo& c = *cached->info;
    auto same_comm = [&] {
      if (cached->padded && std::memcmp(cached->comm, comm, sizeof cached->comm) == 0) return true;
      const size_t n = strnlen(comm, 16);
      return c.comm.size() == n && std::memcmp(c.comm.data(), comm, n) == 0;
    };
    if (c.pid == pid && c.uid == uid && c.cgroup_id == cgroup_id && (ppid < 0 || c.ppid == ppid) && same_comm())
      return cached->info;
  }
  const size_t comm_len = strnlen(comm, 16);
  auto pi = std::make_shared<ProcessInfo>();
  pi->pid = pid;
  pi->tid = tid;
  pi->ppid = ppid;
  pi->uid = uid;
  pi->cgroup_id = cgroup_id;
  pi->comm.assign(comm, comm_len);
  if (const ProcessEntry* pe = procs_.find(pid)) {
    if (ppid < 0) pi->ppid = pe->ppid;
    pi->exe = pe->exe;
    pi->args = pe->args;
    pi->container_id = pe->container_id;
    pi->cgroup_path = pe->cgroup_path;
    if (pi->comm.empty()) pi->comm = pe->comm;
  }
  if (const std::string* path = cgroups_.find(cgroup_id)) {
    pi->cgroup_path = *path;
    pi->container_id = ProcessTable::container_from_cgroup(*path);
  }
  fill_user(*pi);
  if (proc_cache_.size() > 65536) proc_cache_.clear();  // bounded; rebuilt on demand
  CachedProcess& slot = proc_cache_[tid];
  slot.info = pi;
  slot.padded = pi->comm.size() <= sizeof slot.comm && pi->comm.find('\0') == std::string::npos;
  std::memset(slot.comm, 0, sizeof slot.comm);
  if (slot.padded) std::memcpy(slot.comm, pi->comm.data(), pi->comm.size());
  last_tid_ = tid;
  last_proc_ = &slot;
  return slot.info;
}

}  // namespace strato::ebpf
