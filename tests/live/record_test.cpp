// Guards `tcpstat record`: the pinned recorder gives listings exact ages in this test's namespace, status names the pins, stop removes them.
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

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
    // `record start` with TCPSTAT_RECORD_CAPACITY=LIVE,TIMEWAIT (small maps, filled on purpose).
    RunResult start_with_capacity(const std::string& capacity) const {
        return run_tcpstat({"record", "start"}, {env(), "TCPSTAT_RECORD_CAPACITY=" + capacity});
    }
    std::string env() const { return "TCPSTAT_RECORD_DIR=" + dir_; }
    const std::string& dir() const { return dir_; }

private:
    std::string dir_;
};

bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

// The recorder tests' common ground: a private recorder, started on demand, and a loopback
// connection whose ends each test moves through the states it looks at.
class Record : public ::testing::Test {
protected:
    // Starts the recorder (TCPSTAT_RECORD_CAPACITY=capacity unless empty). False when the test
    // cannot go on: skipped (not root, or no recorder in this build or kernel) or failed.
    bool start(const std::string& capacity = "") {
        if (!root()) return false;
        const RunResult r = capacity.empty() ? rec.run({"record", "start"}) : rec.start_with_capacity(capacity);
        if (recorder_unavailable(r)) {
            skip(r.err);
            return false;
        }
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return r.exit_code == 0;
    }
    // Root or the test is skipped.
    bool root() {
        if (::geteuid() == 0) return true;
        skip("record needs root");
        return false;
    }
    static bool recorder_unavailable(const RunResult& r) {
        return r.exit_code == 2 && (r.err.find("not in this build") != std::string::npos ||
                                    r.err.find("BTF") != std::string::npos);
    }
    // A listener and one established connection to it; the test closes an end with close(fd).
    void connect() {
        listener = listen_tcp(false);
        port = local_port(listener);
        client = connect_tcp(false, port);
        server = accept_one(listener);
    }
    static void close(int& fd) {
        if (fd >= 0) ::close(fd);
        fd = -1;
    }
    void TearDown() override {
        close(client);
        close(server);
        close(listener);
    }
    std::string port_suffix() const { return ':' + std::to_string(port); }

    const PrivateRecorder rec;
    int listener = -1;
    int client = -1;
    int server = -1;
    std::uint16_t port = 0;

private:
    static void skip(const std::string& why) { GTEST_SKIP() << why; }
};

// The socket in state `state` of a json listing whose local address ends with `local_suffix`, or null.
json socket_in(const std::string& out, const std::string& state, const std::string& local_suffix) {
    const json doc = json::parse(out);
    for (const json& s : doc["sockets"])
        if (s["state"] == state && s["local"].get<std::string>().ends_with(local_suffix)) return s;
    return json();
}

// The socket of a json listing whose remote address ends with `remote_suffix` (the client end
// of a connection to that port), or null.
json socket_to(const std::string& out, const std::string& remote_suffix) {
    const json doc = json::parse(out);
    for (const json& s : doc["sockets"])
        if (s["remote"].get<std::string>().ends_with(remote_suffix)) return s;
    return json();
}

