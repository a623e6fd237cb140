// Files written with -o: whole or not at all (SPEC 2.1).
#include "smpshade/files.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "smpshade/error.hpp"

namespace smpshade {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Files in `folder` other than `keep`: a temporary file left behind would show here.
int others(const fs::path& folder, const fs::path& keep) {
  int n = 0;
  for (const auto& entry : fs::directory_iterator(folder)) n += entry.path() != keep;
  return n;
}

TEST(Files, WritesWholeAndReplacesAndLeavesNoTemporaryFile) {
  const fs::path folder = fs::path(::testing::TempDir()) / "smpshade_files_test";
  fs::remove_all(folder);
  fs::create_directories(folder);
  const fs::path target = folder / "out.icc";
  const std::string first(100000, 'a'), second = "short";
  write_file_atomically(target.string(), first.data(), first.size());
  EXPECT_EQ(slurp(target), first);
  write_file_atomically(target.string(), second.data(), second.size());
  EXPECT_EQ(slurp(target), second);
  EXPECT_EQ(others(folder, target), 0);
  // Readable by others as the umask allows (mkstemp's 0600 would not be).
  const mode_t mask = umask(022);
  write_file_atomically(target.string(), second.data(), second.size());
  umask(mask);
  struct stat info {};
  ASSERT_EQ(stat(target.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0644u);
  fs::remove_all(folder);
}

TEST(Files, FailsNamingThePathAndLeavesTheOldFile) {
  const fs::path folder = fs::path(::testing::TempDir()) / "smpshade_files_fail";
  fs::remove_all(folder);
  fs::create_directories(folder / "a-folder");
  const std::string bytes = "new";
  try {
    write_file_atomically((folder / "missing" / "out.icc").string(), bytes.data(), bytes.size());
    ADD_FAILURE() << "wrote into a folder that does not exist";
  } catch (const IoError& e) {
    EXPECT_EQ(e.where().file, (folder / "missing" / "out.icc").string());
    EXPECT_NE(e.message().find("folder does not exist"), std::string::npos) << e.message();
  }
  EXPECT_THROW(write_file_atomically((folder / "a-folder").string(), bytes.data(), bytes.size()),
               IoError);
  EXPECT_TRUE(fs::is_directory(folder / "a-folder"));
  EXPECT_EQ(others(folder, folder / "a-folder"), 0);
  fs::remove_all(folder);
}

}  // namespace
}  // namespace smpshade
