// smp-measure speed and memory (SPEC 3), against libjpeg-turbo's djpeg measured side by side in
// the same run:
//   - one 12-megapixel JPEG (a natural-looking scalp photo: shading, skin texture, stubble,
//     shine, sensor noise; 4:2:0, quality 92, Display P3 profile embedded, as a phone writes
//     it), whole image: smp-measure's wall time over `djpeg -outfile /dev/null` on the same file,
//     alternating runs, median of the per-pair ratios (budget 1.5x);
//   - peak memory (getrusage ru_maxrss of the child) over the decoded 8-bit image (budget 3x);
//   - 24 photos: throughput of -j 2 over -j 1 (budget at least 1.7x).
// usage: measure_bench SMP_MEASURE [WORKDIR [RUNS]]; the photos are left in WORKDIR.
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <thread>
#include <vector>

// jpeglib.h needs size_t and FILE first.
#include <jpeglib.h>

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;

// Smooth random field in [0, 1]: bilinear interpolation of a grid of random values `cell`
// pixels apart.
class ValueNoise {
 public:
  ValueNoise(int width, int height, double cell, std::mt19937& rng)
      : cell_(cell),
        columns_(int(width / cell) + 2),
        rows_(int(height / cell) + 2),
        grid_(std::size_t(columns_) * rows_) {
    std::uniform_real_distribution<float> u(0, 1);
    for (float& v : grid_) v = u(rng);
  }
  float at(int x, int y) const {
    const double gx = x / cell_, gy = y / cell_;
    const int ix = int(gx), iy = int(gy);
    const float fx = float(gx - ix), fy = float(gy - iy);
    auto g = [&](int i, int j) { return grid_[std::size_t(j) * columns_ + i]; };
    const float top = g(ix, iy) + fx * (g(ix + 1, iy) - g(ix, iy));
    const float bottom = g(ix, iy + 1) + fx * (g(ix + 1, iy + 1) - g(ix, iy + 1));
    return top + fy * (bottom - top);
  }

 private:
  double cell_;
  int columns_, rows_;
  std::vector<float> grid_;
};

// A scalp photo: skin under uneven light with texture at two scales, stubble dots, a few
// highlights, and sensor noise; 8-bit RGB.
std::vector<unsigned char> scalp_photo(int width, int height, unsigned seed) {
  std::mt19937 rng(seed);
  const ValueNoise light(width, height, 700, rng), blotch(width, height, 60, rng),
      pores(width, height, 6, rng);
  std::vector<unsigned char> rgb(std::size_t(width) * height * 3);
  std::normal_distribution<float> noise(0, 2.5f);
  std::vector<float> noise_table(1 << 16);
  for (float& n : noise_table) n = noise(rng);
  std::uint32_t state = seed * 2654435761u + 1;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const float shade =
          0.7f + 0.45f * light.at(x, y) + 0.08f * blotch.at(x, y) + 0.05f * pores.at(x, y);
      const float base[3] = {196, 150, 128};
      unsigned char* px = rgb.data() + (std::size_t(y) * width + x) * 3;
      for (int c = 0; c < 3; ++c) {
        state = state * 1664525u + 1013904223u;
        const float v =
            base[c] * shade * (1 + 0.03f * (c - 1) * blotch.at(x, y)) + noise_table[state >> 16];
        px[c] = static_cast<unsigned char>(std::clamp(v, 0.0f, 255.0f));
      }
    }
  }
  // Stubble: dark dots of 2 to 4 pixels' radius over about 15% of the area.
  std::uniform_real_distribution<double> ux(0, width), uy(0, height), ur(2, 4), ud(0.8, 1.1);
  const int dots = int(0.15 * width * height / (3.14159 * 9));
  for (int d = 0; d < dots; ++d) {
    const double cx = ux(rng), cy = uy(rng), r = ur(rng), dark = ud(rng);
    for (int y = std::max(0, int(cy - r)); y <= std::min(height - 1, int(cy + r)); ++y) {
      for (int x = std::max(0, int(cx - r)); x <= std::min(width - 1, int(cx + r)); ++x) {
        const double cover = std::clamp(r + 0.5 - std::hypot(x + 0.5 - cx, y + 0.5 - cy), 0.0, 1.0);
        unsigned char* px = rgb.data() + (std::size_t(y) * width + x) * 3;
        const double hair[3] = {52 * dark, 40 * dark, 34 * dark};
        for (int c = 0; c < 3; ++c)
          px[c] = static_cast<unsigned char>(px[c] * (1 - cover) + hair[c] * cover);
      }
    }
  }
  // A few soft highlights where the scalp curves toward the light.
  for (int s = 0; s < 12; ++s) {
    const double cx = ux(rng), cy = uy(rng), r = 30 + 60 * ur(rng) / 4;
    for (int y = std::max(0, int(cy - 3 * r)); y <= std::min(height - 1, int(cy + 3 * r)); ++y) {
      for (int x = std::max(0, int(cx - 3 * r)); x <= std::min(width - 1, int(cx + 3 * r)); ++x) {
        const double w = 0.5 * std::exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (2 * r * r));
        unsigned char* px = rgb.data() + (std::size_t(y) * width + x) * 3;
        for (int c = 0; c < 3; ++c) px[c] = static_cast<unsigned char>(px[c] + (250 - px[c]) * w);
      }
    }
  }
  return rgb;
}

