// Guards `tcpstat record`: the pinned recorder gives listings exact ages in this test's namespace, status names the pins, stop removes them.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "live/support.hpp"

namespace tcpstat::testing {
namespace {

using nlohmann::json;

// A pin directory of this test process's own, never the host's /sys/fs/bpf/tcpstat; stopped
// (pins removed, program detached) whatever the test did.
class PrivateRecorder {
public:
    PrivateRecorder() : dir_("/sys/fs/bpf/tcpstat-test-" + std::to_string(::getpid())) {}
    ~PrivateRecorder() { run({"record", "stop"}); }
    PrivateRecorder(const PrivateRecorder&) = delete;
    PrivateRecorder& operator=(const PrivateRecorder&) = delete;

    RunResult run(const std::vector<std::string>& args) const { return run_tcpstat(args, {env()}); }
    std::string env() const { return "TCPSTAT_RECORD_DIR=" + dir_; }
    const std::string& dir() const { return dir_; }

private:
    std::string dir_;
};

bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

bool recorder_unavailable(const RunResult& r) {
    return r.exit_code == 2 && (r.err.find("not in this build") != std::string::npos ||
                                r.err.find("BTF") != std::string::npos);
}

// The socket on `port` in state `state` of a json listing, or null.
json socket_in(const std::string& out, const std::string& state, const std::string& local_suffix) {
    const json doc = json::parse(out);
    for (const json& s : doc["sockets"])
        if (s["state"] == state && s["local"].get<std::string>().ends_with(local_suffix)) return s;
    return json();
}

TEST(Record, CloseWaitAgeMatchesAMeasuredSleepAndStopRemovesThePins) {
    if (::geteuid() != 0) GTEST_SKIP() << "record needs root";
    const PrivateRecorder rec;
    const RunResult started = rec.run({"record", "start"});
    if (recorder_unavailable(started)) GTEST_SKIP() << started.err;
    ASSERT_EQ(started.exit_code, 0) << started.err;
    EXPECT_TRUE(exists(rec.dir() + "/link"));

    const int listener = listen_tcp(false);
    const std::uint16_t port = local_port(listener);
    const int client = connect_tcp(false, port);
    const int server = accept_one(listener);
    ::close(client);  // the server end goes to CLOSE_WAIT now
    const auto closed_at = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    const RunResult listed = rec.run({"-s", "close_wait", "-f", "json", "--fields", "state,local,remote,idle_ms,age"});
    const auto listed_at = std::chrono::steady_clock::now();
    ASSERT_EQ(listed.exit_code, 0) << listed.err;
    const json cw = socket_in(listed.out, "CLOSE_WAIT", ":" + std::to_string(port));
    ASSERT_TRUE(cw.is_object()) << listed.out;
    ASSERT_TRUE(cw["age"].is_number()) << listed.out;
    const auto slept_ms = std::chrono::duration_cast<std::chrono::milliseconds>(listed_at - closed_at).count();
    EXPECT_GE(cw["age"].get<std::int64_t>(), 1500 - 50) << listed.out;
    EXPECT_LE(cw["age"].get<std::int64_t>(), slept_ms + 50) << listed.out;
    EXPECT_TRUE(cw.contains("idle_ms")) << "idle time stays its own field";

    // The client end closed first, in this process: FIN_WAIT1 here, FIN_WAIT2 in softirq, and
    // changed_by is still this process (never the task that happened to be on the CPU).
    const RunResult fw = rec.run({"-s", "fin_wait2", "-f", "json", "--fields", "state,local,remote,age,changed_by"});
    ASSERT_EQ(fw.exit_code, 0) << fw.err;
    json client_end;
    {
        const json doc = json::parse(fw.out);
        for (const json& s : doc["sockets"])
            if (s["remote"].get<std::string>().ends_with(":" + std::to_string(port))) client_end = s;
    }
    ASSERT_TRUE(client_end.is_object()) << fw.out;
    EXPECT_EQ(client_end["changed_by"], ::getpid()) << fw.out;
    EXPECT_TRUE(client_end["age"].is_number()) << fw.out;

    // status says what is pinned and that it holds this socket.
    const RunResult status = rec.run({"record", "status", "-f", "json"});
    ASSERT_EQ(status.exit_code, 0) << status.err;
    const json st = json::parse(status.out)["recorder"][0];
    EXPECT_EQ(st["recording"], "yes");
    EXPECT_EQ(st["pinned"], rec.dir());
    EXPECT_GE(st["sockets"].get<int>(), 3);
    EXPECT_GE(st["transitions"].get<int>(), 5);

    const RunResult stopped = rec.run({"record", "stop"});
    ASSERT_EQ(stopped.exit_code, 0) << stopped.err;
    EXPECT_FALSE(exists(rec.dir())) << "stop leaves pins behind";
    const RunResult after = rec.run({"record", "status"});
    EXPECT_EQ(after.exit_code, 1) << after.out;
    // Nothing records now: the listing has no age, and says nothing about it.
    const RunResult unrecorded = rec.run({"-s", "close_wait", "-f", "json", "--fields", "state,local,age"});
    ASSERT_EQ(unrecorded.exit_code, 0) << unrecorded.err;
    EXPECT_EQ(unrecorded.err, "");
    EXPECT_TRUE(socket_in(unrecorded.out, "CLOSE_WAIT", ":" + std::to_string(port))["age"].is_null()) << unrecorded.out;
    ::close(server);
    ::close(listener);
}

// A socket that entered its state before `record start` was not seen entering it: no age.
TEST(Record, SocketOlderThanTheRecorderHasNoAge) {
    if (::geteuid() != 0) GTEST_SKIP() << "record needs root";
    const int listener = listen_tcp(false);
    const std::uint16_t port = local_port(listener);
    const PrivateRecorder rec;
    const RunResult started = rec.run({"record", "start"});
    if (recorder_unavailable(started)) GTEST_SKIP() << started.err;
    ASSERT_EQ(started.exit_code, 0) << started.err;
    const RunResult listed = rec.run({"-l", "-f", "json", "--fields", "state,local,age"});
    ASSERT_EQ(listed.exit_code, 0) << listed.err;
    const json l = socket_in(listed.out, "LISTEN", ":" + std::to_string(port));
    ASSERT_TRUE(l.is_object()) << listed.out;
    EXPECT_TRUE(l["age"].is_null()) << listed.out;
    ::close(listener);
}

// Without privilege: one line naming what is missing, exit 2; listings silently have no age.
TEST(Record, PlainUserIsRefusedInOneLine) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to switch to nobody";
    const auto nobody = [] {
        if (::setgid(65534) != 0 || ::setuid(65534) != 0) ::_exit(95);
    };
    const RunResult r = run_tcpstat({"record", "start"}, {"TCPSTAT_RECORD_DIR=/sys/fs/bpf/tcpstat-test-nobody"}, 30, nobody);
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("needs root"), std::string::npos) << r.err;
    EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
    EXPECT_FALSE(exists("/sys/fs/bpf/tcpstat-test-nobody"));
    const RunResult listed = run_tcpstat({"--fields", "state,age"}, {}, 30, nobody);
    EXPECT_TRUE(listed.exit_code == 0 || listed.exit_code == 1) << listed.err;
    EXPECT_EQ(listed.err.find("age"), std::string::npos) << listed.err;
}

TEST(Record, UnknownActionIsAUsageError) {
    const RunResult r = run_tcpstat({"record", "begin"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("expected start, stop or status"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tcpstat::testing
