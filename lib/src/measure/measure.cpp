// smp-measure's engine: decode, colour-manage, exclude, split and summarise, one photo at a time
// or many at once.
//
// One photo, without --split: a single streaming pass, and the image is never held whole. The
// decoder fills a ring of row bands; the calling thread processes them, and so does the
// decoding thread whenever it would otherwise wait for room. Per pixel: three table look-ups
// give XYZ; code counts give the region's exact sum; the pixels that could be highlights go
// into the (lightness, whiteness) exclusion grid with exact sums; the pixels of a regular
// sub-grid are converted to Lab for the sample. The highlight rule, found from the sample when
// the image is done, falls on the grid's bin edges, so the grid gives exact sums of what it
// excludes.
// With --split (or when pixel classes are asked for) the image is kept, the sample is taken as
// it is decoded, the clusters are found from the sample, and a second pass over every pixel,
// on all threads, classifies and sums.
#include "smpshade/measure.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <map>
#include <mutex>
#include <new>
#include <thread>

#include "measure/internal.hpp"
#include "smpshade/difference.hpp"
#include "smpshade/error.hpp"

namespace smpshade {

namespace detail {
namespace {

// The median, p10, p90 and sd come from every pixel of regions up to this size, and from a
// regular grid of at least this many pixels of larger ones: the standard error of a median is
// about 1.25 σ / √n, 0.01 L* for skin's σ of 4, and Lab for every pixel of a 12-megapixel photo
// would cost more than decoding it.
constexpr std::uint64_t kSampleTarget = 300000;
constexpr int kBandRows = 16;  // a JPEG iMCU row of 4:2:0 data
constexpr int kRingBands = 8;

int sample_stride(std::uint64_t pixels) {
  const auto s =
      static_cast<int>(std::floor(std::sqrt(static_cast<double>(pixels) / kSampleTarget)));
  return std::max(1, s);
}

// What one thread of the first pass gathers for one region; the two threads' parts are added
// up when the image is done (integer sums and counts, so in any order).
struct PassOnePart {
  std::uint64_t clipped = 0;
  SampleHistograms histograms;  // of this part's sample pixels
  // Streaming only. Every unclipped pixel is counted per code value and channel: for a
  // separable profile those counts give the exact sum of t. Only the pixels that could be
  // highlights go into the grid as well (see RegionWork::gate).
  std::unique_ptr<ExclusionGrid> grid;
  std::vector<std::uint32_t> code_counts;  // kCountCopies × 3 channels × codes
  XyzSum total;                            // non-separable profiles: summed pixel by pixel
};

// Everything one region gathers from a photo.
struct RegionWork {
  const RegionSpec* spec = nullptr;
  RegionPixels pixels;
  int stride = 1;        // sample grid: rows and columns divisible by it
  PassOnePart parts[2];  // [0]: the calling thread, [1]: the decoding thread when it helps
  // The sample grid's pixels in row order: each band writes its own stretch (clipped pixels
  // marked kNoSample and dropped when the image is done), so either thread can take any band.
  SampleGrid sample;
  std::vector<std::size_t> band_start;
  SampleHistograms histograms;  // of the sample
  // The candidate gate: every pixel goes into the grid until an eighth of the sample is known,
  // then those at least as light as its median (`candidate_bin`; tested on ty as `gate`).
  std::atomic<float> gate{-HUGE_VALF};
  int candidate_bin = 0;
  bool bound_set = false;
  std::uint64_t bound_after = 0;  // calling thread's sample size at which the gate is set
  HighlightRule highlights;
  SplitRule split;
  ChromaUnmixing unmix;             // --split on a subsampled JPEG: pass two reads unmixed rows
  std::vector<PixelClass> classes;  // displayed orientation, with keep_pixel_classes
};

// Sums of the second pass, one set per thread.
struct PassTwoSums {
  std::uint64_t clipped = 0;
  std::uint64_t hair_runs = 0;  // runs of hair pixels along rows: their mean length is a width
  XyzSum measured, highlight, hair, scalp, mixed, hair_highlight, scalp_highlight;
  void add(const PassTwoSums& o) {
    clipped += o.clipped;
    hair_runs += o.hair_runs;
    measured.add(o.measured), highlight.add(o.highlight), hair.add(o.hair);
    scalp.add(o.scalp), mixed.add(o.mixed), hair_highlight.add(o.hair_highlight);
    scalp_highlight.add(o.scalp_highlight);
  }
};

constexpr int kChunk = 256;  // pixels converted at once: their t stays in L1
// Code counts are kept in four interleaved copies so that runs of equal codes do not wait on
// one another's increments.
constexpr int kCountCopies = 4;
// The candidate bound is the median L* of the first eighth of the sample. The rule's threshold
// is at least 6 L* above the final median (and 3.5 robust standard deviations, which grow with
// any gradient of light), so only a photo whose median falls by more than that after its first
// eighth needs every pixel in the grid, and is measured again.

// A sample grid position whose pixel is clipped, dropped when the image is done.
constexpr std::uint8_t kNoSample = 0xff;

// A clipped pixel carries PixelColour::kClipped in its last lane.
inline bool clipped(const Vec4& t) { return t[3] > 2.0f; }

inline SamplePixel sample_pixel(const LabF& f, const LightnessBins& bins, const Vec4& t) {
  SamplePixel p;
  p.lab = lab_from_t(f, t[0], t[1], t[2]);
  p.t[0] = t[0], p.t[1] = t[1], p.t[2] = t[2];
  p.l_bin = static_cast<std::uint8_t>(bins(t[1]));
  p.w_bin = static_cast<std::uint8_t>(whiteness_bin(t[0], t[1], t[2]));
  return p;
}

// The streaming pass over one row of one region: every pixel counted, the highlight candidates
// into the exclusion grid, the sample grid's pixels into the sample.
template <typename Sample>
void stream_row(RegionWork& work, PassOnePart& part, SamplePixel*& sample,
                const PixelColour& colour, const Sample* row, int y, float gate) {
  const LightnessBins& bins = lightness_bins();
  const LabF& f = lab_f_table();
  const int s = work.stride;
  const bool sampled_row = y % s == 0;
  ExclusionGrid& grid = *part.grid;
  constexpr float kScale = LightnessBins::kSteps / LightnessBins::kTop;
  Vec4 t[kChunk];
  if (colour.separable()) {
    const Vec4* tr = colour.table(0);
    const Vec4* tg = colour.table(1);
    const Vec4* tb = colour.table(2);
    const FixedT* fr = colour.fixed_table(0);
    const FixedT* fg = colour.fixed_table(1);
    const FixedT* fb = colour.fixed_table(2);
    const std::size_t codes = colour.codes();
    std::uint32_t* counts = part.code_counts.data();
    const std::size_t copies = part.code_counts.size() / (3 * codes);
    std::uint64_t clipped_here = 0;
    for (const Span* span = work.pixels.begin(y); span != work.pixels.end(y); ++span) {
      const Sample* px = row + 3 * span->x0;
      for (int x = span->x0; x < span->x1; ++x, px += 3) {
        const Vec4 v = tr[px[0]] + tg[px[1]] + tb[px[2]];
        if (clipped(v)) {
          ++clipped_here;
          continue;
        }
        std::uint32_t* copy = counts + (static_cast<std::size_t>(x) & (copies - 1)) * 3 * codes;
        ++copy[px[0]];
        ++copy[codes + px[1]];
        ++copy[2 * codes + px[2]];
        if (!(v[1] * kScale >= gate)) continue;
        FixedT sum = fr[px[0]];
        sum += fg[px[1]];
        sum += fb[px[2]];
        grid.add(bins(v[1]), whiteness_bin(v[0], v[1], v[2]), sum);
      }
      if (!sampled_row) continue;
      for (int x = (span->x0 + s - 1) / s * s; x < span->x1; x += s) {
        const Sample* p = row + 3 * x;
        const Vec4 v = tr[p[0]] + tg[p[1]] + tb[p[2]];
        if (clipped(v)) {
          (sample++)->l_bin = kNoSample;
          continue;
        }
        *sample = sample_pixel(f, bins, v);
        part.histograms.add(*sample++);
      }
    }
    part.clipped += clipped_here;
    return;
  }
  // Other profiles: every pixel through LittleCMS, summed one by one.
  FixedT fixed[kChunk];
  for (const Span* span = work.pixels.begin(y); span != work.pixels.end(y); ++span) {
    for (int x0 = span->x0; x0 < span->x1; x0 += kChunk) {
      const int n = std::min(kChunk, span->x1 - x0);
      colour.convert(row + 3 * x0, n, 1, t, fixed);
      for (int i = 0; i < n; ++i) {
        const Vec4 v = t[i];
        if (clipped(v)) {
          ++part.clipped;
          continue;
        }
        part.total.add(fixed[i]);
        if (v[1] * kScale >= gate) grid.add(bins(v[1]), whiteness_bin(v[0], v[1], v[2]), fixed[i]);
      }
      if (!sampled_row) continue;
      for (int i = (x0 + s - 1) / s * s - x0; i < n; i += s) {
        if (clipped(t[i])) {
          (sample++)->l_bin = kNoSample;
          continue;
        }
        *sample = sample_pixel(f, bins, t[i]);
        part.histograms.add(*sample++);
      }
    }
  }
}

// Sets the candidate gate from the calling thread's sample so far, once that holds its share of
// an eighth of what the region will give (or 2000 pixels). Only the calling thread sets it.
void maybe_set_candidate_bound(RegionWork& work) {
  const SampleHistograms& h = work.parts[0].histograms;
  if (work.bound_set || h.n < work.bound_after) return;
  work.bound_set = true;
  std::uint64_t below = 0;
  std::size_t bin = 0;
  while (bin + 1 < h.l.size() && below + h.l[bin] <= h.n / 2) below += h.l[bin++];
  const float median = (static_cast<float>(bin) + 0.5f) / 100.0f - 1.0f;
  work.candidate_bin = std::max(0, static_cast<int>(median * kLBinsPerL));
  work.gate.store(lightness_bins().gate(work.candidate_bin), std::memory_order_relaxed);
}

// The first pass of a kept image: the sample grid's pixels only.
template <typename Sample>
void sample_row(RegionWork& work, PassOnePart& part, SamplePixel*& sample,
                const PixelColour& colour, const Sample* row, int y) {
  if (y % work.stride != 0) return;
  const LightnessBins& bins = lightness_bins();
  const LabF& f = lab_f_table();
  const int s = work.stride;
  Vec4 t[kChunk];
  for (const Span* span = work.pixels.begin(y); span != work.pixels.end(y); ++span) {
    const int first = (span->x0 + s - 1) / s * s;
    for (int x0 = first; x0 < span->x1; x0 += kChunk * s) {
      const int n = std::min(kChunk, (span->x1 - x0 + s - 1) / s);
      colour.convert(row + 3 * x0, n, s, t);
      for (int i = 0; i < n; ++i) {
        if (clipped(t[i])) {
          (sample++)->l_bin = kNoSample;
          continue;
        }
        *sample = sample_pixel(f, bins, t[i]);
        part.histograms.add(*sample++);
      }
    }
  }
}

// The second pass of a kept image: every pixel classified and summed.
template <typename Sample>
void classify_row(RegionWork& work, PassTwoSums& sums, const PixelColour& colour, const Sample* row,
                  int y, const ImageHeader& header, bool split) {
  const LightnessBins& bins = lightness_bins();
  const bool keep = !work.classes.empty();
  Vec4 t[kChunk];
  FixedT fixed[kChunk];
  for (const Span* span = work.pixels.begin(y); span != work.pixels.end(y); ++span) {
    bool in_run = false;
    for (int x0 = span->x0; x0 < span->x1; x0 += kChunk) {
      const int n = std::min(kChunk, span->x1 - x0);
      colour.convert(row + 3 * x0, n, 1, t, fixed);
      for (int i = 0; i < n; ++i) {
        const Vec4 v = t[i];
        const FixedT& sum = fixed[i];
        PixelClass cls = PixelClass::Clipped;
        if (clipped(v)) {
          ++sums.clipped;
        } else {
          const int lb = bins(v[1]), wb = whiteness_bin(v[0], v[1], v[2]);
          if (split) {
            bool in_hair = false;
            const float tv[3] = {v[0], v[1], v[2]};
            cls = work.split.classify(tv, lb, wb, in_hair);
            sums.hair_runs += cls == PixelClass::Hair && !in_run;
            in_run = cls == PixelClass::Hair;
            switch (cls) {
              case PixelClass::Hair:
                sums.hair.add(sum);
                break;
              case PixelClass::Scalp:
                sums.scalp.add(sum);
                break;
              case PixelClass::Mixed:
                sums.mixed.add(sum);
                break;
              default:
                (in_hair ? sums.hair_highlight : sums.scalp_highlight).add(sum);
                break;
            }
          } else if (work.highlights.excludes(lb, wb)) {
            cls = PixelClass::Highlight;
            sums.highlight.add(sum);
          } else {
            cls = PixelClass::Measured;
            sums.measured.add(sum);
          }
        }
        if (keep) {
          int dx = 0, dy = 0;
          displayed_pixel(x0 + i, y, header.info.orientation, header.stored_width,
                          header.stored_height, dx, dy);
          work.classes[static_cast<std::size_t>(dy) * static_cast<std::size_t>(header.info.width) +
                       static_cast<std::size_t>(dx)] = cls;
        }
      }
    }
  }
}

// Where the bands of rows go: a ring of kRingBands bands, or the whole image when it is kept.
struct BandStore {
  LargeBytes& storage;
  std::size_t stride;
  int height;
  bool keep_image;

