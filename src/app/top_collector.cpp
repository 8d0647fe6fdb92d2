// Owns the background refreshes of `tcpstat top`: one pipeline run per interval on its own thread.
#include "app/top_collector.hpp"

#include <chrono>
#include <exception>

#include <fmt/format.h>

#include "app/pipeline.hpp"
#include "tcpstat/grouping.hpp"

namespace tcpstat::app {

using Clock = std::chrono::steady_clock;

TopCollector::TopCollector(const TopSettings& initial) : settings_(initial) { thread_ = std::thread([this] { loop(); }); }

TopCollector::~TopCollector() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

TopSettings TopCollector::settings() const {
    std::lock_guard lock(mutex_);
    return settings_;
}

void TopCollector::update(const TopSettings& s, bool now) {
    {
        std::lock_guard lock(mutex_);
        settings_ = s;
        now_ = now_ || now;
    }
    wake_.notify_all();
}

std::optional<TopSample> TopCollector::take() {
    std::lock_guard lock(mutex_);
    std::optional<TopSample> out = std::move(latest_);
    latest_.reset();
    return out;
}

bool TopCollector::busy() const {
    std::lock_guard lock(mutex_);
    return busy_;
}

void TopCollector::loop() {
    // Each refresh is one pipeline run, as `tcpstat -g state,process` makes (refresh()).
    Clock::time_point due = Clock::now();
    std::unique_lock lock(mutex_);
    while (!stop_) {
        wake_.wait_until(lock, due, [&] { return stop_ || now_ || (!settings_.paused && Clock::now() >= due); });
        if (stop_) break;
        if (!now_ && (settings_.paused || Clock::now() < due)) {
            if (settings_.paused) due = Clock::now() + std::chrono::hours(24);
            continue;
        }
        now_ = false;
        busy_ = true;
        const TopSettings s = settings_;
        lock.unlock();
        const auto started = Clock::now();
        TopSample sample = refresh(s);
        sample.seconds = std::chrono::duration<double>(Clock::now() - started).count();
        lock.lock();
        busy_ = false;
        latest_ = std::move(sample);
        due = started + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s.interval));
        if (settings_.paused) due = Clock::now() + std::chrono::hours(24);
    }
}

TopSample TopCollector::refresh(const TopSettings& s) {
    TopSample out;
    out.settings = s;
    try {
        Options o = s.options;
        o.request.extended = o.request.extended || s.details;
        o.want_cmdline = s.details;
        auto backend = make_system_backend(o.request);
        auto snap = std::make_shared<Snapshot>(gather(o, *backend));
        // OLDEST and RATE as in --watch; the tracker forgets groups a new grouping no longer has.
        const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::steady_clock::now().time_since_epoch()).count();
        out.first_seen = growth_.observe(*snap, now);
        out.taken_ms = now;
        std::vector<std::int64_t> oldest;
        const Table groups = group_sockets(*snap, top_grouping_keys(s.grouping), nullptr, {}, out.first_seen, &oldest);
        out.groups = growth_.annotate(groups, oldest, now);
        out.totals = top_state_totals(*snap, o.filter.tcp, o.filter.udp);
        out.snap = std::move(snap);
    } catch (const std::exception& e) {
        out.error = e.what();
    }
    return out;
}

}  // namespace tcpstat::app
