#pragma once
/// @file measure.hpp
/// Photos to CIELAB per region (SPEC 2.2, 2.3), the engine of smp-measure: colour-managed
/// through LittleCMS, clipped pixels and specular highlights excluded, each region optionally
/// split into hair and scalp, many photos on many threads. The method is in smp-measure(1).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smpshade/cms.hpp"
#include "smpshade/colour.hpp"
#include "smpshade/error.hpp"
#include "smpshade/export.hpp"
#include "smpshade/image.hpp"
#include "smpshade/records.hpp"

namespace smpshade {

/// A number of a region's specification: pixels, or a percentage of the image's width (for x
/// values) or height (for y values).
struct RegionValue {
  double value = 0;
  bool percent = false;
};

/// Where to measure, in displayed coordinates (EXIF orientation applied). The image spans
/// [0, width] × [0, height]; a pixel belongs to a region when its centre lies inside.
struct RegionSpec {
  /// The whole image, `x,y,w,h`, `poly:`, `mask:`.
  enum class Kind { Whole, Rect, Polygon, Mask };
  std::string name = "image";
  Kind kind = Kind::Whole;
  std::vector<RegionValue> values;  ///< Rect: x, y, w, h; Polygon: x1, y1, x2, y2, ...
  std::string mask_path;            ///< Mask: a PNG of the displayed size, non-zero = inside
};

/// Parses `NAME=x,y,w,h`, `NAME=poly:x1,y1,x2,y2,...` or `NAME=mask:FILE.png`; numbers may end
/// in `%`. Throws ArgumentError about the field "region" saying what is wrong.
SMPSHADE_API RegionSpec parse_region(std::string_view text);

/// The profile one photo is measured with, chosen for it by a PhotoProfileProvider.
struct PhotoProfile {
  Profile profile;          ///< the photo's RGB profile
  std::string description;  ///< the records' `profile` field
  /// Left out of the whole-image region (displayed coordinates; may reach outside the image).
  std::vector<ImagePoint> excluded;
  std::vector<std::string> warnings;  ///< about the photo: in every record, and on stderr
  Record record_fields;               ///< written in every record after `profile`
  Record report;                      ///< the provider's own account of the photo
};

/// Gives each photo its own profile, from the decoded photo (`source` names it in messages):
/// smp-measure --chart is calibrate.hpp's chart_profile_provider(). Called once per photo, on
/// the thread measuring it, so from several threads at once in a batch.
using PhotoProfileProvider =
    std::function<PhotoProfile(const Image& photo, const std::string& source)>;

/// Finds a chart in a photo to leave out of it: the chart's card as a polygon (displayed
/// coordinates), none when there is no chart. smp-measure's is calibrate.hpp's
/// chart_card_finder(). Called from several threads at once in a batch.
using ChartFinder =
    std::function<std::vector<ImagePoint>(const Image& photo, const std::string& source)>;

/// How photos are measured.
struct MeasureOptions {
  std::vector<RegionSpec> regions;  ///< none: the whole image, named "image"
  bool split = false;               ///< each region split into hair (darker) and scalp
  White white = White::D50;         ///< white of the Lab values written
  std::string profile_path;         ///< ICC profile for every photo; "" = embedded, else sRGB
  std::uint64_t max_pixels = kDefaultMaxPixels;  ///< refused, before decoding, above this
  bool exclude_highlights = true;                ///< drop specular highlights (see smp-measure(1))
  bool keep_pixel_classes = false;  ///< fill PhotoMeasurement::maps (for checking; slower)
  /// A profile for each photo, found in the photo itself (e.g. from a chart in it). The photo
  /// is then decoded whole, once, and measured from memory. Excludes profile_path.
  PhotoProfileProvider photo_profile;
  /// Split over the whole image (no regions) without photo_profile: a chart this finds is left
  /// out of hair and scalp, with a warning (its card would be measured as hair and skin). The
  /// photo is then decoded whole, once.
  ChartFinder find_chart;
};

/// What became of each pixel of a region (PhotoMeasurement::maps).
enum class PixelClass : std::uint8_t {
  Outside = 0,    ///< not in the region
  Measured = 1,   ///< measured (a region without --split)
  Clipped = 2,    ///< a channel at the top code value: excluded
  Highlight = 3,  ///< specular highlight: excluded
  Hair = 4,       ///< measured as hair (--split)
  Scalp = 5,      ///< measured as scalp (--split)
  Mixed = 6,      ///< between the hair and scalp colours, e.g. a hair's edge: excluded
};

/// The statistics of one record: a region, or its hair or scalp part.
struct RegionMeasurement {
  std::string region;              ///< "image", "crown", or with --split "hair", "crown/scalp", ...
  Lab lab;                         ///< Lab of the mean colour in linear light (mean XYZ, then Lab)
  Lab median, p10, p90;            ///< per channel, of the per-pixel Lab
  Lab sd;                          ///< standard deviation per channel of the per-pixel Lab
  std::uint64_t pixels = 0;        ///< pixels the statistics come from, after the exclusions
  double clipped = 0;              ///< share of the region's pixels excluded as clipped
  double highlights = 0;           ///< share of the record's pixels excluded as highlights
  std::optional<double> coverage;  ///< --split: share of the region this part covers
  /// --split on a JPEG with subsampled chroma: "unmixed from 4:2:0" when the hair's and the
  /// scalp's chroma were estimated from the stored chroma planes; "" otherwise.
  std::string chroma;
  double ita = 0;                  ///< Individual Typology Angle of `lab`, degrees
  std::vector<std::string> warnings;
  /// The region's outline in displayed pixels (rectangles and polygons; empty for the whole
  /// image and masks), for drawing where it was measured.
  std::vector<ImagePoint> outline;
};

/// The pixel classes of one region, in displayed orientation, width × height.
struct PixelClassMap {
  std::string region;
  int width = 0, height = 0;
  std::vector<PixelClass> classes;
  /// The class of displayed pixel (x, y).
  PixelClass at(int x, int y) const {
    return classes[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) +
                   static_cast<std::size_t>(x)];
  }
};