  unsigned char* data(int b) const {
    const int first = keep_image ? b * kBandRows : (b % kRingBands) * kBandRows;
    return storage.data() + stride * static_cast<std::size_t>(first);
  }
  int rows(int b) const { return std::min(kBandRows, height - b * kBandRows); }
};

// decode_bands() with two threads: the decoding thread keeps up to kRingBands bands ahead (or
// the whole image when it is kept), and when it has to wait for room it processes a band itself
// (worker 1): the decoder is the longer chain, so the processing is shared and the two finish
// together.
template <typename Process>
void decode_bands_shared(ImageDecoder& decoder, const BandStore& store, int bands,
                         Process& process) {
  std::mutex mutex;
  std::condition_variable changed;
  int decoded = 0;      // bands decoded
  int claimed = 0;      // bands taken for processing, in order
  int oldest_open = 0;  // the oldest band not yet processed: its ring slot is still in use
  std::vector<char> finished(static_cast<std::size_t>(bands), 0);
  bool stop = false;
  std::exception_ptr failure;
  // Processes band `b` (claimed under the lock, which the caller holds and is released here).
  auto run_band = [&](std::unique_lock<std::mutex>& lock, int b, int worker) {
    lock.unlock();
    process(store.data(b), b, b * kBandRows, store.rows(b), worker);
    lock.lock();
    finished[static_cast<std::size_t>(b)] = 1;
    while (oldest_open < bands && finished[static_cast<std::size_t>(oldest_open)]) ++oldest_open;
    changed.notify_all();
  };
  std::thread producer([&] {
    std::unique_lock<std::mutex> lock(mutex);
    try {
      for (int b = 0; b < bands && !stop; ++b) {
        while (!stop && !store.keep_image && b - oldest_open >= kRingBands) {
          if (claimed < decoded) {
            run_band(lock, claimed++, 1);
          } else {
            changed.wait(lock);
          }
        }
        if (stop) break;
        lock.unlock();
        decoder.read_rows(store.data(b), store.stride, store.rows(b));
        lock.lock();
        decoded = b + 1;
        changed.notify_all();
      }
      // Decoding done: help with what is left.
      while (!stop && !store.keep_image && claimed < decoded) run_band(lock, claimed++, 1);
    } catch (...) {
      if (!lock.owns_lock()) lock.lock();
      failure = std::current_exception();
      stop = true;
      changed.notify_all();
    }
  });
  std::unique_lock<std::mutex> lock(mutex);
  try {
    for (;;) {
      changed.wait(lock, [&] { return stop || claimed < decoded || claimed == bands; });
      if (stop || claimed == bands) break;
      run_band(lock, claimed++, 0);
    }
    // Wait for the decoding thread's last bands.
    changed.wait(lock, [&] { return stop || oldest_open == bands; });
  } catch (...) {
    if (!lock.owns_lock()) lock.lock();
    stop = true;
    changed.notify_all();
    lock.unlock();
    producer.join();
    throw;
  }
  lock.unlock();
  producer.join();
  if (failure) std::rethrow_exception(failure);
}

// Decodes every row in bands and hands each band to `process(band, first_row, rows, worker)`,
// on one thread or, with `threads` of two or more, shared with the decoding thread.
template <typename Process>
void decode_bands(ImageDecoder& decoder, int threads, bool keep_image,
                  LargeBytes& storage, std::size_t& stride, Process process) {
  const int height = decoder.header().stored_height;
  const int bands = (height + kBandRows - 1) / kBandRows;
  stride = (decoder.row_bytes() + 63) / 64 * 64;
  const int rows_held = keep_image ? height : std::min(height, kRingBands * kBandRows);
  storage.resize(stride * static_cast<std::size_t>(rows_held));
  const BandStore store{storage, stride, height, keep_image};
  if (threads >= 2 && bands >= 2) {
    decode_bands_shared(decoder, store, bands, process);
    return;
  }
  for (int b = 0; b < bands; ++b) {
    decoder.read_rows(store.data(b), stride, store.rows(b));
    process(store.data(b), b, b * kBandRows, store.rows(b), 0);
  }
}

std::string percent_text(double share) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f%%", 100.0 * share);
  return text;
}

std::string file_extension(const std::string& path) {
  const std::string name = path.substr(path.find_last_of('/') + 1);
  const auto dot = name.find_last_of('.');
  if (dot == std::string::npos || dot == 0) return {};
  std::string extension = name.substr(dot + 1);
  for (char& c : extension) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return extension;
}

bool extension_matches(const std::string& extension, ImageFormat format) {
  switch (format) {
    case ImageFormat::Jpeg:
      return extension == "jpg" || extension == "jpeg" || extension == "jpe" || extension == "jfif";
    case ImageFormat::Png:
      return extension == "png";
    case ImageFormat::Tiff:
      return extension == "tif" || extension == "tiff";
    case ImageFormat::Heif:
      return extension == "heic" || extension == "heif" || extension == "hif" ||
             extension == "avif";
  }
  return false;
}

// FNV-1a: embedded profiles are recognised by their bytes, so a batch of photos from one
// camera builds its tables once.
std::string profile_key(const std::vector<unsigned char>& bytes) {
  std::uint64_t hash = 1469598103934665603ull;
  for (unsigned char c : bytes) hash = (hash ^ c) * 1099511628211ull;
  return "icc:" + std::to_string(hash) + ":" + std::to_string(bytes.size());
}

}  // namespace
}  // namespace detail

