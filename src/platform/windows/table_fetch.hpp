// Owns the declaration of the real GetExtendedTcpTable/UdpTable fetcher, for the backend and the fixture recorder.
#pragma once

#include "mib_convert.hpp"

namespace tcpstat::win {

// Reads one table with the API into the buffer: TCP as TCP_TABLE_OWNER_PID_ALL or, with
// TableClass::OwnerModule, TCP_TABLE_OWNER_MODULE_ALL; UDP always as UDP_TABLE_OWNER_PID.
TableFetcher system_table_fetcher(TableKind kind, TableClass cls = TableClass::OwnerPid);

}  // namespace tcpstat::win
