// Owns the exporter's metric model (families of labelled samples) and the cardinality guards that
// turn one snapshot into a bounded set of series for `tcpstat serve`.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "tcpstat/endpoint.hpp"
#include "tcpstat/grouping.hpp"
#include "tcpstat/kernel_facts.hpp"
#include "tcpstat/model.hpp"

namespace tcpstat {

enum class MetricType { Gauge, Counter };

struct Sample {
    std::vector<std::pair<std::string, std::string>> labels;  // name, raw value (escaped when written)
    double value = 0;
};

// A counter's name is given without `_total`: the renderer adds it as each format wants.
struct MetricFamily {
    std::string name;
    std::string help;
    MetricType type = MetricType::Gauge;
    std::vector<Sample> samples;
};

// The guards, all on by default. Client-side (ephemeral) local ports are always folded into
// port="client"; the rest is bounded by these.
struct ExporterLimits {
    std::vector<PortRange> ports;  // --ports: server ports that keep their own label; empty: all
    std::size_t top = 20;          // --top: processes by socket count that keep their name; 0: all
    std::size_t max_series = 1000; // --max-series: per-socket series (sockets + listener gauges)
};
inline constexpr std::size_t kMinMaxSeries = 50;  // room for every proto x state `other` series

// Series each guard rewrote in one scrape: folded into an `other` series (or, for listeners
// over the cap, dropped). What was folded stays counted: the `other` series carry their sockets.
struct FoldedSeries {
    std::size_t ports = 0, top = 0, cap = 0;
};

struct SocketMetrics {
    std::vector<MetricFamily> families;
    FoldedSeries folded;
};

// tcpstat_sockets{proto,state,process,port}, the accept queue and backlog per listener, and the
// host's counters from `facts`. `servers` says which local ports are servers' (others: "client").
SocketMetrics socket_metrics(const Snapshot& snap, const ServerPorts& servers, const KernelFacts& facts,
                             const ExporterLimits& limits);

}  // namespace tcpstat
