// Owns table_record.exe: writes the raw GetExtendedTcpTable/UdpTable buffers to files, the recorded fixtures of tests/fixtures/windows.
//
//   table_record.exe DIR     writes DIR/tcp4.bin, tcp6.bin, udp4.bin, udp6.bin (OWNER_PID) and
//                            tcp4-module.bin, tcp6-module.bin (OWNER_MODULE) exactly as the API filled them
#include <cstdio>
#include <cstring>
#include <string>
#include <tuple>

#include "platform/windows/table_fetch.hpp"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: table_record.exe DIR\n");
        return 2;
    }
    using tcpstat::win::TableClass;
    using tcpstat::win::TableKind;
    const std::tuple<TableKind, TableClass, const char*> tables[] = {
        {TableKind::Tcp4, TableClass::OwnerPid, "tcp4.bin"},
        {TableKind::Tcp6, TableClass::OwnerPid, "tcp6.bin"},
        {TableKind::Udp4, TableClass::OwnerPid, "udp4.bin"},
        {TableKind::Udp6, TableClass::OwnerPid, "udp6.bin"},
        {TableKind::Tcp4, TableClass::OwnerModule, "tcp4-module.bin"},
        {TableKind::Tcp6, TableClass::OwnerModule, "tcp6-module.bin"}};
    for (const auto& [kind, cls, file] : tables) {
        const auto got = tcpstat::win::read_growing_table(tcpstat::win::system_table_fetcher(kind, cls));
        if (!got.ok) {
            std::fprintf(stderr, "table_record: %s: error %u\n", file, got.error);
            return 1;
        }
        // The buffer carries slack past the table: keep exactly the header and its rows.
        std::uint32_t rows = 0;
        std::memcpy(&rows, got.buffer.data(), sizeof rows);
        const std::size_t used = tcpstat::win::header_size(kind, cls) + rows * tcpstat::win::row_size(kind, cls);
        const std::string path = std::string(argv[1]) + "/" + file;
        FILE* f = std::fopen(path.c_str(), "wb");
        if (f == nullptr || std::fwrite(got.buffer.data(), 1, used, f) != used) return 1;
        std::fclose(f);
        std::printf("%s: %u rows\n", file, rows);
    }
    return 0;
}
