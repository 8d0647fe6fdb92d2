// Tests who a process really is: cmdline and exe fields and group keys on real python3 children,
// doctor naming an interpreter's script, -c narrowing the shown owners, the table's owner cap,
// and a process named "-" told apart from "no owner".
#include <gtest/gtest.h>
#include <sys/prctl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "live/doctor_json.hpp"
#include "live/support.hpp"

using namespace tcpstat::testing;
using nlohmann::json;

namespace {

// Listens on 127.0.0.1 with the given backlog, prints its port, never accepts.
constexpr const char* kListener = R"(import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(int(sys.argv[1]) if len(sys.argv) > 1 else 16)
print(s.getsockname()[1], flush=True)
time.sleep(120)
)";

std::string temp_dir() {
    char tmpl[] = "/tmp/tcpstat-ident-XXXXXX";
    const char* d = mkdtemp(tmpl);
    return d ? std::string(d) : std::string("/tmp");
}

// /proc/PID/cmdline with NULs as spaces: what the kernel says, however python3 was started
// (a pyenv shim passes the interpreter's full path as argv[0]).
std::string cmdline_of(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline");
    std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!s.empty() && s.back() == '\0') s.pop_back();
    std::replace(s.begin(), s.end(), '\0', ' ');
    return s;
}

std::string exe_of(pid_t pid) {
    char buf[PATH_MAX];
    const ssize_t n = readlink(("/proc/" + std::to_string(pid) + "/exe").c_str(), buf, sizeof buf);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
}

// A listener held by this child and by `extra` grandchildren (a pre-fork server); the
// grandchildren rename themselves to `worker_name` when given.
std::string shared_listener(int extra, const std::string& worker_name) {
    const int l = listen_tcp(false);
    for (int i = 0; i < extra; ++i) {
        if (fork() == 0) {
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (!worker_name.empty()) prctl(PR_SET_NAME, worker_name.c_str());
            for (;;) pause();
        }
    }
    usleep(100 * 1000);  // the workers have renamed themselves
    return std::to_string(local_port(l));
}

}  // namespace

TEST(ProcessIdentity, ThreePythonServicesApartByCmdlineAndExe) {
    const std::string dir = temp_dir();
    ScriptChild orders(dir + "/orders.py", kListener), billing(dir + "/billing.py", kListener),
        search(dir + "/search.py", kListener);
    ASSERT_FALSE(orders.ready_line().empty());
    ASSERT_FALSE(billing.ready_line().empty());
    ASSERT_FALSE(search.ready_line().empty());
    const std::string ports = orders.ready_line() + "," + billing.ready_line() + "," + search.ready_line();

    auto by_process = run_tcpstat({"-l", "--sport", ports, "-g", "process", "-f", "tsv", "-H"});
    ASSERT_EQ(by_process.exit_code, 0) << by_process.err;
    EXPECT_EQ(by_process.out, "python3\t3\n") << "by name alone the three services are one";

    auto by_cmdline = run_tcpstat({"-l", "--sport", ports, "-g", "cmdline", "-f", "tsv", "-H"});
    ASSERT_EQ(by_cmdline.exit_code, 0) << by_cmdline.err;
    std::set<std::string> cmdlines;
    for (const auto& line : lines_of(by_cmdline.out)) {
        auto f = split(line, '\t');
        ASSERT_EQ(f.size(), 2u) << line;
        EXPECT_EQ(f[1], "1");
        cmdlines.insert(f[0]);
    }
    EXPECT_EQ(cmdlines, (std::set<std::string>{cmdline_of(orders.pid()), cmdline_of(billing.pid()),
                                               cmdline_of(search.pid())}))
        << by_cmdline.out;
    for (const std::string& c : cmdlines) EXPECT_NE(c.find(dir + "/"), std::string::npos) << c;

    const std::string exe = exe_of(orders.pid());
    ASSERT_FALSE(exe.empty());
    auto by_exe = run_tcpstat({"-l", "--sport", ports, "-g", "exe", "-f", "tsv", "-H"});
    EXPECT_EQ(by_exe.out, exe + "\t3\n") << by_exe.err;

    auto fields = run_tcpstat(
        {"-l", "--sport", orders.ready_line(), "--fields", "pid,process,cmdline,exe", "-f", "tsv", "-H"});
    ASSERT_EQ(fields.exit_code, 0) << fields.err;
    const std::string cmdline = cmdline_of(orders.pid());
    ASSERT_TRUE(cmdline.ends_with(" " + dir + "/orders.py")) << cmdline;
    EXPECT_EQ(fields.out, std::to_string(orders.pid()) + "\tpython3\t" + cmdline + "\t" + exe + "\n");
    auto j = run_tcpstat({"-l", "--sport", orders.ready_line(), "--fields", "cmdline,exe", "-f", "json"});
    ASSERT_EQ(j.exit_code, 0) << j.err;
    const json doc = json::parse(j.out);
    EXPECT_EQ(doc["sockets"][0]["exe"], exe) << j.out;
    EXPECT_EQ(doc["sockets"][0]["cmdline"], cmdline);
}

