#pragma once
// Reads BPF ring buffers straight from their mappings. libbpf's reader
// publishes the consumer position after every record, and every
// reservation on a writing CPU reads that cache line: at millions of
// records a second the line moves between cores each time. This reader
// publishes once per kPublishEvery records and at the end of each pass.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace strato::ebpf {

class RingReader {
 public:
  // Same shape as libbpf's ring_buffer_sample_fn; a negative result stops the pass.
  // kLeave stops it too but leaves the record in the ring, for the next pass:
  // a full queue downstream then waits in the (larger) kernel ring, whose
  // overflow the kernel counts, instead of being dropped here.
  using Callback = int (*)(void* ctx, void* data, size_t size);
  static constexpr int kLeave = 1;

  RingReader(Callback cb, void* ctx) : cb_(cb), ctx_(ctx) {}
  ~RingReader();
  RingReader(const RingReader&) = delete;
  RingReader& operator=(const RingReader&) = delete;

  // Maps the ring `map_fd` of `size` bytes (a power of two). -errno on failure.
  int add(int map_fd, uint32_t size);
  // Waits up to `timeout_ms` for a writer's wakeup. -errno on failure.
  int poll(int timeout_ms);
  // Reads every ring until it is empty. The records read, or -errno.
  int64_t consume();
  // Whether the last consume() left records behind (kLeave).
  bool left_some() const { return left_some_; }
  // The ring whose record the callback is given, in the order add() saw them.
  uint32_t current() const { return current_; }

  static constexpr int kPublishEvery = 64;

 private:
  struct Ring {
    void* consumer = nullptr;  // the consumer page (read-write)
    void* producer = nullptr;  // the producer page, then the data mapped twice (read-only)
    size_t producer_len = 0;
    uint64_t mask = 0;
  };
  int64_t consume(Ring& r);

  Callback cb_;
  void* ctx_;
  int epoll_fd_ = -1;
  std::vector<Ring> rings_;
  size_t page_ = 0;
  bool left_some_ = false;
  uint32_t current_ = 0;
};

}  // namespace strato::ebpf
