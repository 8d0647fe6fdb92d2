// Owns every name lookup tcpstat makes, all in the app layer and never in the core: host and
// service names in filters (before collection), interface names of IPv6 zones and -r's reverse
// lookups (after it, into the Snapshot's name maps that render prints).
#pragma once

#include <string_view>

#include "app/options.hpp"
#include "tcpstat/endpoint.hpp"
#include "tcpstat/model.hpp"

namespace tcpstat::app {

// "db1", "localhost", "host.example": what --src/--dst hand to getaddrinfo. Text with ':' or
// '/', or only digits and dots, is an address (and a malformed one gets the address error).
bool is_host_name(std::string_view text);
// "ssh", "postgresql", "http-alt": a port item with a letter is a service name (/etc/services).
bool is_service_name(std::string_view text);

// The OS's interface table (if_nametoindex / if_indextoname).
const InterfaceNames& system_interfaces();

// Turns the names of a filter into its entries and push-down hints: every address a host name
// resolves to, the port of each service name for the protocols asked for, named zones. Throws
// UsageError naming the item when a name does not resolve.
void resolve_filter_names(const NameQueries& names, Filter& filter, CollectRequest& request);

// Fills snap.interface_names for the zones its sockets carry and, with resolve, host_names and
// service_names by reverse lookups: cached for the process's life (--watch asks again and
// again), bounded in total time, numbers kept (one warning) where a lookup did not answer.
void name_snapshot(Snapshot& snap, bool resolve);

}  // namespace tcpstat::app
