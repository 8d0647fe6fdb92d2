// Owns the edit distance and the choice of a "did you mean" word.
#include "tcpstat/suggest.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <vector>

namespace tcpstat {

namespace {

std::string folded(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        if (c == '-' || c == '_') continue;
        out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return out;
}

std::size_t allowed_edits(std::size_t length) {
    if (length < 5) return 1;
    if (length < 9) return 2;
    return 3;
}

}  // namespace

std::size_t edit_distance(std::string_view a_in, std::string_view b_in) {
    const std::string a = folded(a_in), b = folded(b_in);
    const std::size_t w = b.size() + 1;
    std::vector<std::size_t> d((a.size() + 1) * w);
    auto at = [&](std::size_t i, std::size_t j) -> std::size_t& { return d[i * w + j]; };
    for (std::size_t i = 0; i <= a.size(); ++i) at(i, 0) = i;
    for (std::size_t j = 0; j <= b.size(); ++j) at(0, j) = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            at(i, j) = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
        }
    }
    return at(a.size(), b.size());
}

std::optional<std::string_view> closest_word(std::string_view typed, std::span<const std::string_view> known) {
    const std::size_t length = folded(typed).size();
    if (length < 2) return std::nullopt;  // one letter is near everything
    std::optional<std::string_view> best;
    std::size_t best_distance = allowed_edits(length) + 1;
    for (std::string_view word : known) {
        const std::size_t dist = edit_distance(typed, word);
        if (dist == 0) return std::nullopt;  // the word is known: nothing to suggest
        if (dist < best_distance) {
            best = word;
            best_distance = dist;
        }
    }
    return best;
}

std::string did_you_mean(std::string_view typed, std::span<const std::string_view> known) {
    const auto word = closest_word(typed, known);
    return word ? fmt::format(" (did you mean {}?)", *word) : std::string();
}

}  // namespace tcpstat