using namespace detail;

namespace detail {
namespace {

// Where a photo's rows come from: its file's bytes, decoded as they are measured, or a photo
// already decoded whole (for a PhotoProfileProvider), served again in stored order. The bytes
// are there in both cases (a JPEG's stored chroma planes are read from them).
struct PhotoSource {
  const unsigned char* data = nullptr;
  std::size_t size = 0;
  const Image* decoded = nullptr;
  std::vector<ImagePoint> found_chart;  // MeasureOptions::find_chart's card, left out

  std::unique_ptr<ImageDecoder> open(const std::string& name, std::uint64_t max_pixels) const {
    return decoded ? open_decoded(*decoded) : open_image(data, size, name, max_pixels);
  }
};

// The photo's colour: its tables, and what the chosen profile leaves out of the whole image.
struct ChosenProfile {
  std::shared_ptr<const PixelColour> colour;
  std::vector<ImagePoint> excluded;
};

// A kept image (pass one with --split or pixel classes): every stored row, `stride` bytes apart.
struct KeptRows {
  LargeBytes storage;
  std::size_t stride = 0;
};

// Warnings about the file itself: an unknown camera's JPEG, a name that says another format.
void add_file_warnings(const ImageHeader& header, const std::string& name, bool profile_given,
                       PhotoMeasurement& result) {
  if (!profile_given && header.info.format == ImageFormat::Jpeg && header.info.camera.empty()) {
    result.warnings.push_back(
        "8-bit JPEG from an unknown camera (no EXIF make or model): its tone curve and white "
        "balance are unknown; a profile from smp-calibrate fixes both");
  }
  const std::string extension = file_extension(name);
  if (!extension.empty() && !extension_matches(extension, header.info.format)) {
    result.warnings.push_back(std::string(image_format_name(header.info.format)) +
                              " data in a file named ." + extension);
  }
}

// Where each band's sample pixels go in RegionWork::sample: the sample grid positions of its
// rows, summed band by band.
void plan_sample(RegionWork& w, const ImageHeader& header) {
  const int bands = (header.stored_height + kBandRows - 1) / kBandRows;
  w.band_start.assign(static_cast<std::size_t>(bands) + 1, 0);
  for (int y = 0; y < header.stored_height; y += w.stride) {
    std::size_t n = 0;
    for (const Span* span = w.pixels.begin(y); span != w.pixels.end(y); ++span) {
      const int first = (span->x0 + w.stride - 1) / w.stride, last = (span->x1 - 1) / w.stride;
      if (last >= first) n += static_cast<std::size_t>(last - first + 1);
    }
    w.band_start[static_cast<std::size_t>(y / kBandRows) + 1] += n;
  }
  for (std::size_t b = 0; b < static_cast<std::size_t>(bands); ++b) {
    w.band_start[b + 1] += w.band_start[b];
  }
  w.sample.resize(w.band_start.back());
}

// The streaming pass's per-thread parts: the exclusion grids, the code counts, and when the
// candidate gate is set (never with `full_grid`).
void plan_stream(RegionWork& w, const PixelColour& colour, int threads, bool full_grid) {
  for (int k = 0; k < (threads > 1 ? 2 : 1); ++k) {
    w.parts[k].grid = std::make_unique<ExclusionGrid>();
    if (colour.separable()) {
      const std::size_t copies = colour.bits() == 16 ? 1 : kCountCopies;
      w.parts[k].code_counts.assign(copies * 3 * colour.codes(), 0);
    }
  }
  const std::uint64_t expected = w.pixels.count / (static_cast<std::uint64_t>(w.stride) * w.stride);
  // With two threads the calling thread sees about half of the early sample.
  w.bound_after =
      full_grid ? UINT64_MAX : std::max<std::uint64_t>(2000, expected / (threads > 1 ? 16 : 8));
}

// Pass one: decode, and stream (every pixel counted) or sample (a kept image) as rows arrive.
void pass_one(ImageDecoder& decoder, std::vector<RegionWork>& work, const PixelColour& colour,
              int threads, bool keep_image, KeptRows& kept) {
  const bool wide = decoder.bits() == 16;
  const std::size_t& stride = kept.stride;
  decode_bands(decoder, threads, keep_image, kept.storage, kept.stride,
               [&](const unsigned char* band, int b, int first_row, int rows, int worker) {
                 for (RegionWork& w : work) {
                   PassOnePart& part = w.parts[worker];
                   SamplePixel* sample =
                       w.sample.data() + w.band_start[static_cast<std::size_t>(b)];
                   const float gate = w.gate.load(std::memory_order_relaxed);
                   for (int r = 0; r < rows; ++r) {
                     const unsigned char* row = band + stride * static_cast<std::size_t>(r);
                     const int y = first_row + r;
                     if (wide) {
                       const auto* samples = reinterpret_cast<const std::uint16_t*>(row);
                       keep_image ? sample_row(w, part, sample, colour, samples, y)
                                  : stream_row(w, part, sample, colour, samples, y, gate);
                     } else {
                       keep_image ? sample_row(w, part, sample, colour, row, y)
                                  : stream_row(w, part, sample, colour, row, y, gate);
                     }
                   }
                   if (!keep_image && worker == 0) maybe_set_candidate_bound(w);
                 }
               });
}

// After pass one: the two threads' histograms added up, and the sample in row order without
// the clipped positions.
void merge_pass_one(std::vector<RegionWork>& work) {
  for (RegionWork& w : work) {
    w.sample.erase(std::remove_if(w.sample.begin(), w.sample.end(),
                                  [](const SamplePixel& p) { return p.l_bin == kNoSample; }),
                   w.sample.end());
    for (const PassOnePart& part : w.parts) {
      for (std::size_t i = 0; i < w.histograms.l.size(); ++i)
        w.histograms.l[i] += part.histograms.l[i];
      for (std::size_t i = 0; i < w.histograms.a.size(); ++i)
        w.histograms.a[i] += part.histograms.a[i];
      for (std::size_t i = 0; i < w.histograms.b.size(); ++i)
        w.histograms.b[i] += part.histograms.b[i];
      for (std::size_t i = 0; i < w.histograms.w.size(); ++i)
        w.histograms.w[i] += part.histograms.w[i];
      w.histograms.n += part.histograms.n;
    }
  }
}

// Row `y` of a region with its chroma unmixed, span by span.
void unmix_region_row(const RegionWork& w, const JpegPlanes& planes, const unsigned char* stored,
                      unsigned char* out, int y) {
  for (const Span* span = w.pixels.begin(y); span != w.pixels.end(y); ++span) {
    unmix_row(w.unmix, planes, stored, out, y, span->x0, span->x1);
  }
}

// Pass two (kept image): every pixel classified, rows shared among the threads.
std::vector<PassTwoSums> pass_two(std::vector<RegionWork>& work, const PixelColour& colour,
                                  const KeptRows& kept, const ImageHeader& header, int threads,
                                  bool split, const JpegPlanes& planes) {
  const bool wide = header.info.bits == 16;
  const int height = header.stored_height;
  const int parts = std::min(threads, height);
  std::vector<std::vector<PassTwoSums>> partial(static_cast<std::size_t>(parts),
                                                std::vector<PassTwoSums>(work.size()));
  auto run = [&](int part) {
    const int y0 = static_cast<int>(static_cast<long long>(height) * part / parts);
    const int y1 = static_cast<int>(static_cast<long long>(height) * (part + 1) / parts);
    std::vector<unsigned char> unmixed;
    for (int y = y0; y < y1; ++y) {
      const unsigned char* stored = kept.storage.data() + kept.stride * static_cast<std::size_t>(y);
      for (std::size_t i = 0; i < work.size(); ++i) {
        PassTwoSums& s = partial[static_cast<std::size_t>(part)][i];
        const unsigned char* row = stored;
        if (work[i].unmix.active) {
          unmixed.resize(kept.stride);
          unmix_region_row(work[i], planes, stored, unmixed.data(), y);
          row = unmixed.data();
        }
        if (wide) {
          classify_row(work[i], s, colour, reinterpret_cast<const std::uint16_t*>(row), y, header,
                       split);
        } else {
          classify_row(work[i], s, colour, row, y, header, split);
        }
      }
    }
  };
  std::vector<std::thread> helpers;
  std::exception_ptr failure;
  std::mutex failure_mutex;
  for (int part = 1; part < parts; ++part) {
    helpers.emplace_back([&, part] {
      try {
        run(part);
      } catch (...) {
        std::lock_guard<std::mutex> lock(failure_mutex);
        failure = std::current_exception();
      }
    });
  }
  try {
    run(0);
  } catch (...) {
    std::lock_guard<std::mutex> lock(failure_mutex);
    failure = std::current_exception();
  }
  for (std::thread& helper : helpers) helper.join();
  if (failure) std::rethrow_exception(failure);
  std::vector<PassTwoSums> sums(work.size());
  for (const auto& part : partial) {
    for (std::size_t i = 0; i < work.size(); ++i) sums[i].add(part[i]);
  }
  return sums;
}

// Pass one again for a region whose chroma is unmixed: its sample from the unmixed rows.
void resample_unmixed(RegionWork& w, const PixelColour& colour, const KeptRows& kept,
                      const JpegPlanes& planes) {
  SampleGrid sample(w.band_start.back());
  SamplePixel* next = sample.data();
  PassOnePart part;
  std::vector<unsigned char> unmixed(kept.stride);
  for (int y = 0; y < planes.height; y += w.stride) {
    const unsigned char* stored = kept.storage.data() + kept.stride * static_cast<std::size_t>(y);
    unmix_region_row(w, planes, stored, unmixed.data(), y);
    sample_row(w, part, next, colour, unmixed.data(), y);
  }
  sample.erase(std::remove_if(sample.begin(), sample.end(),
                              [](const SamplePixel& p) { return p.l_bin == kNoSample; }),
               sample.end());
  w.sample = std::move(sample);
}

// The exact sum of t over a part's unclipped pixels, from its code counts (separable profiles).
void add_code_counts(const PassOnePart& part, const PixelColour& colour, XyzSum& total) {
  const std::size_t codes = colour.codes();
  const std::size_t copies = part.code_counts.size() / (3 * codes);
  for (std::size_t copy = 0; copy < copies; ++copy) {
    for (int c = 0; c < 3; ++c) {
      const FixedT* table = colour.fixed_table(c);
      const std::uint32_t* counts =
          part.code_counts.data() + (copy * 3 + static_cast<std::size_t>(c)) * codes;
      for (std::size_t v = 0; v < codes; ++v) {
        if (counts[v] == 0) continue;
        const auto n = static_cast<std::int64_t>(counts[v]);
        total.x += n * table[v].xy[0];
        total.y += n * table[v].xy[1];
        total.z += n * table[v].zn[0];
        total.n += static_cast<std::uint64_t>(n * table[v].zn[1]);
      }
    }
  }
}

// The streamed image's sums: every pixel's from the code counts, the highlights' from the
// exclusion grid. False when a rule reaches below the candidate gate: the grid holds every
// pixel of the cells at or above it only, so the photo must be measured again with every pixel
// in the grid.
bool stream_sums(std::vector<RegionWork>& work, const PixelColour& colour,
                 std::vector<PassTwoSums>& sums) {
  sums.assign(work.size(), PassTwoSums{});
  for (std::size_t i = 0; i < work.size(); ++i) {
    RegionWork& w = work[i];
    if (w.highlights.active && w.highlights.min_l_bin < w.candidate_bin) return false;
    XyzSum total;
    XyzSum kept_candidates;
    for (const PassOnePart& part : w.parts) {
      sums[i].clipped += part.clipped;
      total.add(part.total);
      if (part.grid) part.grid->totals(w.highlights, kept_candidates, sums[i].highlight);
      if (colour.separable()) add_code_counts(part, colour, total);
    }
    sums[i].measured = total;
    sums[i].measured.n -= sums[i].highlight.n;
    sums[i].measured.x -= sums[i].highlight.x;
    sums[i].measured.y -= sums[i].highlight.y;
    sums[i].measured.z -= sums[i].highlight.z;
    for (PassOnePart& part : w.parts) part.grid.reset();
  }
  return true;
}

// One record's statistics and warnings; InputError when nothing is left to measure.
RegionMeasurement region_record(const std::string& record_name, const RegionWork& w,
                                const PassTwoSums& s, const XyzSum& measured,
                                const XyzSum& excluded, const SampleStats& stats, const Xyz& white,
                                const PhotoMeasurement& photo) {
  if (measured.n == 0) {
    throw InputError("region '" + record_name + "': no pixel is left to measure (" +
                         std::to_string(s.clipped) + " of " + std::to_string(w.pixels.count) +
                         " clipped, " + std::to_string(excluded.n) + " highlights)",
                     Location{photo.source});
  }
  const double clipped_share = static_cast<double>(s.clipped) / static_cast<double>(w.pixels.count);
  RegionMeasurement m;
  m.region = record_name;
  m.lab = measured.mean_lab(white);
  m.median = stats.median, m.p10 = stats.p10, m.p90 = stats.p90, m.sd = stats.sd;
  m.pixels = measured.n;
  m.clipped = clipped_share;
  m.highlights = static_cast<double>(excluded.n) / static_cast<double>(measured.n + excluded.n);
  m.ita = ita_degrees(m.lab);
  m.warnings = photo.warnings;
  if (m.pixels < 500) m.warnings.push_back("only " + std::to_string(m.pixels) + " pixels measured");
  if (clipped_share > 0.02) {
    m.warnings.push_back(percent_text(clipped_share) +
                         " of the region is clipped (a channel at its top value): overexposed");
  }
  if (m.highlights > 0.10) {
    m.warnings.push_back(percent_text(m.highlights) + " excluded as specular highlights");
  }
  return m;
}

// A region without --split: one record, its highlights left out of the sample's statistics.
RegionMeasurement whole_region_record(RegionWork& w, const PassTwoSums& s, const Xyz& white,
                                      const PhotoMeasurement& photo) {
  auto keep = [&](const SamplePixel& p) { return !w.highlights.excludes(p); };
  if (w.highlights.active && w.highlights.min_l_bin < kLBins) {
    for (const SamplePixel& p : w.sample) {
      if (!keep(p)) w.histograms.remove(p);
    }
  }
  const SampleStats stats = sample_stats(w.sample, w.histograms, keep);
  return region_record(w.spec->name, w, s, s.measured, s.highlight, stats, white, photo);
}

// A region with --split: its hair record, then its scalp record.
void split_region_records(const RegionWork& w, const PassTwoSums& s, const Xyz& white,
                          const ImageHeader& header, PhotoMeasurement& photo) {
  SampleHistograms histograms[2];
  for (const SamplePixel& p : w.sample) {
    bool in_hair = false;
    const PixelClass cls = w.split.classify(p, in_hair);
    if (cls == PixelClass::Hair || cls == PixelClass::Scalp) {
      histograms[cls == PixelClass::Hair ? 0 : 1].add(p);
    }
  }
  SampleStats kept[2];
  for (int k = 0; k < 2; ++k) {
    const PixelClass wanted = k == 0 ? PixelClass::Hair : PixelClass::Scalp;
    kept[k] = sample_stats(w.sample, histograms[k], [&](const SamplePixel& p) {
      bool in_hair = false;
      return w.split.classify(p, in_hair) == wanted;
    });
  }
  const std::string& region = w.spec->name;
  const std::string prefix = w.spec->kind == RegionSpec::Kind::Whole ? "" : region + "/";
  const double unclipped = static_cast<double>(w.pixels.count) - static_cast<double>(s.clipped);
  const XyzSum* parts[2][2] = {{&s.hair, &s.hair_highlight}, {&s.scalp, &s.scalp_highlight}};
  for (int k = 0; k < 2; ++k) {
    RegionMeasurement m = region_record(prefix + (k == 0 ? "hair" : "scalp"), w, s, *parts[k][0],
                                        *parts[k][1], kept[k], white, photo);
    m.coverage = (static_cast<double>(parts[k][0]->n + parts[k][1]->n) +
                  0.5 * static_cast<double>(s.mixed.n)) /
                 unclipped;
    const double hair_width = s.hair_runs ? static_cast<double>(s.hair.n) / s.hair_runs : 0;
    if (w.unmix.active) {
      m.chroma = "unmixed from " + header.info.chroma_sampling;
    } else if (k == 0 && !header.info.chroma_sampling.empty() &&
               header.info.chroma_sampling != "4:4:4" && hair_width < 16) {
      char text[260];
      std::snprintf(text, sizeof text,
                    "%s JPEG: colour is stored at lower resolution than lightness, and hairs "
                    "here are about %.0f pixels wide, so the hair's a* and b* lean toward the "
                    "scalp's; for hair colour use 4:4:4 JPEG, PNG or TIFF",
                    header.info.chroma_sampling.c_str(), hair_width);
      m.warnings.push_back(text);
    }
    if (!w.split.distinct) {
      char text[160];
      std::snprintf(text, sizeof text,
                    "hair and scalp are not distinct (%.1f dE00 apart): one population cut "
                    "in two",
                    ciede2000({w.split.hair.l, w.split.hair.a, w.split.hair.b},
                              {w.split.scalp.l, w.split.scalp.a, w.split.scalp.b}));
      m.warnings.push_back(text);
    }
    photo.records.push_back(std::move(m));
  }
}

}  // namespace
}  // namespace detail

