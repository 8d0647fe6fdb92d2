// Tests what --output does to what already stands at its path: regular files are replaced
// atomically, FIFOs and character devices written through, the rest refused, symlinks resolved.
// Every case runs on a tmpfs mounted over /dev in this test's own mount namespace, never the real /dev.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "live/support.hpp"

using namespace tcpstat::testing;

namespace {

std::string slurp(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

struct stat lstat_of(const std::string& p) {
    struct stat st {};
    EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
    return st;
}

// A private mount namespace whose /dev is a fresh tmpfs holding only what each test makes.
class OutputTarget : public ::testing::Test {
protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "needs root for a private mount namespace";
        ASSERT_EQ(::unshare(CLONE_NEWNS), 0);
        ASSERT_EQ(::mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr), 0);
        ASSERT_EQ(::mount("tcpstat-dev", "/dev", "tmpfs", 0, "mode=0755,size=4m"), 0);
        ASSERT_EQ(::mknod("/dev/null", S_IFCHR | 0666, makedev(1, 3)), 0);
        ASSERT_EQ(::chmod("/dev/null", 0666), 0);  // mknod's mode is masked by the umask
        ASSERT_EQ(::symlink("/proc/self/fd/1", "/dev/stdout"), 0);
    }
};

TEST_F(OutputTarget, DevNullStaysTheNullDevice) {
    auto r = run_tcpstat({"summary", "-f", "prometheus", "--output", "/dev/null"});
    EXPECT_LE(r.exit_code, 1) << r.err;
    EXPECT_EQ(r.err, "");
    const struct stat st = lstat_of("/dev/null");
    EXPECT_TRUE(S_ISCHR(st.st_mode)) << "--output /dev/null must not turn it into a regular file";
    EXPECT_EQ(st.st_rdev, makedev(1, 3));
    EXPECT_EQ(st.st_mode & 07777, 0666u);
}

TEST_F(OutputTarget, DevStdoutIsWrittenThroughAndStaysASymlink) {
    auto r = run_tcpstat({"summary", "-f", "prometheus", "--output", "/dev/stdout"});
    EXPECT_LE(r.exit_code, 1) << r.err;
    EXPECT_NE(r.out.find("tcpstat_sockets"), std::string::npos) << "the summary reaches the caller's stdout: " << r.out;
    EXPECT_TRUE(S_ISLNK(lstat_of("/dev/stdout").st_mode));
}

TEST_F(OutputTarget, FifoIsWrittenThroughOrRefusedWithoutAReader) {
    ASSERT_EQ(::mkfifo("/dev/metrics.fifo", 0600), 0);
    // No reader: one line, exit 2, at once (opening a FIFO for writing would otherwise wait forever).
    auto none = run_tcpstat({"summary", "--output", "/dev/metrics.fifo"}, {}, 20);
    EXPECT_EQ(none.exit_code, 2) << none.err;
    EXPECT_EQ(lines_of(none.err).size(), 1u) << none.err;
    EXPECT_NE(none.err.find("nothing reads it"), std::string::npos) << none.err;
    EXPECT_TRUE(S_ISFIFO(lstat_of("/dev/metrics.fifo").st_mode));

    // With a reader, the summary arrives through the FIFO and the FIFO is still one.
    std::string got;
    std::thread reader([&] {
        const int fd = ::open("/dev/metrics.fifo", O_RDONLY);
        if (fd < 0) return;
        char buf[4096];
        for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) got.append(buf, static_cast<std::size_t>(n));
        ::close(fd);
    });
    // The reader must be waiting in open() before tcpstat opens without blocking.
    bool written = false;
    for (int attempt = 0; attempt < 100 && !written; ++attempt) {
        auto r = run_tcpstat({"summary", "--output", "/dev/metrics.fifo"}, {}, 20);
        written = r.exit_code <= 1;
        if (!written) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (!written) {  // unblock the reader so the thread ends
        const int fd = ::open("/dev/metrics.fifo", O_WRONLY | O_NONBLOCK);
        if (fd >= 0) ::close(fd);
    }
    reader.join();
    EXPECT_TRUE(written);
    EXPECT_NE(got.find("STATE"), std::string::npos) << got;
    EXPECT_TRUE(S_ISFIFO(lstat_of("/dev/metrics.fifo").st_mode));
}

TEST_F(OutputTarget, SymlinkToARegularFileReplacesTheTargetAndKeepsTheLink) {
    { std::ofstream("/dev/real.prom") << "old\n"; }
    ASSERT_EQ(::symlink("real.prom", "/dev/link.prom"), 0);
    auto r = run_tcpstat({"summary", "-f", "prometheus", "--output", "/dev/link.prom"});
    EXPECT_LE(r.exit_code, 1) << r.err;
    EXPECT_TRUE(S_ISLNK(lstat_of("/dev/link.prom").st_mode)) << "the link itself stays";
    const struct stat real = lstat_of("/dev/real.prom");
    EXPECT_TRUE(S_ISREG(real.st_mode));
    EXPECT_EQ(real.st_mode & 0777, 0644u);
    EXPECT_NE(slurp("/dev/real.prom").find("tcpstat_sockets"), std::string::npos);
}

TEST_F(OutputTarget, RefusesWhatItCannotWriteAndLeavesItAlone) {
    ASSERT_EQ(::symlink("missing.prom", "/dev/dangling.prom"), 0);
    ASSERT_EQ(::mknod("/dev/disk", S_IFBLK | 0600, makedev(7, 200)), 0);
    ASSERT_EQ(::mkdir("/dev/dir", 0755), 0);
    struct Case {
        const char* path;
        const char* says;
    };
    for (const Case& c : {Case{"/dev/dangling.prom", "symlink to a file that does not exist"},
                          Case{"/dev/disk", "block device"}, Case{"/dev/dir", "directory"}}) {
        const struct stat before = lstat_of(c.path);
        auto r = run_tcpstat({"summary", "--output", c.path});
        EXPECT_EQ(r.exit_code, 2) << c.path;
        EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
        EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
        const struct stat after = lstat_of(c.path);
        EXPECT_EQ(after.st_ino, before.st_ino) << c.path << " was replaced";
        EXPECT_EQ(after.st_mode, before.st_mode) << c.path;
    }
    EXPECT_NE(::access("/dev/missing.prom", F_OK), 0) << "a dangling link's target is not created";
}

}  // namespace
