// Owns the tests of the one /proc reader: regular files only, never blocking, bounded; and the one sockstat parser on its live and recorded forms.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "kernel_facts_read.hpp"
#include "proc_file.hpp"

namespace tcpstat::procfs {
namespace {

class ProcFileIn : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/tcpstat-procfile-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::string path(const char* rel) const { return dir_ + "/" + rel; }
    std::string dir_;
};

TEST_F(ProcFileIn, RegularFileIsReadWholeOrCutAtTheLimit) {
    std::ofstream(path("f")) << "0123456789";
    EXPECT_EQ(read_proc_file(path("f")), "0123456789");
    EXPECT_EQ(read_proc_file(path("f"), 4), "0123");
    const int dir = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(dir, 0);
    EXPECT_EQ(read_proc_file(dir, "f", 64), "0123456789") << "relative to an open directory";
    ::close(dir);
}

TEST_F(ProcFileIn, FifoDeviceDirectoryAndMissingAreRefusedAtOnce) {
    ASSERT_EQ(::mkfifo(path("fifo").c_str(), 0644), 0);
    std::filesystem::create_symlink("/dev/zero", path("zero"));
    std::filesystem::create_directory(path("dir"));
    int err = 0;
    EXPECT_FALSE(read_proc_file(path("fifo"), 64, &err)) << "a FIFO without a writer would block open(2)";
    EXPECT_EQ(err, kNotRegularFile);
    EXPECT_FALSE(read_proc_file(path("zero"), 64, &err)) << "/dev/zero never ends";
    EXPECT_EQ(err, kNotRegularFile);
    EXPECT_FALSE(read_proc_file(path("dir"), 64, &err));
    EXPECT_EQ(err, EISDIR);
    EXPECT_FALSE(read_proc_file(path("missing"), 64, &err));
    EXPECT_EQ(err, ENOENT);
    EXPECT_EQ(proc_error_text(kNotRegularFile), "not a regular file");
}

TEST(ProcFile, KernelFilesAreOnProcfsRecordedOnesAreNot) {
    ProcFile live(AT_FDCWD, "/proc/net/sockstat");
    ASSERT_EQ(live.error(), 0);
    EXPECT_TRUE(live.on_procfs());
    ProcFile recorded(AT_FDCWD, (std::string(TCPSTAT_FIXTURES_DIR) + "/proc-kernel/full/net/sockstat").c_str());
    ASSERT_EQ(recorded.error(), 0);
    EXPECT_FALSE(recorded.on_procfs());
}

// The one parser serves doctor's orphan count and the netlink dump's sizing (sockstat6 too).
TEST(Sockstat, EveryProtocolLineAndKey) {
    const std::string v4 =
        "sockets: used 290\nTCP: inuse 12 orphan 1 tw 7 alloc 20 mem 3\nUDP: inuse 4 mem 2\nUDPLITE: inuse 0\n";
    const std::string v6 = "TCP6: inuse 5\nUDP6: inuse 2\nUDPLITE6: inuse 0\n";
    EXPECT_EQ(sockstat_value(v4, "TCP", "inuse"), 12u);
    EXPECT_EQ(sockstat_value(v4, "TCP", "tw"), 7u);
    EXPECT_EQ(sockstat_value(v4, "UDP", "inuse"), 4u);
    EXPECT_EQ(sockstat_value(v6, "TCP6", "inuse"), 5u);
    EXPECT_EQ(sockstat_value(v6, "UDP6", "inuse"), 2u);
    EXPECT_FALSE(sockstat_value(v6, "TCP", "inuse")) << "TCP6: is not TCP:";
    EXPECT_FALSE(sockstat_value(v4, "UDP", "orphan"));
    EXPECT_TRUE(sockstat_value(*read_proc_file("/proc/net/sockstat"), "TCP", "inuse")) << "the live file";
}

}  // namespace
}  // namespace tcpstat::procfs
