// Owns the byte-level checks of the escaping rules, including lossless round trips of random bytes.
#include <random>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "common/text_oracle.hpp"
#include "fixture.hpp"
#include "golden.hpp"
#include "render/escape.hpp"

namespace tcpstat {
namespace {

using golden::escaped_text;
using golden::json_text;
using testing::unescape_text;
using testing::valid_utf8;



TEST(TextEscape, ControlBytesAndBackslash) {
    EXPECT_EQ(escaped_text("plain ascii"), "plain ascii");
    EXPECT_EQ(escaped_text("a\tb\nc\rd"), "a\\tb\\nc\\rd");
    EXPECT_EQ(escaped_text(std::string_view("\0\x01\x1b\x1f\x7f", 5)), "\\x00\\x01\\x1b\\x1f\\x7f");
    EXPECT_EQ(escaped_text("back\\slash"), "back\\\\slash");
    EXPECT_EQ(escaped_text("quo\"te"), "quo\"te");
}

TEST(TextEscape, Utf8PassesInvalidBytesDoNot) {
    EXPECT_EQ(escaped_text("pr\xc3\xb8" "cess \xe2\x82\xac \xf0\x9f\x98\x80"), "pr\xc3\xb8" "cess \xe2\x82\xac \xf0\x9f\x98\x80");
    EXPECT_EQ(escaped_text("\xff\xfe"), "\\xff\\xfe");
    EXPECT_EQ(escaped_text("\xc0\xaf"), "\\xc0\\xaf");              // overlong '/'
    EXPECT_EQ(escaped_text("\xe0\x80\xaf"), "\\xe0\\x80\\xaf");     // overlong, 3 bytes
    EXPECT_EQ(escaped_text("\xed\xa0\x80"), "\\xed\\xa0\\x80");     // UTF-16 surrogate
    EXPECT_EQ(escaped_text("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");  // above U+10FFFF
    EXPECT_EQ(escaped_text("ab\xe2\x82"), "ab\\xe2\\x82");          // truncated at the end
    EXPECT_EQ(escaped_text("\xe2\x82" "x"), "\\xe2\\x82x");         // truncated in the middle
    EXPECT_EQ(escaped_text("\x80"), "\\x80");                       // lone continuation byte
}

TEST(TextEscape, C1ControlsAreEscapedToo) {
    EXPECT_EQ(escaped_text("a\xc2\x9b" "2J"), "a\\xc2\\x9b2J");
    EXPECT_EQ(escaped_text("\xc2\x85"), "\\xc2\\x85");
    EXPECT_EQ(escaped_text("\xc2\xa0"), "\xc2\xa0");  // NBSP is printable
}

// Valid UTF-8 that reorders or splits the line: "evil\u202etxt.exe" would show as "evilexe.txt".
TEST(TextEscape, BidiControlsAndLineSeparatorsAreEscaped) {
    EXPECT_EQ(escaped_text("evil\xe2\x80\xaetxt.exe"), "evil\\u202etxt.exe");  // RIGHT-TO-LEFT OVERRIDE
    EXPECT_EQ(escaped_text("a\xe2\x80\xa8" "b\xe2\x80\xa9" "c"), "a\\u2028b\\u2029c");
    for (const char* c : {"\xe2\x80\xaa", "\xe2\x80\xab", "\xe2\x80\xac", "\xe2\x80\xad",  // U+202A..D
                          "\xe2\x81\xa6", "\xe2\x81\xa7", "\xe2\x81\xa8", "\xe2\x81\xa9",  // U+2066..9
                          "\xe2\x80\x8e", "\xe2\x80\x8f", "\xd8\x9c"}) {                    // LRM, RLM, ALM
        const std::string t = escaped_text(c);
        EXPECT_EQ(t.rfind("\\u", 0), 0u) << golden::visible(t);
        EXPECT_EQ(t.size(), 6u) << golden::visible(t);
        EXPECT_EQ(unescape_text(t), c);
        EXPECT_EQ(escaped_text_width(c), 6u);
    }
    EXPECT_EQ(escaped_text("\xe2\x80\xae", TextQuoting::Prometheus), "\\\\u202e");
    EXPECT_EQ(escaped_text("\xe2\x80\x8b"), "\xe2\x80\x8b");  // ZERO WIDTH SPACE reorders nothing
}

TEST(TextEscape, CsvAndPrometheusQuoting) {
    EXPECT_EQ(escaped_text("quo\"te\n", TextQuoting::Csv), "quo\"\"te\\n");
    EXPECT_EQ(escaped_text("quo\"te\n\\", TextQuoting::Prometheus), "quo\\\"te\\\\n\\\\\\\\");
    EXPECT_TRUE(csv_needs_quotes("a,b"));
    EXPECT_TRUE(csv_needs_quotes("a\"b"));
    EXPECT_TRUE(csv_needs_quotes(" a"));
    EXPECT_TRUE(csv_needs_quotes("a "));
    EXPECT_FALSE(csv_needs_quotes("a b"));
    EXPECT_FALSE(csv_needs_quotes(""));
    EXPECT_FALSE(csv_needs_quotes("a\nb"));  // escaped to \n first: never raw in the output
}

TEST(TextEscape, WidthCountsColumnsNotBytes) {
    EXPECT_EQ(escaped_text_width("abc"), 3u);
    EXPECT_EQ(escaped_text_width("a\tb"), 4u);
    EXPECT_EQ(escaped_text_width("\x1b"), 4u);
    EXPECT_EQ(escaped_text_width("\\"), 2u);
    EXPECT_EQ(escaped_text_width("pr\xc3\xb8" "cess"), 7u);
    EXPECT_EQ(escaped_text_width("\xe5\x90\x8d"), 2u);      // CJK: double width
    EXPECT_EQ(escaped_text_width("e\xcc\x81"), 1u);         // combining acute accent
    EXPECT_EQ(escaped_text_width("\xf0\x9f\x98\x80"), 2u);  // emoji
    EXPECT_EQ(escaped_text_width("\xff"), 4u);
    EXPECT_EQ(escaped_text_width("\xc2\x9b"), 8u);
    EXPECT_EQ(escaped_text_width("a\xe2\x80\x8b" "b"), 2u);  // zero-width space
    EXPECT_EQ(escaped_text_width("a\xe2\x81\xa0" "b"), 2u);  // word joiner
    EXPECT_EQ(escaped_text_width("\xef\xbb\xbf" "ab"), 2u);  // BOM, ZERO WIDTH NO-BREAK SPACE
}

TEST(JsonEscape, Rfc8259) {
    EXPECT_EQ(json_text("a\"b\\c"), "\"a\\\"b\\\\\\\\c\"") << "a backslash decodes as two";
    EXPECT_EQ(json_text("\n\t\r\b\f"), "\"\\n\\t\\r\\b\\f\"");
    EXPECT_EQ(json_text(std::string_view("\0\x1b\x7f", 3)), "\"\\u0000\\u001b\\u007f\"");
    EXPECT_EQ(json_text("bad\xff"), "\"bad\\\\xff\"");
    EXPECT_EQ(json_text("\xc2\x9b"), "\"\\u009b\"");
    EXPECT_EQ(json_text("pr\xc3\xb8" "cess"), "\"pr\xc3\xb8" "cess\"");
    EXPECT_EQ(json_text("evil\xe2\x80\xaetxt\xe2\x80\xa8"), "\"evil\\u202etxt\\u2028\"");
    EXPECT_EQ(nlohmann::json::parse(json_text("a\xe2\x80\xae")).get<std::string>(), "a\xe2\x80\xae") << "lossless";
}

// Regression: raw 0xFF and a name spelled with the four characters \xff both decoded to the
// string `\xff`. Now the backslash of the second is doubled, and each decodes back to its bytes.
TEST(JsonEscape, RawByteAndItsSpellingDiffer) {
    const std::string raw = nlohmann::json::parse(json_text("\xff")).get<std::string>();
    const std::string spelled = nlohmann::json::parse(json_text("\\xff")).get<std::string>();
    EXPECT_NE(raw, spelled);
    EXPECT_EQ(raw, "\\xff");
    EXPECT_EQ(spelled, "\\\\xff");
    EXPECT_EQ(testing::unescape_json_decoded(raw), "\xff");
    EXPECT_EQ(testing::unescape_json_decoded(spelled), "\\xff");
}

TEST(Escape, RandomBytesRoundTripAndStaySafe) {
    std::mt19937 rng(20240611);
    std::uniform_int_distribution<int> byte(0, 255), len(0, 24);
    for (int iter = 0; iter < 5000; ++iter) {
        std::string raw;
        const int n = len(rng);
        for (int i = 0; i < n; ++i) {
            // Bias towards the interesting bytes: controls, backslash, UTF-8 leads and tails.
            int b = byte(rng);
            if (iter % 3 == 0) b = "\x1b\\\n\xc2\x9b\xe2\x82\xac\xff\"a\x80\xae\xa8"[b % 15] & 0xFF;
            raw += static_cast<char>(b);
        }
        const std::string t = escaped_text(raw);
        for (unsigned char c : t) ASSERT_TRUE(c >= 0x20 && c != 0x7F) << golden::visible(t);
        ASSERT_TRUE(valid_utf8(t)) << golden::visible(t);
        ASSERT_EQ(t.find("\xe2\x80\xae"), std::string::npos) << golden::visible(t);
        ASSERT_EQ(t.find("\xe2\x80\xa8"), std::string::npos) << golden::visible(t);
        ASSERT_EQ(unescape_text(t), raw) << golden::visible(t);
        // The width is the escaped text's: one column a character when that text is ASCII.
        bool ascii = true;
        for (unsigned char c : t) ascii = ascii && c < 0x80;
        if (ascii) ASSERT_EQ(escaped_text_width(raw), t.size()) << golden::visible(t);

        const std::string j = json_text(raw);
        nlohmann::json parsed;
        ASSERT_NO_THROW(parsed = nlohmann::json::parse(j)) << golden::visible(j);
        ASSERT_TRUE(parsed.is_string());
        ASSERT_EQ(testing::unescape_json_decoded(parsed.get<std::string>()), raw) << "every name is lossless in JSON";
        if (valid_utf8(raw) && raw.find('\\') == std::string::npos) {
            ASSERT_EQ(parsed.get<std::string>(), raw) << "valid UTF-8 without a backslash is itself in JSON";
        }
    }
}

}  // namespace
}  // namespace tcpstat
