// Owns the byte-for-byte golden comparison of socket listings in every format and variant.
#include <string>

#include <gtest/gtest.h>

#include "fixture.hpp"
#include "golden.hpp"
#include "tcpstat/error.hpp"

namespace tcpstat::golden {
namespace {

class ListingGolden : public ::testing::TestWithParam<FieldSet> {};

TEST_P(ListingGolden, Table) {
    const Snapshot snap = make_snapshot();
    const auto& set = GetParam();
    expect_golden("listing_" + set.name + ".table", render_listing(snap, Format::Table, set.fields));
    expect_golden("listing_" + set.name + "_noheader.table",
                  render_listing(snap, Format::Table, set.fields, false));
    expect_golden("listing_" + set.name + "_color.table",
                  render_listing(snap, Format::Table, set.fields, true, true));
}

TEST_P(ListingGolden, Tsv) {
    const Snapshot snap = make_snapshot();
    const auto& set = GetParam();
    expect_golden("listing_" + set.name + ".tsv", render_listing(snap, Format::Tsv, set.fields));
    expect_golden("listing_" + set.name + "_noheader.tsv", render_listing(snap, Format::Tsv, set.fields, false));
}

TEST_P(ListingGolden, Csv) {
    const Snapshot snap = make_snapshot();
    const auto& set = GetParam();
    expect_golden("listing_" + set.name + ".csv", render_listing(snap, Format::Csv, set.fields));
    expect_golden("listing_" + set.name + "_noheader.csv", render_listing(snap, Format::Csv, set.fields, false));
}

TEST_P(ListingGolden, Json) {
    const Snapshot snap = make_snapshot();
    const auto& set = GetParam();
    expect_golden("listing_" + set.name + ".json", render_listing(snap, Format::Json, set.fields));
    expect_golden("listing_" + set.name + ".jsonl", render_listing(snap, Format::Jsonl, set.fields));
}

INSTANTIATE_TEST_SUITE_P(Fields, ListingGolden, ::testing::ValuesIn(field_sets()),
                         [](const auto& info) { return info.param.name; });

TEST(ListingEmpty, EveryFormatStaysWellFormed) {
    Snapshot snap;
    snap.source = "proc";
    const std::vector<Field> fields = {Field::Proto, Field::Pid};
    EXPECT_EQ(render_listing(snap, Format::Table, fields), "PROTO  PID\n");
    EXPECT_EQ(render_listing(snap, Format::Table, fields, false), "");
    EXPECT_EQ(render_listing(snap, Format::Tsv, fields), "proto\tpid\n");
    EXPECT_EQ(render_listing(snap, Format::Csv, fields), "proto,pid\r\n");
    EXPECT_EQ(render_listing(snap, Format::Json, fields), "{\"source\":\"proc\",\"sockets\":[]}\n");
    EXPECT_EQ(render_listing(snap, Format::Jsonl, fields), "");
}

TEST(ListingEmpty, EmptyFieldListMeansDefaults) {
    const Snapshot snap = make_snapshot();
    // The defaults of the format, as the app chooses them: tsv carries every stable field.
    EXPECT_EQ(render_listing(snap, Format::Tsv, {}), render_listing(snap, Format::Tsv, default_fields(false, true)));
    EXPECT_EQ(render_listing(snap, Format::Table, {}), render_listing(snap, Format::Table, default_fields(false)));
}

TEST(ListingPrometheus, IsRejectedWithAHint) {
    const Snapshot snap = make_snapshot();
    try {
        render_listing(snap, Format::Prometheus, default_fields(false));
        FAIL() << "expected UsageError";
    } catch (const UsageError& e) {
        EXPECT_NE(std::string(e.what()).find("--group-by"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace tcpstat::golden
