#pragma once
// One small parallel-for for the library's independent loops (a fit's outcomes, a batch's
// photos): items handed out one at a time from a shared counter, so that uneven items balance.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace smpshade::detail {

/// The threads to use for `threads` (0 or less: every core), never more than `items`.
inline unsigned worker_count(int threads, std::size_t items) {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const unsigned wanted = threads > 0 ? static_cast<unsigned>(threads) : cores;
  return static_cast<unsigned>(std::max<std::size_t>(1, std::min<std::size_t>(wanted, items)));
}

/// Calls `body(i)` for every i in [0, n) on up to `threads` threads (0: every core); the calling
/// thread is one of them. The first exception a body throws is rethrown here once all have
/// stopped; the items not yet started are then skipped.
template <typename Body>
void parallel_for(std::size_t n, int threads, const Body& body) {
  const unsigned workers = worker_count(threads, n);
  if (workers <= 1) {
    for (std::size_t i = 0; i < n; ++i) body(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr first_error;
  std::mutex error_mutex;
  auto work = [&] {
    for (std::size_t i; !failed && (i = next.fetch_add(1)) < n;) {
      try {
        body(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!first_error) first_error = std::current_exception();
        failed = true;
      }
    }
  };
  std::vector<std::thread> helpers;
  helpers.reserve(workers - 1);
  for (unsigned t = 1; t < workers; ++t) helpers.emplace_back(work);
  work();
  for (std::thread& helper : helpers) helper.join();
  if (first_error) std::rethrow_exception(first_error);
}

}  // namespace smpshade::detail
