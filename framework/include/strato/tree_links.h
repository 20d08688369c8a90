#pragma once
// Children lists of one dissection as first-child/next-sibling links, for
// sinks that walk the tree (-V, json, ek); kept per thread by them so that
// steady-state formatting does not allocate.
#include <cstdint>
#include <vector>

#include "strato/event.h"

namespace strato {

struct TreeLinks {
  std::vector<int32_t> first, next, last;
  int32_t root_first = -1, root_last = -1;

  void build(const std::vector<FieldValue>& f) {
    size_t n = f.size();
    first.assign(n, -1);
    next.assign(n, -1);
    last.assign(n, -1);
    root_first = root_last = -1;
    for (size_t i = 0; i < n; ++i) {
      int32_t p = f[i].parent;
      // A parent must come before its children; anything else is treated as
      // a root so that a bad index can never make a cycle.
      if (p >= 0 && size_t(p) < i) {
        if (last[p] < 0) first[p] = int32_t(i); else next[last[p]] = int32_t(i);
        last[p] = int32_t(i);
      } else {
        if (root_last < 0) root_first = int32_t(i); else next[root_last] = int32_t(i);
        root_last = int32_t(i);
      }
    }
  }
};

}  // namespace strato
