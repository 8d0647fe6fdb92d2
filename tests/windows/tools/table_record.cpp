// Owns table_record.exe: writes the raw GetExtendedTcpTable/UdpTable buffers to files, the recorded fixtures of tests/fixtures/windows.
//
//   table_record.exe DIR     writes DIR/tcp4.bin, tcp6.bin, udp4.bin, udp6.bin exactly as the API filled them
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>

#include "platform/windows/table_fetch.hpp"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: table_record.exe DIR\n");
        return 2;
    }
    using tcpstat::win::TableKind;
    const std::pair<TableKind, const char*> tables[] = {
        {TableKind::Tcp4, "tcp4.bin"}, {TableKind::Tcp6, "tcp6.bin"}, {TableKind::Udp4, "udp4.bin"}, {TableKind::Udp6, "udp6.bin"}};
    for (const auto& [kind, file] : tables) {
        const auto got = tcpstat::win::read_growing_table(tcpstat::win::system_table_fetcher(kind));
        if (!got.ok) {
            std::fprintf(stderr, "table_record: %s: error %u\n", file, got.error);
            return 1;
        }
        // The buffer carries slack past the table: keep exactly the header and its rows.
        std::uint32_t rows = 0;
        std::memcpy(&rows, got.buffer.data(), sizeof rows);
        const std::size_t used = tcpstat::win::kTableHeaderSize + rows * tcpstat::win::row_size(kind);
        const std::string path = std::string(argv[1]) + "/" + file;
        FILE* f = std::fopen(path.c_str(), "wb");
        if (f == nullptr || std::fwrite(got.buffer.data(), 1, used, f) != used) return 1;
        std::fclose(f);
        std::printf("%s: %u rows\n", file, rows);
    }
    return 0;
}