struct Measurer::Impl {
  MeasureOptions options;
  std::optional<Profile> file_profile;
  std::map<std::string, Mask> masks;
  mutable std::mutex mutex;
  mutable std::map<std::string, std::shared_ptr<const PixelColour>> colours;

  std::shared_ptr<const PixelColour> colour(const std::string& key, const Profile& profile,
                                            int bits) const {
    const std::string full_key = key + "/" + std::to_string(bits);
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (auto it = colours.find(full_key); it != colours.end()) return it->second;
    }
    auto built = std::make_shared<const PixelColour>(profile, bits, options.white);
    std::lock_guard<std::mutex> lock(mutex);
    return colours.emplace(full_key, std::move(built)).first->second;
  }

  /// A photo: with a PhotoProfileProvider, decoded whole once, given its profile, and measured
  /// from the decoded pixels; else measured as it is decoded.
  PhotoMeasurement measure_photo(const unsigned char* data, std::size_t size,
                                 const std::string& name, int threads) const;
  /// `photo_profile`: the provider's profile for this photo. `full_grid`: every pixel into the
  /// exclusion grid (the rare second try, see RegionWork).
  PhotoMeasurement measure(const PhotoSource& source, const std::string& name, int threads,
                           const PhotoProfile* photo_profile, bool full_grid = false) const;
  /// The profile (SPEC 2.3): the provider's, else --profile, else embedded, else sRGB. Fills
  /// the record's profile field and its warnings.
  ChosenProfile choose_profile(const ImageHeader& header, const std::string& name,
                               const PhotoProfile* photo_profile, PhotoMeasurement& result) const;
  /// --split on a JPEG with subsampled chroma: its stored planes, and for each region whose
  /// blocks mix hair and scalp the fitted unmixing, its sample taken again from the unmixed
  /// rows and its split found again from that. Empty planes for any other photo.
  JpegPlanes unmix_chroma(const PhotoSource& source, const ImageHeader& header,
                          const std::string& name, std::vector<RegionWork>& work,
                          const PixelColour& colour, const KeptRows& kept) const;
  /// The regions in stored coordinates, each with its sample plan and pass-one parts.
  std::vector<RegionWork> plan_regions(const ImageHeader& header, const std::string& name,
                                       const ChosenProfile& chosen, int threads, bool keep_image,
                                       bool full_grid) const;
};

