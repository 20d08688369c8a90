#include "ring_reader.h"

#include <linux/bpf.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

namespace strato::ebpf {

namespace {

uint64_t load_acquire(const void* p) {
  return std::atomic_ref<const uint64_t>(*static_cast<const uint64_t*>(p)).load(std::memory_order_acquire);
}

uint32_t load_acquire32(const void* p) {
  return std::atomic_ref<const uint32_t>(*static_cast<const uint32_t*>(p)).load(std::memory_order_acquire);
}

void store_release(void* p, uint64_t v) {
  std::atomic_ref<uint64_t>(*static_cast<uint64_t*>(p)).store(v, std::memory_order_release);
}

}  // namespace

RingReader::~RingReader() {
  for (Ring& r : rings_) {
    if (r.consumer) munmap(r.consumer, page_);
    if (r.producer) munmap(r.producer, r.producer_len);
  }
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

int RingReader::add(int map_fd, uint32_t size) {
  if (!page_) page_ = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  if (epoll_fd_ < 0) {
    epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
    if (epoll_fd_ < 0) return -errno;
  }
  Ring r;
  r.mask = size - 1;
  r.consumer = mmap(nullptr, page_, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
  if (r.consumer == MAP_FAILED) return -errno;
  // The data follows the producer page twice over, so a record that wraps
  // around the end is still contiguous.
  r.producer_len = page_ + 2 * size_t(size);
  r.producer = mmap(nullptr, r.producer_len, PROT_READ, MAP_SHARED, map_fd, static_cast<off_t>(page_));
  if (r.producer == MAP_FAILED) {
    int e = errno;
    munmap(r.consumer, page_);
    return -e;
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u32 = static_cast<uint32_t>(rings_.size());
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, map_fd, &ev) != 0) {
    int e = errno;
    munmap(r.consumer, page_);
    munmap(r.producer, r.producer_len);
    return -e;
  }
  rings_.push_back(r);
  return 0;
}

int RingReader::poll(int timeout_ms) {
  epoll_event evs[16];
  int n = epoll_wait(epoll_fd_, evs, 16, timeout_ms);
  return n < 0 ? -errno : n;
}

int64_t RingReader::consume() {
  left_some_ = false;
  int64_t total = 0;
  for (size_t i = 0; i < rings_.size(); ++i) {
    current_ = static_cast<uint32_t>(i);
    int64_t n = consume(rings_[i]);
    if (n < 0) return n;
    total += n;
  }
  return total;
}

int64_t RingReader::consume(Ring& r) {
  const uint8_t* data = static_cast<const uint8_t*>(r.producer) + page_;
  uint64_t cons = load_acquire(r.consumer);
  int64_t count = 0;
  int unpublished = 0;
  bool more = true;
  while (more) {
    more = false;
    const uint64_t prod = load_acquire(r.producer);
    while (cons < prod) {
      const uint8_t* rec = data + (cons & r.mask);
      const uint32_t len = load_acquire32(rec);
      if (len & BPF_RINGBUF_BUSY_BIT) {
        more = false;  // the writer has not committed it yet: next pass
        break;
      }
      more = true;
      const uint32_t body = len & ~(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
      const uint64_t next = cons + ((uint64_t(body) + BPF_RINGBUF_HDR_SZ + 7) & ~uint64_t(7));
      if (!(len & BPF_RINGBUF_DISCARD_BIT)) {
        int err = cb_(ctx_, const_cast<uint8_t*>(rec) + BPF_RINGBUF_HDR_SZ, body);
        if (err == kLeave) {
          store_release(r.consumer, cons);
          left_some_ = true;
          return count;
        }
        if (err < 0) {
          store_release(r.consumer, next);
          return err;
        }
        ++count;
      }
      cons = next;
      if (++unpublished == kPublishEvery) {
        store_release(r.consumer, cons);
        unpublished = 0;
      }
    }
    if (unpublished) {
      store_release(r.consumer, cons);
      unpublished = 0;
    }
  }
  return count;
}

}  // namespace strato::ebpf
