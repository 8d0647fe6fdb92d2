// Owns the shared helpers of the man page and completion tests: help and error parsing, child runs.
#include "live/cli_surface.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace tcpstat::testing {

std::string source_dir() { return std::string(TCPSTAT_FIXTURES_DIR) + "/../.."; }

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

bool have_program(const std::string& name) {
    RunResult r = run_program({"sh", "-c", "command -v \"$0\"", name}, {"PATH=/usr/local/bin:/usr/bin:/bin"});
    return r.exit_code == 0;
}

RunResult run_program(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                      int timeout_seconds) {
    int out[2], err[2];
    if (pipe(out) != 0 || pipe(err) != 0) throw std::runtime_error("pipe failed");
    std::vector<char*> args, envp;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        dup2(out[1], 1);
        dup2(err[1], 2);
        close(out[0]), close(out[1]), close(err[0]), close(err[1]);
        int devnull = ::open("/dev/null", 0);
        if (devnull >= 0) dup2(devnull, 0);
        // execvpe looks argv[0] up in the child's PATH, which we set explicitly.
        execvpe(args[0], args.data(), envp.data());
        _exit(127);
    }
    close(out[1]);
    close(err[1]);
    RunResult r;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
    pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
    int open_fds = 2;
    char buf[4096];
    while (open_fds > 0) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            kill(pid, SIGKILL);
            break;
        }
        if (poll(fds, 2, static_cast<int>(left.count())) < 0) continue;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t n = read(fds[i].fd, buf, sizeof buf);
            if (n > 0) {
                (i == 0 ? r.out : r.err).append(buf, static_cast<std::size_t>(n));
            } else {
                close(fds[i].fd);
                fds[i].fd = -1;
                --open_fds;
            }
        }
    }
    for (auto& f : fds)
        if (f.fd >= 0) close(f.fd);
    int status = 0;
    waitpid(pid, &status, 0);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
}

std::set<std::string> help_options(const std::string& help) {
    // An option line starts with two spaces and a dash; its first word is "-s,--state" or "--user".
    static const std::regex line_re(R"(^  (-[^ ]+))");
    std::set<std::string> opts;
    for (const std::string& line : lines_of(help)) {
        std::smatch m;
        if (!std::regex_search(line, m, line_re)) continue;
        for (const std::string& o : split(m[1].str(), ','))
            if (!o.empty()) opts.insert(o);
    }
    return opts;
}

std::vector<std::string> help_subcommands(const std::string& help) {
    std::vector<std::string> subs;
    bool in_section = false;
    for (const std::string& line : lines_of(help)) {
        if (line.rfind("Subcommands:", 0) == 0) {
            in_section = true;
            continue;
        }
        if (!in_section) continue;
        if (line.size() < 3 || line[0] != ' ' || line[2] == ' ') break;
        subs.push_back(line.substr(2, line.find(' ', 2) - 2));
    }
    return subs;
}

namespace {

std::vector<std::string> comma_words(std::string text) {
    std::vector<std::string> words;
    for (std::string w : split(text, ',')) {
        w = std::regex_replace(w, std::regex(R"(^\s*(or\s+)?|\s*$)"), "");
        if (!w.empty()) words.push_back(w);
    }
    return words;
}

}  // namespace

std::vector<std::string> accepted_values(const std::string& message, std::vector<std::string>* groups) {
    std::string text = message.substr(0, message.find('\n'));
    std::size_t at = text.find("expected one of ");
    std::size_t skip = 16;
    if (at == std::string::npos) {
        at = text.find("expected ");
        skip = 9;
    }
    if (at == std::string::npos) return {};
    text = text.substr(at + skip);
    std::size_t group_at = text.find(", or a group: ");
    if (group_at != std::string::npos) {
        if (groups) *groups = comma_words(text.substr(group_at + 14));
        text = text.substr(0, group_at);
    }
    // "auto, netlink or proc": the last two items are joined by "or".
    text = std::regex_replace(text, std::regex(R"( or )"), ", ");
    return comma_words(text);
}

std::vector<std::string> values_from_error(const std::vector<std::string>& args, std::vector<std::string>* groups) {
    RunResult r = run_tcpstat(args);
    return accepted_values(r.err.empty() ? r.out : r.err, groups);
}

}  // namespace tcpstat::testing