Measurer::Measurer(MeasureOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  const MeasureOptions& o = impl_->options;
  std::vector<std::string> names;
  for (const RegionSpec& region : o.regions) {
    if (std::find(names.begin(), names.end(), region.name) != names.end()) {
      throw ArgumentError("region " + region.name + " is given twice", "region");
    }
    names.push_back(region.name);
    if (region.kind == RegionSpec::Kind::Mask && !impl_->masks.count(region.mask_path)) {
      impl_->masks.emplace(region.mask_path, load_mask(region.mask_path));
    }
  }
  if (o.max_pixels == 0) throw ArgumentError("max_pixels must be positive", "max_pixels");
  if (o.photo_profile && !o.profile_path.empty()) {
    throw ArgumentError(
        "photo_profile gives each photo its own profile: it cannot be used with profile_path",
        "photo_profile");
  }
  if (!o.profile_path.empty()) {
    Profile profile = Profile::from_file(o.profile_path);
    if (!profile.is_rgb()) {
      throw ColourManagementError("not an RGB profile: photos are RGB", Location{o.profile_path});
    }
    impl_->file_profile.emplace(std::move(profile));
  }
}

Measurer::~Measurer() = default;
Measurer::Measurer(Measurer&&) noexcept = default;
Measurer& Measurer::operator=(Measurer&&) noexcept = default;

