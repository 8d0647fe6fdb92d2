// Owns the safety properties of the text formats: one line per socket, no raw control bytes,
// colour that changes nothing but SGR sequences, no trailing blanks.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fixture.hpp"
#include "golden.hpp"

namespace tcpstat::golden {
namespace {

std::size_t count_lines(const std::string& s, const std::string& eol) {
    std::size_t n = 0;
    for (std::size_t pos = s.find(eol); pos != std::string::npos; pos = s.find(eol, pos + eol.size())) ++n;
    return n;
}

// Removes ESC [ params m; returns false if any other ESC remains.
bool strip_sgr(const std::string& in, std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '\x1b') {
            out += in[i];
            continue;
        }
        if (i + 1 >= in.size() || in[i + 1] != '[') return false;
        std::size_t j = i + 2;
        while (j < in.size() && ((in[j] >= '0' && in[j] <= '9') || in[j] == ';')) ++j;
        if (j >= in.size() || in[j] != 'm') return false;
        i = j;
    }
    return true;
}

struct TextCase {
    Format format;
    bool header;
};

TEST(TextSafety, OneLinePerSocketAndNoControlBytes) {
    const Snapshot snap = make_snapshot();
    const TextCase cases[] = {{Format::Table, true}, {Format::Table, false}, {Format::Tsv, true},
                              {Format::Tsv, false},  {Format::Csv, true},   {Format::Csv, false}};
    for (const auto& set : field_sets()) {
        for (const auto& c : cases) {
            SCOPED_TRACE(set.name + " " + std::string(format_name(c.format)) + (c.header ? "" : " -H"));
            const std::string out = render_listing(snap, c.format, set.fields, c.header);
            const bool csv = c.format == Format::Csv;
            const std::size_t want = snap.sockets.size() + (c.header ? 1 : 0);
            EXPECT_EQ(count_lines(out, "\n"), want);
            if (csv) {
                EXPECT_EQ(count_lines(out, "\r\n"), want) << "every CSV line ends in CRLF";
            }
            for (std::size_t i = 0; i < out.size(); ++i) {
                const unsigned char b = static_cast<unsigned char>(out[i]);
                const bool allowed = b == '\n' || (b == '\t' && c.format == Format::Tsv) ||
                                     (b == '\r' && csv && i + 1 < out.size() && out[i + 1] == '\n');
                if ((b < 0x20 || b == 0x7F) && !allowed) {
                    ADD_FAILURE() << "raw control byte " << int(b) << " at offset " << i << " in "
                                  << visible(out.substr(i < 20 ? 0 : i - 20, 40));
                    break;
                }
            }
            if (c.format == Format::Tsv) {
                const std::size_t tabs_per_line = set.fields.size() - 1;
                EXPECT_EQ(count_lines(out, "\t"), tabs_per_line * want) << "a value leaked a tab";
            }
        }
    }
}

TEST(TextSafety, TableHasNoTrailingBlanks) {
    const Snapshot snap = make_snapshot();
    for (const auto& set : field_sets()) {
        const std::string out = render_listing(snap, Format::Table, set.fields);
        // Padding never trails; only a value that itself ends in a blank may (" spaced ").
        for (std::size_t at = out.find(" \n"); at != std::string::npos; at = out.find(" \n", at + 1)) {
            EXPECT_EQ(out.compare(at + 1 - 8, 8, " spaced "), 0) << set.name << ": " << visible(out.substr(0, at));
        }
    }
}

TEST(TextSafety, ColourAddsOnlySgrAndKeepsAlignment) {
    const Snapshot snap = make_snapshot();
    for (const auto& set : field_sets()) {
        const std::string plain = render_listing(snap, Format::Table, set.fields);
        const std::string color = render_listing(snap, Format::Table, set.fields, true, true);
        std::string stripped;
        ASSERT_TRUE(strip_sgr(color, stripped)) << "an escape other than SGR reached the output";
        EXPECT_EQ(stripped, plain) << set.name;
        EXPECT_NE(color, plain);
    }
}

TEST(TextSafety, ColourMarksStates) {
    const Snapshot snap = make_snapshot();
    const std::string color = render_listing(snap, Format::Table, {Field::State}, true, true);
    EXPECT_NE(color.find("\x1b[1mSTATE\x1b[0m"), std::string::npos);
    EXPECT_NE(color.find("\x1b[32mLISTEN\x1b[0m"), std::string::npos);
    EXPECT_NE(color.find("\x1b[1;31mCLOSE_WAIT\x1b[0m"), std::string::npos);
    EXPECT_NE(color.find("\x1b[33mTIME_WAIT\x1b[0m"), std::string::npos);
    EXPECT_NE(color.find("\x1b[36mSYN_SENT\x1b[0m"), std::string::npos);
    EXPECT_NE(color.find("\x1b[35mFIN_WAIT1\x1b[0m"), std::string::npos);
    EXPECT_NE(color.find("\x1b[35mLAST_ACK\x1b[0m"), std::string::npos);
    EXPECT_EQ(color.find("\x1b[32mUNCONN"), std::string::npos);
    EXPECT_NE(color.find("\nESTABLISHED\n"), std::string::npos) << "ESTABLISHED stays plain";
}

TEST(TextSafety, HostileNamesAppearEscapedInEveryTextFormat) {
    const Snapshot snap = make_snapshot();
    for (Format f : {Format::Table, Format::Tsv, Format::Csv}) {
        const std::string out = render_listing(snap, f, {Field::Process});
        for (const auto& h : hostile_names()) {
            std::string want = h.text;
            if (f == Format::Csv && (want.find_first_of(",\"") != std::string::npos || want.front() == ' ')) {
                std::string quoted = "\"";
                for (char c : want) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
                want = quoted + "\"";
            }
            EXPECT_NE(out.find(want), std::string::npos) << format_name(f) << ": " << visible(want);
        }
    }
}

TEST(TextSafety, WideCharactersPadByColumns) {
    const Snapshot snap = make_snapshot();
    // PROCESS then PID: with the name column left-aligned, every PID must end at the same column.
    const std::string out = render_listing(snap, Format::Table, {Field::Process, Field::Pid});
    const std::string wide = "\xe5\x90\x8d\xe5\x89\x8d";  // two double-width characters
    std::size_t at = out.find(wide);
    ASSERT_NE(at, std::string::npos);
    std::size_t line_start = out.rfind('\n', at) + 1;
    std::size_t line_end = out.find('\n', at);
    std::size_t header_end = out.find('\n');
    // Bytes minus columns: each wide char is 3 bytes for 2 columns.
    EXPECT_EQ(line_end - line_start - 2, header_end) << visible(out);
}

}  // namespace
}  // namespace tcpstat::golden
