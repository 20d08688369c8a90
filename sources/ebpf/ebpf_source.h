#pragma once
// The "ebpf" source: live syscall and process-lifecycle events from BPF
// programs on the syscall and sched tracepoints, delivered through a ring
// buffer and turned into scap-encoded events (strato/syscall_event.h).
#include <atomic>
#include <boost/lockfree/spsc_queue.hpp>
#include <memory>
#include <queue>
#include <thread>
#include <unordered_map>
#include <string>
#include <vector>

#include "cgroup_filter.h"
#include "cgroup_names.h"
#include "fd_table.h"
#include "inline_text.h"
#include "packet_capture.h"
#include "process_table.h"
#include "strato/source.h"
#include "strato/syscall_event.h"
#include "syscall_table.h"
#include "time_order.h"

struct strato_syscalls;
struct bpf_link;

namespace strato::ebpf {

class RingReader;

struct EbpfConfig {
  std::string syscalls;  // --syscalls list (empty: all)
  int64_t pid = 0;       // 0: any
  std::string comm;
  uint32_t snaplen = 80;          // bytes of syscall I/O data
  bool syscalls_on = true;        // capture syscall events (off: packets only)
  std::vector<std::string> interfaces;  // -i: names or "any"; empty: no packets
  std::string packet_filter;      // -f, run in the kernel
  uint32_t packet_snaplen = 262144;
  uint64_t buffer_bytes = 0;      // -B: ring buffer size (0: 16 MiB)
  std::string run_as;             // -Z USER: drop root once attached
  static constexpr uint32_t kAutoRings = ~0u;
  uint32_t cpus_per_ring = kAutoRings;  // one ring buffer per this many CPUs (0: one ring; kAutoRings: see load_and_attach)
  std::string cgroup;             // --cgroup PATH (v2, descendants included)
  std::string container;          // --container ID
};

class EbpfSource : public Source, private Batch::Lender {
 public:
  explicit EbpfSource(EbpfConfig cfg);
  ~EbpfSource() override;
  void open() override;
  // What -i takes, as tshark -D: the syscall stream, every network interface, "any".
  std::vector<InterfaceInfo> list_interfaces() override;
  bool read(Batch& batch, size_t max_events) override;
  const std::vector<InterfaceInfo>& interfaces() const override { return ifaces_; }
  SourceStats stats() const override;

  // Called by the ring buffer for each record.
  int on_record(const void* data, size_t size);

 private:
  void resolve_interfaces();  // -i numbers and "syscalls", from the -D list
  void load_and_attach();
  void detach();
  void detach_programs();
  void start_reader();
  void stop_reader();
  void reader_loop();
  int64_t reader_pass();
  // A capture of packets with no syscall stream: one ring per CPU, read by the engine.
  bool packets_alone() const { return selected_.empty() && !cfg_.interfaces.empty(); }
  void drop_privileges();
  // drained_before: boot-time ns before which the rings are read (~0: all).
  void take_pending(Batch& batch, size_t max_events, uint64_t drained_before);
  void encode_syscall(const struct strato_event& r, const SyscallDef& def, const scap::EventInfo& info);
  void encode_proc(const struct strato_event& r);
  using Comment = InlineText<112>;
  void track_fd(const struct strato_event& r, const SyscallDef& def, Comment& comment);
  void encode_packet(const struct strato_packet& p, const uint8_t* bytes);
  void seed_socket_owners();
  void resolve_cgroup_filter();
  void seed_cgroup_filter();  // the selected cgroups that exist now, into the kernel's set
  void open_rings();
  uint32_t ring_bytes(uint32_t rings) const;
  bool split_buffer_ = false;  // the default 16 MiB is shared out among the rings
  void fill_user(ProcessInfo& pi);
  // The thread's ProcessInfo, shared by its events until something about it
  // changes (exec, fork, exit, a new comm or uid). ppid < 0: from /proc.
  // The cached entry: valid until the next call.
  const std::shared_ptr<const ProcessInfo>& process_for(uint32_t pid, uint32_t tid, int64_t ppid, uint32_t uid,
                                                 uint64_t cgroup_id, const char (&comm)[16]);
  void forget_process(uint32_t pid) {
    if (last_proc_ && last_tid_ == pid) last_proc_ = nullptr;
    proc_cache_.erase(pid);
  }