const MeasureOptions& Measurer::options() const { return impl_->options; }

PhotoMeasurement Measurer::measure_file(const std::string& path, int threads) const {
  const LargeBytes bytes = read_file_large(path);
  return impl_->measure_photo(bytes.data(), bytes.size(), path, threads);
}

PhotoMeasurement Measurer::measure_memory(const void* data, std::size_t size,
                                          const std::string& name, int threads) const {
  return impl_->measure_photo(static_cast<const unsigned char*>(data), size, name, threads);
}

PhotoMeasurement Measurer::Impl::measure_photo(const unsigned char* data, std::size_t size,
                                               const std::string& name, int threads) const {
  const bool look_for_chart = options.find_chart && options.split && options.regions.empty();
  if (!options.photo_profile && !look_for_chart)
    return measure(PhotoSource{data, size, nullptr, {}}, name, threads, nullptr);
  if (!options.photo_profile) {
    // A chart held in frame would be measured as hair (its dark patches) and scalp: left out.
    const Image photo = decode_image(data, size, name, options.max_pixels);
    const std::vector<ImagePoint> chart = options.find_chart(photo, name);
    return measure(PhotoSource{data, size, &photo, chart}, name, threads, nullptr);
  }
  // The provider sees the whole photo (a chart is found on it), and the measurement reads the
  // same pixels again from memory: the photo is decoded once.
  const Image photo = decode_image(data, size, name, options.max_pixels);
  const PhotoProfile profile = options.photo_profile(photo, name);
  return measure(PhotoSource{data, size, &photo, {}}, name, threads, &profile);
}

