// Owns the parse-back checks of CSV (with a strict RFC 4180 reader) and TSV, field by field.
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fixture.hpp"
#include "golden.hpp"

namespace tcpstat::golden {
namespace {

using Record = std::vector<std::string>;

// A strict RFC 4180 reader: CRLF records, quoted fields with "" for a quote. Returns nullopt
// (and a reason) on anything the RFC does not allow, such as a bare LF or a stray quote.
std::optional<std::vector<Record>> read_csv(const std::string& in, std::string& why) {
    std::vector<Record> records;
    Record rec;
    std::string field;
    std::size_t i = 0;
    const std::size_t n = in.size();
    while (i < n) {
        if (in[i] == '"') {
            ++i;
            while (true) {
                if (i >= n) {
                    why = "unterminated quoted field";
                    return std::nullopt;
                }
                if (in[i] == '"') {
                    if (i + 1 < n && in[i + 1] == '"') {
                        field += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                field += in[i++];
            }
            if (i < n && in[i] != ',' && in[i] != '\r') {
                why = "text after a closing quote at offset " + std::to_string(i);
                return std::nullopt;
            }
        } else {
            while (i < n && in[i] != ',' && in[i] != '\r') {
                if (in[i] == '"' || in[i] == '\n') {
                    why = "quote or bare LF in an unquoted field at offset " + std::to_string(i);
                    return std::nullopt;
                }
                field += in[i++];
            }
        }
        rec.push_back(std::move(field));
        field.clear();
        if (i >= n) {
            why = "last record lacks its CRLF";
            return std::nullopt;
        }
        if (in[i] == ',') {
            ++i;
            continue;
        }
        if (i + 1 >= n || in[i + 1] != '\n') {
            why = "CR without LF at offset " + std::to_string(i);
            return std::nullopt;
        }
        i += 2;
        records.push_back(std::move(rec));
        rec.clear();
    }
    return records;
}

std::vector<Record> read_tsv(const std::string& in) {
    std::vector<Record> records;
    std::size_t start = 0;
    while (start < in.size()) {
        const std::size_t nl = in.find('\n', start);
        const std::string line = in.substr(start, nl - start);
        Record rec;
        std::size_t f = 0;
        while (true) {
            const std::size_t tab = line.find('\t', f);
            rec.push_back(line.substr(f, tab == std::string::npos ? std::string::npos : tab - f));
            if (tab == std::string::npos) break;
            f = tab + 1;
        }
        records.push_back(std::move(rec));
        start = nl + 1;
    }
    return records;
}

void check_records(const Snapshot& snap, const std::vector<Field>& fields, const std::vector<Record>& records,
                   bool header) {
    ASSERT_EQ(records.size(), snap.sockets.size() + (header ? 1 : 0));
    std::size_t r = 0;
    if (header) {
        ASSERT_EQ(records[0].size(), fields.size());
        for (std::size_t c = 0; c < fields.size(); ++c) EXPECT_EQ(records[0][c], field_info(fields[c]).name);
        r = 1;
    }
    for (const Socket& s : snap.sockets) {
        const Record& rec = records[r++];
        ASSERT_EQ(rec.size(), fields.size()) << "record " << r;
        for (std::size_t c = 0; c < fields.size(); ++c) {
            const auto want = expected_text(snap, s, fields[c]);
            EXPECT_EQ(rec[c], want.value_or("")) << "record " << r << " field " << field_info(fields[c]).name;
        }
    }
}

class DelimitedRoundTrip : public ::testing::TestWithParam<FieldSet> {};

TEST_P(DelimitedRoundTrip, CsvParsesBackFieldByField) {
    const Snapshot snap = make_snapshot();
    const auto& fields = GetParam().fields;
    for (bool header : {true, false}) {
        std::string why;
        const auto records = read_csv(render_listing(snap, Format::Csv, fields, header), why);
        ASSERT_TRUE(records.has_value()) << why;
        check_records(snap, fields, *records, header);
    }
}

TEST_P(DelimitedRoundTrip, TsvParsesBackFieldByField) {
    const Snapshot snap = make_snapshot();
    const auto& fields = GetParam().fields;
    for (bool header : {true, false}) {
        check_records(snap, fields, read_tsv(render_listing(snap, Format::Tsv, fields, header)), header);
    }
}

INSTANTIATE_TEST_SUITE_P(Fields, DelimitedRoundTrip, ::testing::ValuesIn(field_sets()),
                         [](const auto& info) { return info.param.name; });

TEST(CsvQuoting, QuotesOnlyWhatRfc4180Needs) {
    const Snapshot snap = make_snapshot();
    const std::string out = render_listing(snap, Format::Csv, {Field::Process});
    EXPECT_NE(out.find("\r\n\"quo\"\"te,comma\"\r\n"), std::string::npos) << visible(out);
    EXPECT_NE(out.find("\r\n\" spaced \"\r\n"), std::string::npos) << visible(out);
    EXPECT_NE(out.find("\r\nsshd\r\n"), std::string::npos) << visible(out);
    EXPECT_NE(out.find("\r\nback\\\\slash\r\n"), std::string::npos) << visible(out);
    // Several owners join with ',' and so need quotes too.
    const std::string pids = render_listing(snap, Format::Csv, {Field::Pid});
    EXPECT_NE(pids.find("\r\n\"900,901\"\r\n"), std::string::npos) << visible(pids);
}

TEST(CsvQuoting, ReaderRejectsMalformedInput) {
    std::string why;
    EXPECT_FALSE(read_csv("a,b\n", why).has_value());
    EXPECT_FALSE(read_csv("a\"b\r\n", why).has_value());
    EXPECT_FALSE(read_csv("\"ab\r\n", why).has_value());
    EXPECT_FALSE(read_csv("\"a\"b\r\n", why).has_value());
    ASSERT_TRUE(read_csv("\"a\"\"b\",\r\n", why).has_value());
    EXPECT_EQ((*read_csv("\"a\"\"b\",\r\n", why))[0], (Record{"a\"b", ""}));
}

}  // namespace
}  // namespace tcpstat::golden
