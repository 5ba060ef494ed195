#include "storage/file_system.hpp"

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <system_error>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ember {

namespace {

namespace fs = std::filesystem;

std::string error_text(int errno_value) {
  return std::generic_category().message(errno_value);
}

std::string failure(std::string_view operation, const std::string& path,
                    const std::string& reason) {
  std::string result;
  result.reserve(operation.size() + path.size() + reason.size() + 5);
  result += operation;
  result += " '";
  result += path;
  result += "': ";
  result += reason;
  return result;
}

std::string temp_name_for(const std::string& path) {
  static std::atomic<std::uint64_t> counter{0};
  fs::path p{path};
  auto name = "." + p.filename().string() + ".tmp."
              + std::to_string(static_cast<long>(::getpid())) + "."
              + std::to_string(counter.fetch_add(1));
  return (p.parent_path() / name).string();
}

// Writes all of `data` to `fd`; returns 0 or an errno value.
int write_all(int fd, std::string_view data) {
  const char* pos = data.data();
  std::size_t left = data.size();
  while (left > 0) {
    auto n = ::write(fd, pos, left);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return errno;
    }
    if (n == 0)
      return ENOSPC; // No progress: the device accepts no more bytes.
    pos += n;
    left -= static_cast<std::size_t>(n);
  }
  return 0;
}

} // namespace

file_system::~file_system() = default;

std::optional<std::string>
posix_file_system::write_file(const std::string& path, std::string_view data) {
  auto tmp = temp_name_for(path);
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0)
    return failure("write", path, error_text(errno));
  int err = write_all(fd, data);
  // close() can report deferred write errors (e.g. ENOSPC on NFS).
  if (::close(fd) != 0 && err == 0)
    err = errno;
  if (err == 0 && ::rename(tmp.c_str(), path.c_str()) != 0)
    err = errno;
  if (err != 0) {
    ::unlink(tmp.c_str());
    return failure("write", path, error_text(err));
  }
  return std::nullopt;
}

std::optional<std::string>
posix_file_system::read_file(const std::string& path, std::string& out) {
  out.clear();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return failure("read", path, error_text(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return failure("read", path, error_text(err));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return failure("read", path, "not a regular file");
  }
  std::string buf;
  buf.resize(static_cast<std::size_t>(st.st_size));
  std::size_t got = 0;
  int err = 0;
  while (got < buf.size()) {
    auto n = ::read(fd, buf.data() + got, buf.size() - got);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      err = errno;
      break;
    }
    if (n == 0)
      break; // The file shrank while we read it.
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (err != 0)
    return failure("read", path, error_text(err));
  if (got != buf.size())
    return failure("read", path,
                   "file shrank while reading (expected "
                     + std::to_string(buf.size()) + " bytes, got "
                     + std::to_string(got) + ")");
  out = std::move(buf);
  return std::nullopt;
}

std::optional<std::string>
posix_file_system::remove_file(const std::string& path) {
  if (::unlink(path.c_str()) != 0)
    return failure("remove", path, error_text(errno));
  return std::nullopt;
}

bool posix_file_system::exists(const std::string& path) {
  std::error_code ec;
  return fs::exists(fs::path{path}, ec);
}

std::optional<std::string>
posix_file_system::create_dirs(const std::string& path) {
  std::error_code ec;
  fs::create_directories(fs::path{path}, ec);
  if (ec)
    return failure("create directory", path, ec.message());
  // create_directories reports no error if `path` exists as a file.
  if (!fs::is_directory(fs::path{path}, ec))
    return failure("create directory", path,
                   ec ? ec.message() : error_text(ENOTDIR));
  return std::nullopt;
}

std::optional<std::string>
posix_file_system::remove_all(const std::string& path) {
  std::error_code ec;
  fs::remove_all(fs::path{path}, ec);
  if (ec)
    return failure("remove directory", path, ec.message());
  return std::nullopt;
}

std::shared_ptr<file_system> default_file_system() {
  static auto instance = std::make_shared<posix_file_system>();
  return instance;
}

} // namespace ember
