// Owns the checks of format names: parsing, spelling tolerance, and the error that lists them.
#include <string>

#include <gtest/gtest.h>

#include "tcpstat/error.hpp"
#include "tcpstat/render.hpp"

namespace tcpstat {
namespace {

TEST(FormatNames, RoundTrip) {
    for (Format f : {Format::Table, Format::Tsv, Format::Json, Format::Jsonl, Format::Csv, Format::Prometheus}) {
        EXPECT_EQ(parse_format(format_name(f)), f);
    }
    EXPECT_EQ(format_name(Format::Jsonl), "jsonl");
    EXPECT_EQ(format_name(Format::Prometheus), "prometheus");
}

TEST(FormatNames, CaseInsensitiveAndNdjson) {
    EXPECT_EQ(parse_format("JSON"), Format::Json);
    EXPECT_EQ(parse_format("Csv"), Format::Csv);
    EXPECT_EQ(parse_format("ndjson"), Format::Jsonl);
}

TEST(FormatNames, UnknownListsTheAcceptedOnes) {
    try {
        parse_format("xml");
        FAIL() << "expected UsageError";
    } catch (const UsageError& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("'xml'"), std::string::npos) << msg;
        EXPECT_NE(msg.find("table, tsv, json, jsonl, csv, prometheus"), std::string::npos) << msg;
    }
    EXPECT_THROW(parse_format(""), UsageError);
    EXPECT_THROW(parse_format("jsonlx"), UsageError);
}

}  // namespace
}  // namespace tcpstat
