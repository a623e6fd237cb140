#pragma once
// Memory for buffers the size of a photo: its file's bytes, the measurement's sample grid, a
// kept image.
//
// Why not plain std::vector: memory the process touches for the first time comes in 4 KiB
// pages, a fault each. On the virtual machines smp-measure is benchmarked on (paravirtualised
// AMD EPYC) a fault costs about 15 µs, so a 5 MB file and a 9 MB sample grid cost some 50 ms
// in faults alone: more than a third of decoding the 12-megapixel JPEG they come from.
// Transparent huge pages in "madvise" mode (Debian's kernel default) give a range marked
// MADV_HUGEPAGE 2 MiB pages: 512 times fewer faults. Small buffers, and systems where the
// advice is not taken, get ordinary pages; nothing else changes.

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <new>
#include <vector>

namespace smpshade::detail {

/// Allocates whole 2 MiB-aligned huge-page ranges for requests of 1 MiB or more, the heap's
/// pages otherwise. Stateless: any two compare equal.
template <typename T>
struct HugePageAllocator {
  using value_type = T;
  static constexpr std::size_t kHugePage = std::size_t{2} << 20;
  static constexpr std::size_t kThreshold = std::size_t{1} << 20;

  HugePageAllocator() noexcept = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}

  static std::size_t mapped_length(std::size_t bytes) {
    return (bytes + kHugePage - 1) / kHugePage * kHugePage;
  }

  T* allocate(std::size_t n) {
    if (n > SIZE_MAX / sizeof(T)) throw std::bad_alloc();
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kThreshold) return static_cast<T*>(::operator new(bytes));
    const std::size_t length = mapped_length(bytes);
    // Map one huge page more than needed and trim both ends, so that the range starts on a
    // 2 MiB boundary (the kernel maps huge pages only on aligned ranges).
    void* raw = ::mmap(nullptr, length + kHugePage, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) throw std::bad_alloc();
    const auto start = reinterpret_cast<std::uintptr_t>(raw);
    const std::uintptr_t aligned = (start + kHugePage - 1) / kHugePage * kHugePage;
    if (aligned > start) ::munmap(raw, aligned - start);
    const std::size_t tail = (start + length + kHugePage) - (aligned + length);
    if (tail > 0) ::munmap(reinterpret_cast<void*>(aligned + length), tail);
    ::madvise(reinterpret_cast<void*>(aligned), length, MADV_HUGEPAGE);  // advice: may be ignored
    return reinterpret_cast<T*>(aligned);
  }

  void deallocate(T* p, std::size_t n) noexcept {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kThreshold) {
      ::operator delete(p);
      return;
    }
    ::munmap(p, mapped_length(bytes));
  }

  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const noexcept {
    return true;
  }
  template <typename U>
  bool operator!=(const HugePageAllocator<U>&) const noexcept {
    return false;
  }
};

/// Bytes of a photo's size.
using LargeBytes = std::vector<unsigned char, HugePageAllocator<unsigned char>>;

}  // namespace smpshade::detail