TEST_F(Record, CloseWaitAgeMatchesAMeasuredSleepAndStopRemovesThePins) {
    if (!start()) return;
    EXPECT_TRUE(exists(rec.dir() + "/link"));
    connect();
    // The client sends its FIN but keeps its fd: the server end goes to CLOSE_WAIT, the client
    // end to FIN_WAIT2 as a full socket (an orphan would be handed to a timewait socket early).
    ::shutdown(client, SHUT_WR);
    const auto closed_at = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    const RunResult listed = rec.run({"-s", "close_wait", "-f", "json", "--fields", "state,local,remote,idle_ms,age"});
    const auto listed_at = std::chrono::steady_clock::now();
    ASSERT_EQ(listed.exit_code, 0) << listed.err;
    const json cw = socket_in(listed.out, "CLOSE_WAIT", port_suffix());
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
    const json client_end = socket_to(fw.out, port_suffix());
    ASSERT_TRUE(client_end.is_object()) << fw.out;
    EXPECT_EQ(client_end["changed_by"], ::getpid()) << fw.out;
    EXPECT_TRUE(client_end["age"].is_number()) << fw.out;

    // The server closes too: the client end goes to a timewait socket, which keeps the
    // connection's cookie, so TIME_WAIT has an exact age and the closer's pid.
    close(server);
    const auto tw_at = std::chrono::steady_clock::now();
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    const RunResult tw = rec.run({"-s", "time_wait", "-f", "json", "--fields", "state,local,remote,age,changed_by"});
    const auto tw_listed = std::chrono::steady_clock::now();
    ASSERT_EQ(tw.exit_code, 0) << tw.err;
    const json tw_end = socket_to(tw.out, port_suffix());
    ASSERT_TRUE(tw_end.is_object()) << tw.out;
    ASSERT_TRUE(tw_end["age"].is_number()) << tw.out;
    EXPECT_GE(tw_end["age"].get<std::int64_t>(), 400 - 50) << tw.out;
    EXPECT_LE(tw_end["age"].get<std::int64_t>(),
              std::chrono::duration_cast<std::chrono::milliseconds>(tw_listed - tw_at).count() + 50)
        << tw.out;
    EXPECT_EQ(tw_end["changed_by"], ::getpid()) << tw.out;

    // status says what is pinned and that it holds this socket.
    const RunResult status = rec.run({"record", "status", "-f", "json"});
    ASSERT_EQ(status.exit_code, 0) << status.err;
    const json st = json::parse(status.out)["recorder"][0];
    EXPECT_EQ(st["recording"], "yes");
    EXPECT_EQ(st["pinned"], rec.dir());
    EXPECT_GE(st["sockets"].get<int>(), 2);  // the listener and the TIME_WAIT end
    EXPECT_GE(st["transitions"].get<int>(), 5);

    const RunResult stopped = rec.run({"record", "stop"});
    ASSERT_EQ(stopped.exit_code, 0) << stopped.err;
    EXPECT_FALSE(exists(rec.dir())) << "stop leaves pins behind";
    const RunResult after = rec.run({"record", "status"});
    EXPECT_EQ(after.exit_code, 1) << after.out;
    // Nothing records now: the listing has no age, and says nothing about it.
    const RunResult unrecorded = rec.run({"-s", "time_wait", "-f", "json", "--fields", "state,local,remote,age"});
    ASSERT_EQ(unrecorded.exit_code, 0) << unrecorded.err;
    EXPECT_EQ(unrecorded.err, "");
    const json doc = json::parse(unrecorded.out);
    ASSERT_FALSE(doc["sockets"].empty()) << unrecorded.out;
    for (const json& s : doc["sockets"]) EXPECT_TRUE(s["age"].is_null()) << unrecorded.out;
}

// close() orphans the client end, and the kernel hands it to a timewait socket while still in
// FIN_WAIT2: that FIN_WAIT2 keeps its age; its later move to TIME_WAIT happens out of the
// tracepoint's sight, so that TIME_WAIT has none (not the FIN_WAIT2 age passed off as it).
TEST_F(Record, OrphanKeepsItsFinWait2AgeAndItsUnseenTimeWaitHasNone) {
    if (!start()) return;
    connect();
    close(client);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const auto client_end = [&](const std::string& state) {
        const RunResult r = rec.run({"-s", state, "-f", "json", "--fields", "state,local,remote,age,changed_by"});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return socket_to(r.out, port_suffix());
    };
    const json fw2 = client_end("fin_wait2");
    ASSERT_TRUE(fw2.is_object());
    ASSERT_TRUE(fw2["age"].is_number()) << fw2.dump();
    EXPECT_GE(fw2["age"].get<std::int64_t>(), 500 - 50);
    EXPECT_EQ(fw2["changed_by"], ::getpid());
    close(server);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const json tw = client_end("time_wait");
    ASSERT_TRUE(tw.is_object());
    EXPECT_TRUE(tw["age"].is_null()) << tw.dump();
}

// Opens and closes `n` connections to `port`, the client end closing first, so each leaves
// one TIME_WAIT socket; bounded, loopback only. The client shuts down and keeps its fd until
// the server's FIN is in, so it enters TIME_WAIT as a full socket, where the recorder sees it
// (an orphan would be handed over in FIN_WAIT2 and reach TIME_WAIT unseen).
void churn_time_wait(std::uint16_t port, int listener, int n) {
    for (int i = 0; i < n; ++i) {
        const int c = connect_tcp(false, port);
        const int s = accept_one(listener);
        ::shutdown(c, SHUT_WR);
        ::close(s);
        char byte = 0;
        (void)!::read(c, &byte, 1);  // 0 once the server's FIN is in (softirqs may run late)
        ::close(c);
    }
}

