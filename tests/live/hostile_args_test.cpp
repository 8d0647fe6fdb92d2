// Tests that bad values holding control bytes still give one line of error with no raw control byte.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "live/support.hpp"

using namespace tcpstat::testing;

namespace {

bool has_raw_control(const std::string& s) {
    for (std::size_t i = 0; i + 1 < s.size(); ++i) {  // the final '\n' is the line's own
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == 0x7f) return true;
    }
    return false;
}

}  // namespace

// Regression: messages quote the value back, so `--state $'x\n\e]0;title\a'` printed two lines
// and let an escape sequence through to the terminal.
TEST(HostileArguments, ErrorStaysOneEscapedLine) {
    const std::string evil = "x\n\x1b]0;title\x07\x7f";
    const std::vector<std::vector<std::string>> cases = {
        {"--state", evil},   {"--port", evil},   {"--src", evil},         {"--fields", evil},
        {"-g", evil},        {"--sort", evil},   {"-f", evil},            {"--user", evil},
        {"explain", evil},   {"--pid", evil},    {"--bogus" + evil},      {"--color", evil},
        {"--proc-root", "/nonexistent/" + evil},
    };
    for (const auto& args : cases) {
        auto r = run_tcpstat(args);
        EXPECT_EQ(r.exit_code, 2) << args[0] << "\n" << r.out << r.err;
        EXPECT_EQ(r.out, "") << args[0];
        EXPECT_EQ(lines_of(r.err).size(), 1u) << args[0] << "\n" << r.err;
        EXPECT_FALSE(has_raw_control(r.err)) << args[0] << "\n" << r.err;
        EXPECT_EQ(r.err.rfind("tcpstat: ", 0), 0u) << r.err;
    }
}

TEST(HostileArguments, CheckUnknownStaysOnePluginLine) {
    const std::string evil = "5\n\x1b[2J";
    for (const auto& args : std::vector<std::vector<std::string>>{{"check", "--warn", evil},
                                                                   {"check", "--crit", "1", "--per", evil},
                                                                   {"check", "--warn", "1", "--state", evil}}) {
        auto r = run_tcpstat(args);
        EXPECT_EQ(r.exit_code, 3) << args[2] << "\n" << r.out << r.err;
        EXPECT_EQ(lines_of(r.out).size(), 1u) << r.out;
        EXPECT_EQ(r.out.rfind("TCPSTAT UNKNOWN - ", 0), 0u) << r.out;
        EXPECT_FALSE(has_raw_control(r.out)) << r.out;
        EXPECT_NE(r.out.find("5\\n\\x1b[2J"), std::string::npos) << "escaped as the text formats do: " << r.out;
    }
}
