// Owns the comparison of rendered output with the checked-in files under tests/golden/expected.
#pragma once

#include <string>

namespace tcpstat::golden {

// Compares actual with expected/<name> byte for byte (a gtest failure names the first differing
// line); with TCPSTAT_UPDATE_GOLDEN=1 in the environment it rewrites the file instead.
void expect_golden(const std::string& name, const std::string& actual);

// A line with its bytes made visible (\x1b, \t, \r), for failure messages.
std::string visible(const std::string& s);

}  // namespace tcpstat::golden
