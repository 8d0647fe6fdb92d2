// Owns the parse-back checks of JSON and JSON Lines: valid documents, key order, every value.
#include <algorithm>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fixture.hpp"
#include "golden.hpp"

namespace tcpstat::golden {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

void check_object(const Snapshot& snap, const Socket& s, const std::vector<Field>& fields,
                  const std::string& text) {
    const ordered_json ordered = ordered_json::parse(text);
    ASSERT_TRUE(ordered.is_object());
    ASSERT_EQ(ordered.size(), fields.size());
    std::size_t k = 0;
    for (const auto& item : ordered.items()) {
        EXPECT_EQ(item.key(), field_info(fields[k]).name) << "keys follow the field order";
        ++k;
    }
    const json obj = json::parse(text);
    for (Field f : fields) {
        const std::string name(field_info(f).name);
        EXPECT_EQ(obj.at(name), expected_json(snap, s, f)) << "field " << name << " of " << visible(text);
    }
}

// Splits a json document's socket array into its objects (one per line by contract).
std::vector<std::string> lines(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

class JsonRoundTrip : public ::testing::TestWithParam<FieldSet> {};

TEST_P(JsonRoundTrip, DocumentHoldsEverySocketAndField) {
    const Snapshot snap = make_snapshot();
    const auto& fields = GetParam().fields;
    const std::string text = render_listing(snap, Format::Json, fields);
    const json doc = json::parse(text);  // throws on invalid JSON or ill-formed UTF-8
    ASSERT_TRUE(doc.is_object());
    EXPECT_EQ(doc.size(), 2u);
    EXPECT_EQ(doc.at("source"), "netlink");
    const ordered_json top = ordered_json::parse(text);
    EXPECT_EQ(top.begin().key(), "source");
    const auto& sockets = doc.at("sockets");
    ASSERT_TRUE(sockets.is_array());
    ASSERT_EQ(sockets.size(), snap.sockets.size());
    for (std::size_t i = 0; i < snap.sockets.size(); ++i) {
        SCOPED_TRACE("socket " + std::to_string(i));
        check_object(snap, snap.sockets[i], fields, top.at("sockets")[i].dump());
    }
    // One socket object per line inside the envelope.
    EXPECT_EQ(lines(text).size(), snap.sockets.size() + 2);
}

TEST_P(JsonRoundTrip, LinesHoldOneObjectEach) {
    const Snapshot snap = make_snapshot();
    const auto& fields = GetParam().fields;
    const std::string text = render_listing(snap, Format::Jsonl, fields);
    ASSERT_FALSE(text.empty());
    EXPECT_EQ(text.back(), '\n');
    const auto rows = lines(text);
    ASSERT_EQ(rows.size(), snap.sockets.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        SCOPED_TRACE("line " + std::to_string(i + 1));
        check_object(snap, snap.sockets[i], fields, rows[i]);
    }
}

INSTANTIATE_TEST_SUITE_P(Fields, JsonRoundTrip, ::testing::ValuesIn(field_sets()),
                         [](const auto& info) { return info.param.name; });

TEST(JsonRoundTrip, HostileNamesDecodeAsPromised) {
    const Snapshot snap = make_snapshot();
    const std::string text = render_listing(snap, Format::Jsonl, {Field::Process});
    std::vector<std::string> names;
    for (const auto& line : lines(text)) {
        const json j = json::parse(line);
        if (j.at("process").is_string()) names.push_back(j.at("process").get<std::string>());
    }
    for (const auto& h : hostile_names()) {
        EXPECT_NE(std::find(names.begin(), names.end(), h.json), names.end()) << visible(h.json);
    }
    // Nothing raw that a terminal would act on, even though JSON would allow it.
    EXPECT_EQ(text.find('\x1b'), std::string::npos);
    EXPECT_EQ(text.find("\xc2\x9b"), std::string::npos);
    EXPECT_EQ(text.find('\x7f'), std::string::npos);
}

TEST(JsonRoundTrip, LargeListingSpillsTheBufferCorrectly) {
    const Snapshot base = make_snapshot();
    Snapshot snap = base;
    while (snap.sockets.size() < 5000) snap.sockets.insert(snap.sockets.end(), base.sockets.begin(), base.sockets.end());
    std::vector<Field> every;
    for (const FieldInfo& info : all_fields()) every.push_back(info.field);
    const std::string text = render_listing(snap, Format::Json, every);
    ASSERT_GT(text.size(), std::size_t{1} << 17);
    const json doc = json::parse(text);
    ASSERT_EQ(doc.at("sockets").size(), snap.sockets.size());
    const std::size_t last = snap.sockets.size() - 1;
    for (Field f : every) {
        EXPECT_EQ(doc["sockets"][last].at(std::string(field_info(f).name)), expected_json(snap, snap.sockets[last], f));
    }
}

}  // namespace
}  // namespace tcpstat::golden

namespace tcpstat::golden {
namespace {

// A Windows owner has a pid and no descriptor: null in JSON, the bare pid in text, never a made-up -1.
TEST(OwnerWithoutFd, NullInJsonPidAloneInText) {
    Snapshot snap;
    Socket s;
    s.owners = {Owner{4321, std::nullopt}, Owner{812, 3}};
    snap.sockets.push_back(s);
    snap.processes[4321].name = "svchost.exe";
    const json j = json::parse(render_listing(snap, Format::Jsonl, {Field::Owners}));
    ASSERT_EQ(j.at("owners").size(), 2u) << j;
    EXPECT_TRUE(j["owners"][0].at("fd").is_null()) << j;
    EXPECT_EQ(j["owners"][0].at("process"), "svchost.exe");
    EXPECT_EQ(j["owners"][1].at("fd"), 3);
    EXPECT_EQ(render_listing(snap, Format::Tsv, {Field::Owners}, false), "4321,812/3\n");
}

}  // namespace
}  // namespace tcpstat::golden