// TIME_WAIT entries can never be deleted (a timewait socket dies unseen), so they live apart
// from the live sockets: churn past the live map's size must not push out a leak's entry.
TEST_F(Record, TimeWaitChurnKeepsALeakedCloseWaitsAge) {
    // The recorder sees the whole host's transitions (other tests' too): the timewait map is
    // large enough for their churn, the live map smaller than this test's own churn.
    if (!start("1024,65536")) return;
    connect();
    ::shutdown(client, SHUT_WR);  // the server end leaks in CLOSE_WAIT
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    churn_time_wait(port, listener, 1500);  // more than the live map holds
    const RunResult listed = rec.run({"-s", "close_wait", "-f", "json", "--fields", "state,local,remote,age"});
    ASSERT_EQ(listed.exit_code, 0) << listed.err;
    const json cw = socket_in(listed.out, "CLOSE_WAIT", port_suffix());
    ASSERT_TRUE(cw.is_object()) << listed.out;
    ASSERT_TRUE(cw["age"].is_number()) << "the leak lost its age to TIME_WAIT churn: " << listed.out;
    EXPECT_GE(cw["age"].get<std::int64_t>(), 300 - 50) << listed.out;
    // The TIME_WAIT entries are kept too, apart.
    const RunResult tw = rec.run({"-s", "time_wait", "-f", "json", "--fields", "state,local,remote,age"});
    ASSERT_EQ(tw.exit_code, 0) << tw.err;
    std::size_t aged = 0;
    const json tw_doc = json::parse(tw.out);
    for (const json& s : tw_doc["sockets"]) aged += s["age"].is_number();
    EXPECT_GE(aged, 1400u) << tw.out.substr(0, 2000);
}

// A live map that fills refuses new sockets, counts them, and every listing asking for ages
// says so; the sockets recorded before keep their ages.
TEST_F(Record, AFullMapIsCountedAndListingsSaySo) {
    if (!start("64,64")) return;
    listener = listen_tcp(false);  // recorded first: LISTEN has an age
    port = local_port(listener);
    std::vector<int> fds;
    for (int i = 0; i < 100; ++i) {  // 200 established ends for 64 places
        fds.push_back(connect_tcp(false, port));
        fds.push_back(accept_one(listener));
    }
    const RunResult status = rec.run({"record", "status", "-f", "json"});
    ASSERT_EQ(status.exit_code, 0) << status.err;
    const json st = json::parse(status.out)["recorder"][0];
    EXPECT_EQ(st["capacity"].get<int>(), 128) << status.out;
    EXPECT_GT(st["refused"].get<int>(), 0) << status.out;
    const RunResult listed = rec.run({"-l", "-f", "json", "--fields", "state,local,age"});
    ASSERT_EQ(listed.exit_code, 0) << listed.err;
    EXPECT_NE(listed.err.find("the recorder's map was full for"), std::string::npos) << listed.err;
    EXPECT_EQ(lines_of(listed.err).size(), 1u) << listed.err;
    const json l = socket_in(listed.out, "LISTEN", port_suffix());
    ASSERT_TRUE(l.is_object()) << listed.out;
    EXPECT_TRUE(l["age"].is_number()) << "an entry made before the map filled is kept: " << listed.out;
    for (int fd : fds) ::close(fd);
}

TEST_F(Record, BadCapacityIsAUsageError) {
    if (!root()) return;
    const RunResult r = rec.start_with_capacity("lots");
    if (recorder_unavailable(r)) GTEST_SKIP() << r.err;
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("invalid TCPSTAT_RECORD_CAPACITY 'lots': expected LIVE,TIMEWAIT"), std::string::npos) << r.err;
    EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
    EXPECT_FALSE(exists(rec.dir() + "/link"));
}

// A socket that entered its state before `record start` was not seen entering it: no age.
TEST_F(Record, SocketOlderThanTheRecorderHasNoAge) {
    listener = listen_tcp(false);
    port = local_port(listener);
    if (!start()) return;
    const RunResult listed = rec.run({"-l", "-f", "json", "--fields", "state,local,age"});
    ASSERT_EQ(listed.exit_code, 0) << listed.err;
    const json l = socket_in(listed.out, "LISTEN", port_suffix());
    ASSERT_TRUE(l.is_object()) << listed.out;
    EXPECT_TRUE(l["age"].is_null()) << listed.out;
}

// Without privilege: one line naming what is missing, exit 2; listings silently have no age.
TEST_F(Record, PlainUserIsRefusedInOneLine) {
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

TEST_F(Record, UnknownActionIsAUsageError) {
    const RunResult r = run_tcpstat({"record", "begin"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("expected start, stop or status"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tcpstat::testing
