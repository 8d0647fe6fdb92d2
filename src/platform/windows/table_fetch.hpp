// Owns the declaration of the real GetExtendedTcpTable/UdpTable fetcher, for the backend and the fixture recorder.
#pragma once

#include "mib_convert.hpp"

namespace tcpstat::win {

// Reads one table with the API (TCP_TABLE_OWNER_PID_ALL / UDP_TABLE_OWNER_PID) into the buffer.
TableFetcher system_table_fetcher(TableKind kind);

}  // namespace tcpstat::win