ChosenProfile Measurer::Impl::choose_profile(const ImageHeader& header, const std::string& name,
                                             const PhotoProfile* photo_profile,
                                             PhotoMeasurement& result) const {
  ChosenProfile chosen;
  if (photo_profile) {
    // A photo's own profile is built here, not kept in the cache.
    chosen.colour = std::make_shared<const PixelColour>(photo_profile->profile, header.info.bits,
                                                        options.white);
    chosen.excluded = photo_profile->excluded;
    result.chart = photo_profile->excluded;
    result.profile = photo_profile->description;
    result.profile_fields = photo_profile->record_fields;
    result.profile_report = photo_profile->report;
    for (const std::string& w : photo_profile->warnings) result.warnings.push_back(w);
    return chosen;
  }
  if (file_profile) {
    chosen.colour = colour("file:" + options.profile_path, *file_profile, header.info.bits);
    result.profile = "file: " + options.profile_path;
    return chosen;
  }
  if (!header.info.icc_profile.empty()) {
    const Profile embedded =
        Profile::from_memory(header.info.icc_profile.data(), header.info.icc_profile.size(),
                             name + " (embedded ICC profile)");
    if (!embedded.is_rgb()) {
      throw InputError("the embedded ICC profile is not an RGB profile; give --profile",
                       Location{name});
    }
    chosen.colour = colour(profile_key(header.info.icc_profile), embedded, header.info.bits);
    const std::string description = embedded.description();
    result.profile = "embedded: " + (description.empty() ? "(no description)" : description);
    return chosen;
  }
  chosen.colour = colour("srgb", Profile::srgb(), header.info.bits);
  if (header.info.srgb_chunk) {
    result.profile = "embedded: sRGB (PNG sRGB chunk)";
  } else {
    result.profile = "assumed sRGB";
    result.warnings.push_back("no ICC profile: assumed sRGB");
  }
  return chosen;
}

JpegPlanes Measurer::Impl::unmix_chroma(const PhotoSource& source, const ImageHeader& header,
                                        const std::string& name, std::vector<RegionWork>& work,
                                        const PixelColour& colour, const KeptRows& kept) const {
  const std::string& sampling = header.info.chroma_sampling;
  if (header.info.format != ImageFormat::Jpeg || sampling.empty() || sampling == "4:4:4" ||
      !source.data) {
    return {};
  }
  JpegPlanes planes = read_jpeg_planes(source.data, source.size, name, options.max_pixels);
  if (planes.width != header.stored_width || planes.height != header.stored_height) return {};
  for (RegionWork& w : work) {
    w.unmix = fit_chroma_unmixing(planes, w.pixels, w.stride, w.split, colour, kept.storage.data(),
                                  kept.stride);
    if (!w.unmix.active) continue;
    resample_unmixed(w, colour, kept, planes);
    w.split = split_rule(w.sample, options.exclude_highlights);
  }
  return planes;
}

std::vector<RegionWork> Measurer::Impl::plan_regions(const ImageHeader& header,
                                                     const std::string& name,
                                                     const ChosenProfile& chosen, int threads,
                                                     bool keep_image, bool full_grid) const {
  static const RegionSpec kWhole{};
  std::vector<const RegionSpec*> specs;
  for (const RegionSpec& r : options.regions) specs.push_back(&r);
  if (specs.empty()) specs.push_back(&kWhole);
  std::vector<RegionWork> work(specs.size());
  for (std::size_t i = 0; i < specs.size(); ++i) {
    RegionWork& w = work[i];
    w.spec = specs[i];
    const Mask* mask = nullptr;
    if (specs[i]->kind == RegionSpec::Kind::Mask) mask = &masks.at(specs[i]->mask_path);
    w.pixels = region_pixels(*specs[i], header, mask, name, chosen.excluded);
    w.stride = sample_stride(w.pixels.count);
    plan_sample(w, header);
    if (!keep_image) plan_stream(w, *chosen.colour, threads, full_grid);
    if (options.keep_pixel_classes) {
      w.classes.assign(static_cast<std::size_t>(header.info.width) *
                           static_cast<std::size_t>(header.info.height),
                       PixelClass::Outside);
    }
  }
  return work;
}

PhotoMeasurement Measurer::Impl::measure(const PhotoSource& source, const std::string& name,
                                         int threads, const PhotoProfile* photo_profile,
                                         bool full_grid) const {
  threads = std::max(1, threads);
  auto decoder = source.open(name, options.max_pixels);
  const ImageHeader header = decoder->header();  // a copy: the decoder goes before pass two
  PhotoMeasurement result;
  result.source = name;
  result.white = options.white;
  result.image = header.info;
  ChosenProfile chosen = choose_profile(header, name, photo_profile, result);
  add_file_warnings(header, name, file_profile || photo_profile, result);
  if (!source.found_chart.empty()) {
    chosen.excluded = source.found_chart;
    result.chart = source.found_chart;
    result.warnings.push_back(
        "a ColorChecker in the photo (its card is `chart`) is left out of hair and scalp; "
        "--chart calibrates with it, --region measures only the scalp");
  }
  const PixelColour& colour = *chosen.colour;

  const bool keep_image = options.split || options.keep_pixel_classes;
  std::vector<RegionWork> work = plan_regions(header, name, chosen, threads, keep_image, full_grid);
  KeptRows kept;
  pass_one(*decoder, work, colour, threads, keep_image, kept);
  decoder.reset();
  merge_pass_one(work);
  for (RegionWork& w : work) {
    if (options.split) {
      w.split = split_rule(w.sample, options.exclude_highlights);
    } else if (options.exclude_highlights) {
      w.highlights = highlight_rule(w.histograms);
    }
  }
  const JpegPlanes planes =
      options.split ? unmix_chroma(source, header, name, work, colour, kept) : JpegPlanes{};
  std::vector<PassTwoSums> sums;
  if (keep_image) {
    sums = pass_two(work, colour, kept, header, threads, options.split, planes);
  } else if (!stream_sums(work, colour, sums)) {
    if (full_grid)
      throw Error("internal error: highlight rule below the full grid", Location{name});
    return measure(source, name, threads, photo_profile, true);
  }
  kept = KeptRows{};

  const Xyz white = white_point(options.white);
  for (std::size_t i = 0; i < work.size(); ++i) {
    RegionWork& w = work[i];
    const std::size_t first = result.records.size();
    if (options.split) {
      split_region_records(w, sums[i], white, header, result);
    } else {
      result.records.push_back(whole_region_record(w, sums[i], white, result));
    }
    const std::vector<ImagePoint> outline = region_outline(*w.spec, header.info);
    for (std::size_t r = first; r < result.records.size(); ++r) result.records[r].outline = outline;
    if (options.keep_pixel_classes) {
      result.maps.push_back(
          {w.spec->name, header.info.width, header.info.height, std::move(w.classes)});
    }
  }
  return result;
}

