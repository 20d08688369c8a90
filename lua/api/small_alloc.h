#pragma once
// The allocator of one Lua state. A dissector call makes a handful of small
// objects (TvbRange, TreeItem, strings) that die within the packet; with
// malloc that was an eighth of strato's time. A state is only ever used by
// one thread at a time, so size-classed free lists need no locking.
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace strato::lua {

class SmallAlloc {
 public:
  SmallAlloc() = default;
  SmallAlloc(const SmallAlloc&) = delete;
  SmallAlloc& operator=(const SmallAlloc&) = delete;
  ~SmallAlloc() {
    for (void* c : chunks_) std::free(c);
  }

  // lua_Alloc: Lua passes the block's exact size as osize when ptr is set.
  static void* lua_alloc(void* ud, void* ptr, size_t osize, size_t nsize) {
    auto* a = static_cast<SmallAlloc*>(ud);
    if (nsize == 0) {
      if (ptr) a->release(ptr, osize);
      return nullptr;
    }
    if (!ptr) return a->get(nsize);
    if (cls(osize) == cls(nsize) && osize <= kMax && nsize <= kMax) return ptr;
    if (osize > kMax && nsize > kMax) return std::realloc(ptr, nsize);
    void* n = a->get(nsize);
    if (!n) return nullptr;
    std::memcpy(n, ptr, osize < nsize ? osize : nsize);
    a->release(ptr, osize);
    return n;
  }

 private:
  static constexpr size_t kGrain = 16, kMax = 512, kChunk = 64 * 1024;
  static size_t cls(size_t n) { return (n + kGrain - 1) / kGrain; }
  struct Free {
    Free* next;
  };

  void* get(size_t n) {
    if (n > kMax) return std::malloc(n);
    size_t c = cls(n);
    if (Free* f = free_[c]) {
      free_[c] = f->next;
      return f;
    }
    size_t bytes = c * kGrain;
    if (left_ < bytes) {
      void* chunk = std::malloc(kChunk);
      if (!chunk) return nullptr;
      chunks_.push_back(chunk);
      cur_ = static_cast<char*>(chunk);
      left_ = kChunk;  // the tail of the previous chunk is given up
    }
    void* p = cur_;
    cur_ += bytes;
    left_ -= bytes;
    return p;
  }

  void release(void* p, size_t n) {
    if (n > kMax) return std::free(p);
    size_t c = cls(n);
    auto* f = static_cast<Free*>(p);
    f->next = free_[c];
    free_[c] = f;
  }

  Free* free_[kMax / kGrain + 1] = {};
  std::vector<void*> chunks_;
  char* cur_ = nullptr;
  size_t left_ = 0;
};

}  // namespace strato::lua
