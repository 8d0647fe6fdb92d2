// Owns the recorded /proc trees live tests build in a temporary directory, and their sample rows.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace tcpstat::testing {

inline constexpr const char* kHeader =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
// 127.0.0.1:8080 LISTEN, inode 5001.
inline constexpr const char* kListen =
    "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5001 1 "
    "0000000000000000 100 0 0 10 0\n";
// 127.0.0.1:8080 <-> 127.0.0.1:40000 ESTABLISHED, inode 5002.
inline constexpr const char* kEstab =
    "   1: 0100007F:1F90 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 5002 1 "
    "0000000000000000 20 4 30 10 -1\n";

// A temporary directory tree readable by anyone (the unprivileged case runs as nobody).
class Tree {
public:
    Tree() {
        char tmpl[] = "/tmp/tcpstat-procroot-XXXXXX";
        const char* d = ::mkdtemp(tmpl);
        if (!d) std::abort();
        root_ = d;
        ::chmod(d, 0755);
    }
    ~Tree() {
        std::error_code ec;
        std::filesystem::remove_all(root_, ec);
    }
    Tree(const Tree&) = delete;
    Tree& operator=(const Tree&) = delete;

    const std::string& root() const { return root_; }
    std::string path(const std::string& rel) const { return root_ + "/" + rel; }
    void file(const std::string& rel, const std::string& content, mode_t mode = 0644) const {
        std::filesystem::create_directories(std::filesystem::path(path(rel)).parent_path());
        std::ofstream(path(rel), std::ios::binary) << content;
        ::chmod(path(rel).c_str(), mode);
    }
    void dir(const std::string& rel) const { std::filesystem::create_directories(path(rel)); }
    void symlink(const std::string& rel, const std::string& target) const {
        std::filesystem::create_directories(std::filesystem::path(path(rel)).parent_path());
        std::filesystem::create_symlink(target, path(rel));
    }

private:
    std::string root_;
};

}  // namespace tcpstat::testing