TEST(ProcessIdentity, DoctorNamesTheListenersScript) {
    const std::string dir = temp_dir();
    ScriptChild svc(dir + "/inventory_api.py", kListener, {"1"});
    const std::string port = svc.ready_line();
    ASSERT_FALSE(port.empty());
    for (int i = 0; i < 4; ++i) connect_nonblocking(static_cast<std::uint16_t>(std::stoi(port)));
    DoctorRun d;
    ASSERT_TRUE(doctor_until(d, {"doctor", "--port", port}, "accept_queue_full")) << d.r.err << d.r.out;
    const json* f = d.finding;
    const std::string msg = (*f)["message"].get<std::string>();
    EXPECT_NE(msg.find("pid " + std::to_string(svc.pid()) + " (python3 inventory_api.py)"), std::string::npos) << msg;
    EXPECT_EQ((*f)["process"], "python3") << "the JSON keeps the plain name";
}

TEST(ProcessIdentity, ProcessFilterShowsOnlyMatchingOwners) {
    Child srv([] { return shared_listener(1, "beta-wrk"); }, "alpha-srv");
    const std::string port = srv.ready_line();
    auto all = run_tcpstat({"-l", "--sport", port, "--fields", "process", "-f", "tsv", "-H"});
    ASSERT_EQ(all.exit_code, 0) << all.err;
    EXPECT_EQ(all.out, "alpha-srv,beta-wrk\n");
    auto alpha = run_tcpstat({"-l", "--sport", port, "-c", "alpha", "--fields", "pid,process,owners", "-f", "tsv", "-H"});
    ASSERT_EQ(alpha.exit_code, 0) << alpha.err;
    auto f = split(lines_of(alpha.out).at(0), '\t');
    EXPECT_EQ(f.at(0), std::to_string(srv.pid())) << alpha.out;
    EXPECT_EQ(f.at(1), "alpha-srv");
    EXPECT_EQ(f.at(2).find(','), std::string::npos) << "one owner left: " << alpha.out;
    // As -p does: the same narrowing by pid.
    auto by_pid = run_tcpstat({"-l", "--sport", port, "-p", std::to_string(srv.pid()), "--fields", "pid,process,owners",
                               "-f", "tsv", "-H"});
    EXPECT_EQ(by_pid.out, alpha.out);
    EXPECT_EQ(run_tcpstat({"-l", "--sport", port, "-c", "ALPHA"}).exit_code, 1) << "case matters on Linux";
}

TEST(ProcessIdentity, TableCapsOwnerListsMachineFormatsDoNot) {
    Child srv([] { return shared_listener(3, ""); }, "prefork-srv");
    const std::string port = srv.ready_line();
    auto tsv = run_tcpstat({"-l", "--sport", port, "--fields", "pid", "-f", "tsv", "-H"});
    ASSERT_EQ(tsv.exit_code, 0) << tsv.err;
    const auto pids = split(lines_of(tsv.out).at(0), ',');
    ASSERT_EQ(pids.size(), 4u) << tsv.out;
    auto table = run_tcpstat({"-l", "--sport", port, "--fields", "pid,owners", "-H"});
    ASSERT_EQ(table.exit_code, 0) << table.err;
    const std::string want_pids = pids[0] + "," + pids[1] + ",+2";
    EXPECT_EQ(table.out.rfind(want_pids + "  ", 0), 0u) << table.out;
    EXPECT_NE(table.out.find(",+2\n"), std::string::npos) << "owners capped too: " << table.out;
    auto j = run_tcpstat({"-l", "--sport", port, "-f", "json"});
    EXPECT_EQ(json::parse(j.out)["sockets"][0]["owners"].size(), 4u) << j.out;
}

TEST(ProcessIdentity, ProcessNamedDashIsNotNoOwner) {
    Child dash([] { return std::to_string(local_port(listen_tcp(false))); }, "-");
    const std::string port = dash.ready_line();
    auto table = run_tcpstat({"-l", "--sport", port, "--fields", "lport,process", "-H"});
    ASSERT_EQ(table.exit_code, 0) << table.err;
    EXPECT_EQ(table.out, port + "  \\x2d\n");
    auto tsv = run_tcpstat({"-l", "--sport", port, "--fields", "lport,process", "-f", "tsv", "-H"});
    EXPECT_EQ(tsv.out, port + "\t-\n") << "tsv shows no owner as an empty field: '-' is unambiguous there";
    auto grouped = run_tcpstat({"-l", "--sport", port, "-g", "process", "-H"});
    EXPECT_EQ(grouped.out.rfind("\\x2d", 0), 0u) << grouped.out;
}
