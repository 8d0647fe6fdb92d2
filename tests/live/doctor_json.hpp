// Owns reading `tcpstat doctor -f json` output in live tests: the findings, and picking them by kind.
#pragma once

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

}  // namespace tcpstat::testing
