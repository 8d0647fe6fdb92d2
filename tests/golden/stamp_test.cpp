// Tests the --watch stamps: the UTC spelling, and the "time" member JSON Lines objects get first.
#include <gtest/gtest.h>

#include "tcpstat/render.hpp"

using namespace tcpstat;

TEST(Stamp, UtcIsIsoToTheSecond) {
    EXPECT_EQ(format_utc(0), "1970-01-01T00:00:00Z");
    EXPECT_EQ(format_utc(1796149800999), "2026-12-01T18:30:00Z");  // ms never round up
}

TEST(Stamp, TimeIsTheFirstMemberOfEachObject) {
    EXPECT_EQ(add_time_field("{\"a\":1}\n{}\n", "T"), "{\"time\":\"T\",\"a\":1}\n{\"time\":\"T\"}\n");
}