void write_jpeg(const std::string& path, const std::vector<unsigned char>& rgb, int width,
                int height, const std::vector<unsigned char>& icc) {
  FILE* file = std::fopen(path.c_str(), "wb");
  if (!file) {
    std::perror(path.c_str());
    std::exit(1);
  }
  jpeg_compress_struct c{};
  jpeg_error_mgr errors{};
  c.err = jpeg_std_error(&errors);
  jpeg_create_compress(&c);
  jpeg_stdio_dest(&c, file);
  c.image_width = JDIMENSION(width);
  c.image_height = JDIMENSION(height);
  c.input_components = 3;
  c.in_color_space = JCS_RGB;
  jpeg_set_defaults(&c);
  jpeg_set_quality(&c, 92, TRUE);
  jpeg_start_compress(&c, TRUE);
  if (!icc.empty()) jpeg_write_icc_profile(&c, icc.data(), unsigned(icc.size()));
  while (c.next_scanline < c.image_height) {
    JSAMPROW row =
        const_cast<unsigned char*>(rgb.data()) + std::size_t(c.next_scanline) * width * 3;
    jpeg_write_scanlines(&c, &row, 1);
  }
  jpeg_finish_compress(&c);
  jpeg_destroy_compress(&c);
  std::fclose(file);
}

struct RunResult {
  double seconds = 0;
  long max_rss_kb = 0;
  int status = 0;
};

// Runs `argv` with stdout and stderr to /dev/null; wall time and the child's own peak RSS.
RunResult run(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  const auto start = Clock::now();
  pid_t pid = 0;
  if (posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) {
    std::fprintf(stderr, "measure_bench: cannot run %s\n", argv[0]);
    std::exit(1);
  }
  RunResult result;
  rusage usage{};
  wait4(pid, &result.status, 0, &usage);
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  result.max_rss_kb = usage.ru_maxrss;
  posix_spawn_file_actions_destroy(&actions);
  if (result.status != 0) {
    std::fprintf(stderr, "measure_bench: %s exited with status %d\n", argv[0], result.status);
    std::exit(1);
  }
  return result;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::vector<unsigned char> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<unsigned char>(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: measure_bench SMP_MEASURE [WORKDIR [RUNS]]\n");
    return 2;
  }
  const std::string tool = argv[1];
  const std::string dir = argc > 2 ? argv[2] : "/tmp";
  const int runs = argc > 3 ? std::atoi(argv[3]) : 11;
  const std::vector<unsigned char> p3 = read_file("/usr/share/color/argyll/ref/DisplayP3.icm");

  const int width = 4000, height = 3000;
  const std::string photo = dir + "/measure_bench_12mp.jpg";
  write_jpeg(photo, scalp_photo(width, height, 1), width, height, p3);
  std::printf(
      "smp-measure bench: %d x %d JPEG (%.1f MB, 4:2:0, q92, Display P3), %d runs, %u cores\n",
      width, height, double(read_file(photo).size()) / 1e6, runs,
      std::max(1u, std::thread::hardware_concurrency()));

  // Side by side: djpeg then smp-measure, alternating, so that both see the same machine.
  std::vector<double> ratios, ratios_j1, djpeg, measure, measure_j1;
  long peak_kb = 0;
  run({tool, photo});  // warm the page cache and the dynamic loader
  for (int i = 0; i < runs; ++i) {
    const RunResult d = run({"djpeg", "-outfile", "/dev/null", photo});
    const RunResult m = run({tool, photo});
    const RunResult m1 = run({tool, "-j", "1", photo});
    djpeg.push_back(d.seconds);
    measure.push_back(m.seconds);
    measure_j1.push_back(m1.seconds);
    ratios.push_back(m.seconds / d.seconds);
    ratios_j1.push_back(m1.seconds / d.seconds);
    peak_kb = std::max({peak_kb, m.max_rss_kb, m1.max_rss_kb});
  }
  const double decoded_kb = double(width) * height * 3 / 1024;
  std::printf("  djpeg -outfile /dev/null (anchor): %7.1f ms\n", 1e3 * median(djpeg));
  std::printf(
      "  smp-measure (all cores):           %7.1f ms  median ratio %.2fx djpeg (budget 1.5x, aim "
      "1.1x)\n",
      1e3 * median(measure), median(ratios));
  std::printf("  smp-measure -j 1:                  %7.1f ms  median ratio %.2fx djpeg\n",
              1e3 * median(measure_j1), median(ratios_j1));
  std::printf("  peak memory: %.1f MB = %.2fx the decoded 8-bit image (%.1f MB; budget 3x)\n",
              peak_kb / 1024.0, peak_kb / decoded_kb, decoded_kb / 1024);

  // 24 photos of 4 megapixels, each different: -j 2 against -j 1.
  std::vector<std::string> batch;
  for (int i = 0; i < 24; ++i) {
    const std::string path = dir + "/measure_bench_batch" + std::to_string(i) + ".jpg";
    write_jpeg(path, scalp_photo(2448, 1632, 100 + unsigned(i)), 2448, 1632, p3);
    batch.push_back(path);
  }
  std::vector<double> one, two;
  for (int i = 0; i < std::max(3, runs / 3); ++i) {
    std::vector<std::string> a = {tool, "-j", "1"}, b = {tool, "-j", "2"};
    a.insert(a.end(), batch.begin(), batch.end());
    b.insert(b.end(), batch.begin(), batch.end());
    one.push_back(run(a).seconds);
    two.push_back(run(b).seconds);
  }
  std::printf(
      "  24 photos of 4 MP: -j 1 %.0f ms, -j 2 %.0f ms: -j 2 has %.2fx the throughput (budget "
      "1.7x)\n",
      1e3 * median(one), 1e3 * median(two), median(one) / median(two));
  return 0;
}
