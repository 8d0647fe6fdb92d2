// Tests that every message tcpstat writes for people (warnings, errors, a check's UNKNOWN) is one
// line escaped like the text formats: no control byte, C1 control, bidi override or invalid UTF-8.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "live/support.hpp"

using namespace tcpstat::testing;
namespace fs = std::filesystem;

namespace {

// The bytes a hostile name or path may hold: ESC, a newline, CSI (C1), RLO, invalid UTF-8.
const std::string kHostile = "\x1b[31m\nevil\xc2\x9b" "2J\xe2\x80\xae" "txt\xff";
const std::string kHostileEscaped = "\\x1b[31m\\nevil\\xc2\\x9b2J\\u202etxt\\xff";

void expect_safe_line(const std::string& text, const std::string& what) {
    EXPECT_EQ(lines_of(text).size(), 1u) << what << ": " << text;
    for (std::size_t i = 0; i + 1 < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        EXPECT_TRUE(c >= 0x20 && c != 0x7f) << what << ": raw byte " << int(c) << " at " << i;
        EXPECT_FALSE(c == 0xC2 && static_cast<unsigned char>(text[i + 1]) < 0xA0) << what << ": raw C1";
        EXPECT_NE(c, 0xFF) << what << ": invalid UTF-8";
    }
    EXPECT_EQ(text.find("\xe2\x80\xae"), std::string::npos) << what << ": raw RIGHT-TO-LEFT OVERRIDE";
    EXPECT_NE(text.find(kHostileEscaped), std::string::npos) << what << ": " << text;
}

// A recorded tree under a hostile directory name holding net/tcp only: reading tcp6 warns
// with the path in the message.
struct HostileRoot {
    fs::path base, root;
    HostileRoot() {
        char tmpl[] = "/tmp/tcpstat-msg-XXXXXX";
        base = ::mkdtemp(tmpl);
        root = base / kHostile;
        fs::create_directories(root / "net");
        std::ofstream(root / "net" / "tcp")
            << "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
            << "   0: 0100007F:1A0B 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0 "
               "100 0 0 10 0\n";
    }
    ~HostileRoot() {
        std::error_code ec;
        fs::remove_all(base, ec);
    }
};

}  // namespace

TEST(MessageEscaping, WarningsQuotingAHostilePathStayOneSafeLine) {
    HostileRoot t;
    auto r = run_tcpstat({"--proc-root", t.root.string(), "-t", "--count"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "1\n");
    expect_safe_line(r.err, "listing warning");
    EXPECT_EQ(r.err.rfind("tcpstat: warning: cannot read ", 0), 0u) << r.err;
}

TEST(MessageEscaping, WatchWarningsToo) {
    HostileRoot t;
    auto r = run_tcpstat({"--proc-root", t.root.string(), "-t", "-g", "state", "--watch", "0.1", "--iterations", "2"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    expect_safe_line(r.err, "--watch warning (said once)");
}

TEST(MessageEscaping, ErrorsQuotingTheUsersInput) {
    expect_safe_line(run_tcpstat({"-s", kHostile}).err, "bad state");
    expect_safe_line(run_tcpstat({"--no-such-option" + kHostile}).err, "unknown option (CLI11's message)");
    auto missing = run_tcpstat({"--proc-root", "/nonexistent/" + kHostile});
    EXPECT_EQ(missing.exit_code, 2);
    expect_safe_line(missing.err, "runtime error");
}

TEST(MessageEscaping, CheckUnknownLineOnStdout) {
    auto r = run_tcpstat({"check", "--warn", kHostile});
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_EQ(r.out.rfind("TCPSTAT UNKNOWN - ", 0), 0u) << r.out;
    expect_safe_line(r.out, "check UNKNOWN");
    auto parse = run_tcpstat({"check", "--warn", "1", "--bogus" + kHostile});
    EXPECT_EQ(parse.exit_code, 3);
    expect_safe_line(parse.out, "check UNKNOWN from CLI11");
}
