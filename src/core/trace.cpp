// Owns the rows and the end summary of `tcpstat trace`, built from platform-free Transitions.
#include "tcpstat/trace.hpp"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

namespace tcpstat {
namespace {

// 2026-12-01T09:25:29.123456Z: sortable, unambiguous, the same in every format.
std::string utc_time(std::int64_t ns) {
    using namespace std::chrono;
    const sys_time<nanoseconds> t{nanoseconds(ns)};
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    const auto us = duration_cast<microseconds>(t - day).count();
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), us / 3600000000,
                       us / 60000000 % 60, us / 1000000 % 60, us % 1000000);
}

Table counted(std::string name, std::vector<Column> columns) {
    Table t;
    t.name = std::move(name);
    t.columns = std::move(columns);
    return t;
}

// Largest count first, ties by the key cells as written.
void sort_by_count(Table& t) {
    const std::size_t last = t.columns.size() - 1;
    std::stable_sort(t.rows.begin(), t.rows.end(), [last](const auto& a, const auto& b) {
        return std::get<std::int64_t>(a[last]) > std::get<std::int64_t>(b[last]);
    });
}

}  // namespace

std::string_view close_kind_name(CloseKind k) {
    switch (k) {
        case CloseKind::Active: return "active";
        case CloseKind::Passive: return "passive";
        case CloseKind::None: break;
    }
    return "";
}

std::vector<Column> transition_columns() {
    return {
        {"time", "TIME", FieldType::Text},
        {"from", "FROM", FieldType::Text},
        {"to", "TO", FieldType::Text},
        {"local", "LOCAL", FieldType::Text},
        {"remote", "REMOTE", FieldType::Text},
        {"pid", "PID", FieldType::Number},
        {"process", "PROCESS", FieldType::Text},
        {"in_old_us", "IN_OLD_US", FieldType::Number},
        {"close", "CLOSE", FieldType::Text},
        {"cookie", "COOKIE", FieldType::Number},
        {"netns", "NETNS", FieldType::Number},
    };
}

std::vector<Value> transition_row(const Transition& t) {
    auto opt_int = [](auto v) -> Value {
        if (!v) return std::monostate{};
        return static_cast<std::int64_t>(*v);
    };
    std::optional<Pid> pid;
    if (!t.socket.owners.empty()) pid = t.socket.owners.front().pid;
    std::optional<std::uint64_t> in_old_us;
    if (t.in_old_state_ns) in_old_us = *t.in_old_state_ns / 1000;
    Value close = std::monostate{};
    if (t.close != CloseKind::None) close = std::string(close_kind_name(t.close));
    Value process = std::monostate{};
    if (t.process) process = *t.process;
    return {
        utc_time(t.time_ns),
        std::string(state_name(t.old_state)),
        std::string(state_name(t.socket.state)),
        format_endpoint(t.socket.local),
        format_endpoint(t.socket.remote),
        opt_int(pid),
        process,
        opt_int(in_old_us),
        close,
        static_cast<std::int64_t>(t.cookie),
        opt_int(t.socket.netns),
    };
}

void TraceSummary::add(const Transition& t) {
    ++total_;
    ++pairs_[{t.old_state, t.socket.state}];
    std::optional<Pid> pid;
    if (!t.socket.owners.empty()) pid = t.socket.owners.front().pid;
    ++processes_[{pid, t.process.value_or("")}];
}

Table TraceSummary::pairs() const {
    Table t = counted("pairs", {{"from", "FROM", FieldType::Text},
                                {"to", "TO", FieldType::Text},
                                {"count", "COUNT", FieldType::Number}});
    for (const auto& [pair, n] : pairs_)
        t.rows.push_back({std::string(state_name(pair.first)), std::string(state_name(pair.second)),
                          static_cast<std::int64_t>(n)});
    sort_by_count(t);
    return t;
}

Table TraceSummary::processes() const {
    Table t = counted("processes", {{"pid", "PID", FieldType::Number},
                                    {"process", "PROCESS", FieldType::Text},
                                    {"count", "COUNT", FieldType::Number}});
    for (const auto& [key, n] : processes_) {
        Value pid = std::monostate{};
        if (key.first) pid = static_cast<std::int64_t>(*key.first);
        Value name = std::monostate{};
        if (key.first) name = key.second;
        t.rows.push_back({pid, name, static_cast<std::int64_t>(n)});
    }
    sort_by_count(t);
    return t;
}

}  // namespace tcpstat