namespace {

std::string without_extension(std::string path) {
  const auto slash = path.find_last_of('/');
  const auto dot = path.find_last_of('.');
  if (dot != std::string::npos && dot > (slash == std::string::npos ? 0 : slash + 1)) {
    path.erase(dot);
  }
  return path;
}

// The folders of `path` lexically ("./a//b/c.jpg": a, b), and its file name.
std::vector<std::string> path_parts(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const std::string part = path.substr(start, slash == std::string::npos ? std::string::npos
                                                                           : slash - start);
    if (!part.empty() && part != ".") parts.push_back(part);
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return parts;
}

// The part of a record: hair or scalp with --split, chart for the card, else the region's name.
std::string part_of(const std::string& region) {
  const auto slash = region.find_last_of('/');
  return slash == std::string::npos ? region : region.substr(slash + 1);
}

}  // namespace

std::vector<std::string> clients_of_photos(const std::vector<std::string>& paths) {
  std::vector<std::vector<std::string>> split;
  for (const std::string& p : paths) split.push_back(path_parts(p));
  // The folders every photo shares (absolute and relative paths share only what they spell
  // alike), leaving each photo at least its file name.
  std::size_t common = 0;
  bool same = !split.empty();
  while (same) {
    for (const auto& parts : split) {
      same = same && parts.size() > common + 1 && parts[common] == split.front()[common];
    }
    if (same) ++common;
  }
  std::vector<std::string> clients;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    if (paths[i] == "-") {
      clients.push_back("stdin");
      continue;
    }
    std::string client;
    for (std::size_t k = common; k < split[i].size(); ++k) {
      client += (client.empty() ? "" : "/") + split[i][k];
    }
    clients.push_back(without_extension(client.empty() ? paths[i] : client));
  }
  return clients;
}

std::vector<Record> measurement_records(const PhotoMeasurement& m, const PhotoIdentity& identity) {
  const std::string client =
      !identity.client.empty() ? identity.client : clients_of_photos({m.source}).front();
  std::vector<Record> records;
  for (const RegionMeasurement& r : m.records) {
    Record record(RecordKind::Measurement);
    record.set("id", client + "/" + r.region).set("client", client).set("part", part_of(r.region));
    if (identity.session) record.set("session", *identity.session);
    record.set("source", m.source)
        .set("region", r.region)
        .set("white", std::string(white_name(m.white)))
        .set("lab", r.lab)
        .set("median", r.median)
        .set("p10", r.p10)
        .set("p90", r.p90)
        .set("sd", r.sd)
        .set("pixels", r.pixels)
        .set("clipped", r.clipped)
        .set("highlights", r.highlights);
    if (r.coverage) record.set("coverage", *r.coverage);
    if (!r.chroma.empty()) record.set("chroma", r.chroma);
    record.set("profile", m.profile);
    for (const Field& field : m.profile_fields.fields) record.set(field.key, field.value);
    record.set("ita", r.ita).set("warnings", r.warnings);
    auto flat = [](const std::vector<ImagePoint>& points) {
      std::vector<double> xy;
      for (const ImagePoint& p : points) xy.insert(xy.end(), {p.x, p.y});
      return xy;
    };
    if (!r.outline.empty()) record.set("outline", flat(r.outline));
    if (!m.chart.empty()) record.set("chart", flat(m.chart));
    records.push_back(std::move(record));
  }
  return records;
}

const std::vector<std::string>& measurement_columns() {
  static const std::vector<std::string> kColumns{"kind",     "id",
                                                 "client",   "part",
                                                 "session",  "source",
                                                 "region",   "white",
                                                 "lab_L",    "lab_a",
                                                 "lab_b",    "median_L",
                                                 "median_a", "median_b",
                                                 "p10_L",    "p10_a",
                                                 "p10_b",    "p90_L",
                                                 "p90_a",    "p90_b",
                                                 "sd_L",     "sd_a",
                                                 "sd_b",     "pixels",
                                                 "clipped",  "highlights",
                                                 "coverage", "chroma",
                                                 "profile",  "calibration_de00",
                                                 "ita",      "warnings"};
  return kColumns;
}

Record measurement_table_row(const Record& full) {
  Record row;
  for (const char* key :
       {"id", "lab", "median", "sd", "pixels", "clipped", "highlights", "coverage", "ita"}) {
    if (const FieldValue* value = full.find(key)) row.set(key, *value);
  }
  return row;
}

MeasurementWriter::MeasurementWriter(std::ostream& out, Format format)
    : writer_(out, format, measurement_columns()), table_(format == Format::Table) {}

MeasurementWriter::~MeasurementWriter() = default;

void MeasurementWriter::write(const PhotoMeasurement& measurement, const PhotoIdentity& identity) {
  for (const Record& record : measurement_records(measurement, identity)) {
    writer_.write(table_ ? measurement_table_row(record) : record);
  }
}

void MeasurementWriter::finish() { writer_.finish(); }

void measure_batch(const Measurer& measurer, const std::vector<std::string>& paths, int threads,
                   const BatchResult& done,
                   const std::function<void(std::size_t, std::size_t)>& progress) {
  if (paths.empty()) return;
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // Many photos: one per thread. Fewer photos than threads: the spare threads help each photo.
  const int workers =
      static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(threads), paths.size()));
  const int per_photo = std::max(1, threads / workers);

  struct Outcome {
    bool ready = false;
    std::optional<PhotoMeasurement> measurement;
    std::optional<Error> error;
  };
  std::vector<Outcome> outcomes(paths.size());
  std::mutex mutex;
  std::condition_variable finished_one;
  std::size_t finished = 0;
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < paths.size(); i = next++) {
      Outcome outcome;
      try {
        outcome.measurement = measurer.measure_file(paths[i], per_photo);
      } catch (const Error& e) {
        outcome.error = e;
      } catch (const std::bad_alloc&) {
        outcome.error = Error("out of memory", Location{paths[i]});
      } catch (const std::exception& e) {
        outcome.error = Error(e.what(), Location{paths[i]});
      }
      outcome.ready = true;
      {
        std::lock_guard<std::mutex> lock(mutex);
        outcomes[i] = std::move(outcome);
        ++finished;
      }
      finished_one.notify_all();
    }
  };
  std::vector<std::thread> pool;
  for (int w = 0; w < workers; ++w) pool.emplace_back(work);

  std::size_t reported = 0;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    Outcome outcome;
    for (;;) {
      std::unique_lock<std::mutex> lock(mutex);
      finished_one.wait(lock, [&] { return outcomes[i].ready || finished != reported; });
      const std::size_t now = finished;
      const bool ready = outcomes[i].ready;
      if (ready) outcome = std::move(outcomes[i]), outcomes[i] = Outcome{};
      lock.unlock();
      if (now != reported) {
        reported = now;
        if (progress) progress(reported, paths.size());
      }
      if (ready) break;
    }
    try {
      done(i, outcome.measurement ? &*outcome.measurement : nullptr,
           outcome.error ? &*outcome.error : nullptr);
    } catch (...) {
      // The pool must not outlive this frame: let it finish, then pass the error on.
      next = paths.size();
      for (std::thread& t : pool) t.join();
      throw;
    }
  }
  for (std::thread& t : pool) t.join();
}

}  // namespace smpshade
