// Owns "did you mean": the known word closest to a mistyped one, for every error that lists choices.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace tcpstat {

// Optimal string alignment distance (insertions, deletions, substitutions, adjacent swaps),
// ignoring case and the separators '-' and '_' (close-wiat, CLOSE_WIAT and closewiat are alike).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The known word nearest to `typed`, when it is close enough to be a typo (one edit for short
// words, two from 5 letters, three from 9); the first of equally near words wins.
std::optional<std::string_view> closest_word(std::string_view typed, std::span<const std::string_view> known);

// " (did you mean X?)" for a close word, else empty: appended right after the quoted bad value.
std::string did_you_mean(std::string_view typed, std::span<const std::string_view> known);

}  // namespace tcpstat
