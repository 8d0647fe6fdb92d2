// Owns the timing note for parse_table on 100k-row tables (printed, not asserted).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "procfs.hpp"

namespace tcpstat::procfs {
namespace {

// Rows in the kernel's exact layout, with distinct ports, queues and inodes.
std::string synthetic_table(std::size_t rows, bool v6) {
    std::string text = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
    char line[256];
    for (std::size_t i = 0; i < rows; ++i) {
        const unsigned port = 1024 + static_cast<unsigned>(i % 60000);
        if (v6)
            std::snprintf(line, sizeof line,
                          "%6zu: 0000000000000000FFFF00000100007F:%04X 0000000000000000FFFF00000200007F:1F90 01 "
                          "%08X:%08X 02:%08X 00000000  1000        0 %zu 1 0000000000000000 20 4 30 10 -1\n",
                          i, port, static_cast<unsigned>(i % 7), static_cast<unsigned>(i % 11),
                          static_cast<unsigned>(i % 5000), 100000 + i);
        else
            std::snprintf(line, sizeof line,
                          "%6zu: 0100007F:%04X 0200007F:1F90 01 %08X:%08X 02:%08X 00000000  1000        0 %zu 1 "
                          "0000000000000000 20 4 30 10 -1\n",
                          i, port, static_cast<unsigned>(i % 7), static_cast<unsigned>(i % 11),
                          static_cast<unsigned>(i % 5000), 100000 + i);
        text += line;
    }
    return text;
}

TEST(ProcfsBench, HundredThousandRows) {
    constexpr std::size_t kRows = 100000;
    for (bool v6 : {false, true}) {
        const std::string text = synthetic_table(kRows, v6);
        std::vector<Socket> out;
        const auto t0 = std::chrono::steady_clock::now();
        const auto st = parse_table(text, Protocol::Tcp, v6 ? Family::Inet6 : Family::Inet, out);
        const auto t1 = std::chrono::steady_clock::now();
        ASSERT_EQ(st.rows, kRows);
        ASSERT_EQ(st.malformed, 0u);
        EXPECT_EQ(out.back().inode, 100000u + kRows - 1);
        EXPECT_EQ(out[12345].local.port, 1024 + 12345);
        // Again into the same, already touched memory: the first figure includes faulting in
        // sizeof(Socket) * rows of fresh pages, this one is the parsing alone.
        out.clear();
        const auto t2 = std::chrono::steady_clock::now();
        parse_table(text, Protocol::Tcp, v6 ? Family::Inet6 : Family::Inet, out);
        const auto t3 = std::chrono::steady_clock::now();
        using ms = std::chrono::duration<double, std::milli>;
        std::printf("[ bench    ] parse_table, %zu %s rows (%.1f MB, %zu-byte Socket): %.1f ms, reused vector %.1f ms\n",
                    kRows, v6 ? "tcp6" : "tcp", static_cast<double>(text.size()) / 1e6, sizeof(Socket),
                    ms(t1 - t0).count(), ms(t3 - t2).count());
    }
}

}  // namespace
}  // namespace tcpstat::procfs
