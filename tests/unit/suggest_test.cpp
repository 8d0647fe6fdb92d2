// Tests the did-you-mean helper: the edit distance and when a word is near enough to suggest.
#include <gtest/gtest.h>

#include <string_view>

#include "tcpstat/suggest.hpp"

using namespace tcpstat;

namespace {
constexpr std::string_view kCommands[] = {"summary", "check", "explain", "doctor", "help"};
constexpr std::string_view kStates[] = {"close_wait", "time_wait", "closing", "close", "listen", "established"};
}  // namespace

TEST(Suggest, EditDistanceCountsSwapsAsOneAndIgnoresCaseAndSeparators) {
    EXPECT_EQ(edit_distance("summery", "summary"), 1u);
    EXPECT_EQ(edit_distance("doctr", "doctor"), 1u);
    EXPECT_EQ(edit_distance("lprot", "lport"), 1u);  // adjacent swap
    EXPECT_EQ(edit_distance("CLOSE-WAIT", "close_wait"), 0u);
    EXPECT_EQ(edit_distance("", "abc"), 3u);
    EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(Suggest, ClosestWordWithinTheTypoBudget) {
    EXPECT_EQ(closest_word("summery", kCommands), "summary");
    EXPECT_EQ(closest_word("doctr", kCommands), "doctor");
    EXPECT_EQ(closest_word("close_wiat", kStates), "close_wait");
    EXPECT_EQ(closest_word("CLOSEWIAT", kStates), "close_wait");
    EXPECT_EQ(closest_word("lisen", kStates), "listen");
    EXPECT_FALSE(closest_word("frobnicate", kCommands)) << "nothing near: no suggestion";
    EXPECT_FALSE(closest_word("x", kCommands)) << "one letter is near everything";
    EXPECT_FALSE(closest_word("summary", kCommands)) << "a known word needs no suggestion";
}

TEST(Suggest, DidYouMeanText) {
    EXPECT_EQ(did_you_mean("summery", kCommands), " (did you mean summary?)");
    EXPECT_EQ(did_you_mean("zzzzzzzz", kCommands), "");
}
