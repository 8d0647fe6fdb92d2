// Owns reading `tcpstat doctor -f json` output in live tests: the findings, and picking them by kind.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "live/support.hpp"

namespace tcpstat::testing {

inline nlohmann::json findings_of(const RunResult& r) { return nlohmann::json::parse(r.out).at("findings"); }

inline const nlohmann::json* first_of_kind(const nlohmann::json& findings, const std::string& kind) {
    for (const nlohmann::json& f : findings)
        if (f.at("kind") == kind) return &f;
    return nullptr;
}

inline std::vector<nlohmann::json> all_of_kind(const nlohmann::json& findings, const std::string& kind) {
    std::vector<nlohmann::json> out;
    for (const nlohmann::json& f : findings)
        if (f.at("kind") == kind) out.push_back(f);
    return out;
}

// The last `tcpstat doctor ... -f json` run of doctor_until, its findings and the finding it waited for.
struct DoctorRun {
    RunResult r;
    nlohmann::json findings = nlohmann::json::array();
    const nlohmann::json* finding = nullptr;  // into findings: the first of the kind
};

// Runs `tcpstat ARGS -f json` (ARGS start with "doctor") until it exits 1 with a finding of `kind`
// that `accept` takes, bounded by eventually(); false when it never does.
inline bool doctor_until(DoctorRun& d, std::vector<std::string> args, const std::string& kind,
                         const std::function<bool(const nlohmann::json&)>& accept = {},
                         const std::function<void()>& before_exec = {}) {
    args.insert(args.end(), {"-f", "json"});
    return eventually([&] {
        d.r = run_tcpstat(args, {}, 60, before_exec);
        if (d.r.exit_code != 1) return false;
        d.findings = findings_of(d.r);
        d.finding = first_of_kind(d.findings, kind);
        return d.finding != nullptr && (!accept || accept(*d.finding));
    });
}

}  // namespace tcpstat::testing
