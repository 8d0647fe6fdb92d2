// Tests what a Backend does unless it does better: owners for packed rows by unpacking them, so a
// backend whose tables carry the owners (Windows) and one that joins them both fill the rows.
#include <gtest/gtest.h>

#include "tcpstat/backend.hpp"

using namespace tcpstat;

namespace {

// Like the Windows backend: collect() already set each socket's owner, attach_owners() only
// names the processes; or, like a joining backend, attach_owners() finds the owners itself.
class TableBackend final : public Backend {
public:
    explicit TableBackend(bool joins) : joins_(joins) {}
    Snapshot collect(const CollectRequest&) override { return {}; }
    void attach_owners(Snapshot& snap, const OwnerRequest&) override {
        ++calls;
        for (Socket& s : snap.sockets) {
            if (joins_ && s.inode) s.owners.push_back({static_cast<Pid>(*s.inode), 9});
            for (const Owner& o : s.owners) snap.processes[o.pid].name = "p" + std::to_string(o.pid);
        }
        snap.owners_attached = true;
        snap.warnings.push_back("seen " + std::to_string(snap.sockets.size()));
    }
    std::optional<std::uint32_t> uid_of_user(std::string_view) override { return std::nullopt; }
    std::vector<CloseResult> close_sockets(std::span<const Socket>, const CollectRequest&) override { return {}; }
    int calls = 0;

private:
    bool joins_;
};

PackedSockets three_rows(bool with_owners) {
    PackedSockets rows;
    for (std::uint64_t i = 1; i <= 3; ++i) {
        Socket s;
        s.inode = 100 + i;
        if (with_owners && i != 2) s.owners.push_back({static_cast<Pid>(i), std::nullopt});
        rows.append(s);
    }
    return rows;
}

}  // namespace

TEST(BackendDefault, OwnersATableCarriedSurviveTheJoin) {
    TableBackend backend(false);
    PackedSockets rows = three_rows(true);
    Snapshot context;
    backend.attach_packed_owners(rows, context, OwnerRequest{});
    EXPECT_EQ(backend.calls, 1);
    Socket out;
    rows.decode(0, out);
    EXPECT_EQ(out.owners, (std::vector<Owner>{{1, std::nullopt}}));
    rows.decode(1, out);
    EXPECT_TRUE(out.owners.empty());
    rows.decode(2, out);
    EXPECT_EQ(out.owners, (std::vector<Owner>{{3, std::nullopt}}));
    // The details and warnings land in the context, and the unpacked sockets are gone again.
    EXPECT_TRUE(context.sockets.empty());
    EXPECT_EQ(context.process(3)->name, "p3");
    EXPECT_TRUE(context.owners_attached);
    EXPECT_EQ(context.warnings, std::vector<std::string>{"seen 3"});
}

TEST(BackendDefault, OwnersTheBackendJoinsGoToTheRows) {
    TableBackend backend(true);
    PackedSockets rows = three_rows(false);
    Snapshot context;
    backend.attach_packed_owners(rows, context, OwnerRequest{});
    Socket out;
    for (std::size_t i = 0; i < 3; ++i) {
        rows.decode(i, out);
        EXPECT_EQ(out.owners, (std::vector<Owner>{{static_cast<Pid>(101 + i), 9}}));
    }
    EXPECT_EQ(context.process(102)->name, "p102");
}
