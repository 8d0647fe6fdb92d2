// Owns the background refreshes of `tcpstat top`: one pipeline run per interval on its own thread.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app/options.hpp"
#include "tcpstat/growth.hpp"
#include "tcpstat/top_model.hpp"

namespace tcpstat::app {

// What the view wants from the next refresh; changed by keys, read by the worker.
struct TopSettings {
    TopGrouping grouping = TopGrouping::StateProcess;
    double interval = 2;
    bool paused = false;
    bool details = false;  // the detail pane is open: fetch tcp_info and command lines too
    Options options;       // filters and source: the command line's, or the filter bar's since
    std::uint64_t generation = 0;  // bumped by every change of grouping or filter
};

// One finished refresh: the snapshot and its aggregates, computed off the key-reading thread.
struct TopSample {
    std::shared_ptr<const Snapshot> snap;
    Table groups;       // grouped by settings.grouping
    std::vector<std::int64_t> first_seen;  // per snap->sockets: when the collector first saw each
    std::int64_t taken_ms = 0;             // steady clock, when it was taken (the growth's "now")
    std::string totals;  // top_state_totals
    std::string error;  // a refresh that failed: its message (snap empty then)
    TopSettings settings;  // those it was taken with
    double seconds = 0;    // how long the refresh took
};

class TopCollector {
public:
    explicit TopCollector(const TopSettings& initial);
    ~TopCollector();  // stops and joins; a refresh in flight finishes first
    TopCollector(const TopCollector&) = delete;
    TopCollector& operator=(const TopCollector&) = delete;

    TopSettings settings() const;
    // New settings; `now` starts a refresh at once instead of at the next interval.
    void update(const TopSettings& s, bool now);
    // The newest finished refresh not yet taken.
    std::optional<TopSample> take();
    bool busy() const;

private:
    GrowthTracker growth_;  // only the worker thread (refresh) uses it
    void loop();
    TopSample refresh(const TopSettings& s);

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    TopSettings settings_;
    bool now_ = true;
    bool stop_ = false;
    bool busy_ = false;
    std::optional<TopSample> latest_;
    std::thread thread_;
};

}  // namespace tcpstat::app
