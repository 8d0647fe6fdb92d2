// Owns reading, comparing and regenerating golden files, with diff-friendly failure messages.
#include "golden.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include <gtest/gtest.h>

namespace tcpstat::golden {

namespace {

std::string path_of(const std::string& name) { return std::string(TCPSTAT_GOLDEN_DIR) + "/expected/" + name; }

bool updating() {
    const char* v = std::getenv("TCPSTAT_UPDATE_GOLDEN");
    return v != nullptr && std::string(v) == "1";
}

// Lines including their terminators, so a missing final newline or CR shows as a difference.
std::vector<std::string> lines_of(const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < s.size()) {
        std::size_t nl = s.find('\n', start);
        std::size_t end = nl == std::string::npos ? s.size() : nl + 1;
        out.push_back(s.substr(start, end - start));
        start = end;
    }
    return out;
}

}  // namespace

std::string visible(const std::string& s) {
    std::string r;
    for (unsigned char c : s) {
        if (c == '\n') {
            r += "\\n";
        } else if (c == '\t') {
            r += "\\t";
        } else if (c == '\r') {
            r += "\\r";
        } else if (c < 0x20 || c == 0x7F) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            r += buf;
        } else {
            r += static_cast<char>(c);
        }
    }
    return r;
}

void expect_golden(const std::string& name, const std::string& actual) {
    const std::string path = path_of(name);
    if (updating()) {
        std::ofstream f(path, std::ios::binary | std::ios::trunc);
        f << actual;
        ASSERT_TRUE(f.good()) << "cannot write " << path;
        return;
    }
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        ADD_FAILURE() << "missing golden file " << path
                      << "\n  create it by running the tests with TCPSTAT_UPDATE_GOLDEN=1, then review the diff";
        return;
    }
    std::stringstream ss;
    ss << f.rdbuf();
    const std::string expected = ss.str();
    if (expected == actual) return;

    const auto want = lines_of(expected);
    const auto got = lines_of(actual);
    std::size_t i = 0;
    while (i < want.size() && i < got.size() && want[i] == got[i]) ++i;
    std::ostringstream msg;
    msg << "output differs from " << path << " at line " << (i + 1) << " (expected " << want.size()
        << " lines, got " << got.size() << ")\n"
        << "  expected: " << (i < want.size() ? visible(want[i]) : std::string("<end of file>")) << "\n"
        << "  actual:   " << (i < got.size() ? visible(got[i]) : std::string("<end of output>")) << "\n"
        << "  if the change is intended, rerun with TCPSTAT_UPDATE_GOLDEN=1 and review `git diff "
        << "tests/golden/expected`";
    ADD_FAILURE() << msg.str();
}

}  // namespace tcpstat::golden