/// Everything measured on one photo.
struct PhotoMeasurement {
  std::string source;   ///< the path as given ("-" for standard input)
  std::string profile;  ///< "embedded: <description>", "file: <path>", "assumed sRGB", ...
  White white = White::D50;
  ImageInfo image;                       ///< the photo's header (no pixels)
  Record profile_fields;                 ///< PhotoProfile::record_fields, in every record
  std::optional<Record> profile_report;  ///< PhotoProfile::report, with a PhotoProfileProvider
  std::vector<std::string> warnings;     ///< about the whole photo; also in every record
  std::vector<ImagePoint> chart;         ///< the chart's card outline (--chart), displayed pixels
  std::vector<RegionMeasurement> records;
  std::vector<PixelClassMap> maps;  ///< with MeasureOptions::keep_pixel_classes
};

/// Measures photos with one set of options. Loads the --profile and the masks once; measure()
/// is const and may run on many threads at once. Transforms are built once per profile and
/// bit depth and shared.
class SMPSHADE_API Measurer {
 public:
  /// Throws ArgumentError for inconsistent options, and the profile's or a mask's errors.
  explicit Measurer(MeasureOptions options);
  ~Measurer();
  Measurer(Measurer&&) noexcept;
  Measurer& operator=(Measurer&&) noexcept;

  /// Measures a photo file ("-": standard input) using up to `threads` threads. Throws
  /// InputError, IoError or ColourManagementError naming the file.
  PhotoMeasurement measure_file(const std::string& path, int threads = 1) const;
  /// Measures a photo held in memory; `name` names it in records and messages.
  PhotoMeasurement measure_memory(const void* data, std::size_t size, const std::string& name,
                                  int threads = 1) const;

  /// The options it was made with.
  const MeasureOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Whose a photo's records are: the client, and the session when the user said.
struct PhotoIdentity {
  std::string client;  ///< "" for the photo's file stem
  std::optional<int> session;
};

/// The clients of a run's photos, one per path: each photo's path below the deepest folder common
/// to all of them, without its extension ("a/client" and "b/client" for a/client.jpg and
/// b/client.jpg; "client42" for one photo client42.jpg), so that photos of the same file name in
/// different folders are different clients; "stdin" for "-".
SMPSHADE_API std::vector<std::string> clients_of_photos(const std::vector<std::string>& paths);

/// The Lab records of a measurement (smpshade-records(5)), kind measurement, fields in SPEC
/// 2.2's order: kind, id (client/region), client, part (hair, scalp, chart or the region's
/// name), session when known, source, region, white, lab, median, p10, p90, sd, pixels, clipped,
/// highlights, coverage (--split), profile, the photo profile's record fields (--chart:
/// calibration_de00, the calibration's mean ΔE00 on the chart), ita, warnings, and where it was
/// measured: outline (x1, y1, x2, y2, ... of a rectangle or polygon region) and chart (the
/// card's four corners with --chart), in displayed pixels.
SMPSHADE_API std::vector<Record> measurement_records(const PhotoMeasurement& measurement,
                                                    const PhotoIdentity& identity = {});

/// The columns of measurement records in CSV and TSV, nested values flattened (lab_L, lab_a,
/// lab_b, ...), in measurement_records()' order.
SMPSHADE_API const std::vector<std::string>& measurement_columns();

/// What a terminal table shows of a measurement record, one line each: id, lab, median, sd,
/// pixels, clipped, highlights, coverage, ita.
SMPSHADE_API Record measurement_table_row(const Record& record);

/// Writes measurements' records in a format: JSON Lines whole, CSV and TSV in
/// measurement_columns(), a table of measurement_table_row()s.
class SMPSHADE_API MeasurementWriter {
 public:
  MeasurementWriter(std::ostream& out, Format format);
  ~MeasurementWriter();
  MeasurementWriter(const MeasurementWriter&) = delete;
  MeasurementWriter& operator=(const MeasurementWriter&) = delete;

  /// Writes the records of one photo.
  void write(const PhotoMeasurement& measurement, const PhotoIdentity& identity = {});
  /// Writes what is buffered (the table) and flushes.
  void finish();

 private:
  RecordWriter writer_;
  bool table_;
};

/// Called with each photo's outcome in input order: its measurement, or the error that stopped
/// it (exactly one of the two is non-null).
using BatchResult =
    std::function<void(std::size_t index, const PhotoMeasurement* measurement, const Error* error)>;

/// Measures `paths` on `threads` threads (0: one per core), many photos at once, and hands
/// each outcome to `done` in input order, on the calling thread. A photo that fails does not
/// stop the others. `progress(finished, total)` is called on the calling thread as photos
/// finish.
SMPSHADE_API void measure_batch(const Measurer& measurer, const std::vector<std::string>& paths,
                                int threads, const BatchResult& done,
                                const std::function<void(std::size_t, std::size_t)>& progress = {});

}  // namespace smpshade