  EbpfConfig cfg_;
  // Per syscall number: what on_record would otherwise search for each record.
  struct NrEntry {
    const SyscallDef* def = nullptr;
    const scap::EventInfo* info = nullptr;
  };
  std::vector<NrEntry> by_nr_;
  std::vector<const SyscallDef*> selected_;
  bool want_proc_events_ = false;
  strato_syscalls* skel_ = nullptr;
  std::unique_ptr<RingReader> rings_;
  std::vector<bpf_link*> links_;
  std::vector<InterfaceInfo> ifaces_;
  ProcessTable procs_;
  CgroupNames cgroups_{cgroup2_mount()};
  FdTable fds_;
  int64_t boot_to_epoch_ns_ = 0;

  struct Pending {
    uint64_t ts_ns, latency_ns;
    uint32_t iface = 0, link_type = 0, orig_len = 0, epb_flags = 0;
    int ifindex = -1;  // packets: the kernel's interface, mapped to `iface` by the engine thread
    std::vector<uint8_t> bytes;
    std::shared_ptr<const ProcessInfo> proc;
    Comment comment;  // last: the inline text is the largest part
  };
  // The reader thread drains the ring buffer into `queue_` so that a slow
  // consumer costs user-space drops (counted) rather than stalling the ring.
  // Entries carry the time and arrival order (to keep equal timestamps in
  // order), so sorting them does not touch the records themselves.
  static constexpr size_t kQueued = 1 << 16;
  boost::lockfree::spsc_queue<TimeOrder<Pending>::Item> queue_{kQueued};
  // At most this many drained records wait in `held_`; the rest stay queued.
  static constexpr size_t kMaxHeld = 1 << 17;
  // Used records go back to the reader, which refills them: their strings
  // and vectors keep their capacity, so steady state allocates nothing.
  // Records handed out are lent to the engine's batches (not copied), and
  // come back through give_back() when a batch is reused: at most the
  // batches in flight times their size, which this bounds generously.
  static constexpr size_t kLent = 1 << 16;
  // Room for every record that can exist at once (queued, held, lent, the
  // spare and the one being taken), so none is ever freed only to be made
  // again.
  boost::lockfree::spsc_queue<Pending*> recycle_{kQueued + kMaxHeld + kLent + 4};
  void give_back(void* loan) override { recycle(static_cast<Pending*>(loan)); }
  Pending* fresh(const std::shared_ptr<const ProcessInfo>* proc = nullptr);
  Pending* next_recycled();
  static constexpr size_t kAhead = 4;
  Pending* ahead_[kAhead] = {};  // the next records next_recycled() hands out
  void recycle(Pending* p);
  static void set_proc(Pending& p, const std::shared_ptr<const ProcessInfo>& info) {
    if (p.proc != info) p.proc = info;
  }
  static constexpr size_t kKeptBytes = 16 << 10;
  // One record the reader filled in vain (type not encoded, queue full),
  // handed out again by the next fresh().
  Pending* spare_ = nullptr;
  void spare(Pending* p) {
    if (spare_) delete spare_;
    spare_ = p;
  }
  std::thread reader_;
  std::vector<int> ring_fds_;
  std::atomic<bool> reader_stop_{false};
  size_t queue_room_ = 0;      // reader: free queue slots last seen (a lower bound)
  bool final_drain_ = false;   // the last pass after detaching: nothing is left behind
  std::vector<TimeOrder<Pending>::Item> final_overflow_;  // what that pass could not queue
  std::atomic<uint64_t> drained_before_{0};  // boot ns: records committed earlier have been read
  std::atomic<uint64_t> received_{0}, user_drops_{0};
  std::atomic<int> reader_error_{0};
  void push(Pending* p);
  // Records drained from the queue, earliest first: CPUs and rings deliver
  // slightly out of order, so the newest are held a moment before leaving.
  TimeOrder<Pending> held_;
  uint64_t next_seq_ = 0;
  strato_event record_{};  // the record being decoded (reader thread)
  SourceStats stats_;
  uint64_t kernel_drops_ = 0;
  bool finished_ = false;
  std::unique_ptr<PacketHooks> hooks_;
  bool cgroup_on_ = false;
  CgroupFilter cgroup_;
  std::string cgroup_mount_;
  static constexpr uint32_t kMaxFilterCgroups = 65536;
  std::unordered_map<int64_t, std::string> user_names_;
  struct CachedProcess {
    std::shared_ptr<const ProcessInfo> info;
    // info->comm padded with NULs, so a record whose comm is the same
    // (the kernel pads it too) matches in one 16-byte compare.
    char comm[16];
    bool padded = false;
  };
  std::unordered_map<uint32_t, CachedProcess> proc_cache_;  // by tid
  // The last thread looked up (map nodes stay put until erased).
  uint32_t last_tid_ = 0;
  CachedProcess* last_proc_ = nullptr;
  const char* attach_kind_ = "";
};

}  // namespace strato::ebpf
