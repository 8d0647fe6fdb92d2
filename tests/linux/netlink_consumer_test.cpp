// Owns the tests of a streamed dump's rows (TableConsumer over a Streamer): batches handed over, and a restart taking them back.
#include <gtest/gtest.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "netlink.hpp"
#include "netlink_consumer.hpp"
#include "netlink_messages.hpp"

namespace tcpstat::netlink {
namespace {

using namespace synthetic;

// About what the kernel puts in one ~32 KiB datagram of bare inet_diag messages.
constexpr std::size_t kPerBuffer = 300;
// The first attempt of a restarted table stops here: past one batch handed over, short of two.
constexpr std::size_t kInterruptedAfter = 3000;
static_assert(kInterruptedAfter > kStreamBatch && kInterruptedAfter < 2 * kStreamBatch);
constexpr std::size_t kTable = 5000;

using Inodes = std::vector<std::uint64_t>;

// A sink that prints what it takes: it remembers each row (by inode) and cannot take any back.
class PrintingSink : public SocketSink {
public:
    void take(std::vector<Socket>& batch, const Snapshot& context) override {
        EXPECT_TRUE(context.sockets.empty());
        for (const Socket& s : batch) rows.push_back(s.inode ? *s.inode : 0);
        batch.clear();
    }
    Inodes rows;
};

// A sink that keeps what it takes, as a packed listing does: a restart truncates to the mark.
class KeepingSink : public PrintingSink {
public:
    void mark() override { mark_ = rows.size(); }
    bool take_back() override {
        rows.resize(mark_);
        ++taken_back;
        return true;
    }
    int taken_back = 0;

private:
    std::size_t mark_ = 0;
};

inet_diag_msg socket_msg(int family, std::uint64_t inode) {
    inet_diag_msg m = v4_msg(1);  // ESTABLISHED
    m.idiag_family = static_cast<std::uint8_t>(family);
    if (family == AF_INET6) {
        m.id.idiag_src[0] = htonl(0x20010db8);  // 2001:db8::1
        m.id.idiag_src[3] = htonl(1);
        m.id.idiag_dst[0] = htonl(0x20010db8);  // 2001:db8::2
        m.id.idiag_dst[3] = htonl(2);
    }
    m.idiag_inode = static_cast<std::uint32_t>(inode);
    return m;
}

// One dump attempt's buffers: sockets with inodes first, first + 1, ... (`count` of them), kPerBuffer
// a buffer. `interrupted`: the last one carries NLM_F_DUMP_INTR; else a final NLMSG_DONE.
std::vector<Bytes> dump_buffers(int family, std::uint64_t first, std::size_t count, bool interrupted) {
    std::vector<Bytes> buffers;
    for (std::size_t i = 0; i < count; ++i) {
        if (i % kPerBuffer == 0) buffers.emplace_back();
        const bool last = i + 1 == count;
        const std::uint16_t flags = NLM_F_MULTI | (last && interrupted ? NLM_F_DUMP_INTR : 0);
        append_message(buffers.back(), SOCK_DIAG_BY_FAMILY, flags, diag_payload(socket_msg(family, first + i)));
    }
    if (!interrupted) append_message(buffers.back(), NLMSG_DONE, NLM_F_MULTI, int_payload(0));
    return buffers;
}

// Feeds one attempt as run_dump does: restart() first, then every buffer; the last one's status.
BufferStatus attempt(TableConsumer& consumer, const std::vector<Bytes>& buffers) {
    consumer.restart();
    BufferStatus status = BufferStatus::More;
    for (const Bytes& b : buffers) status = consumer.consume(b, kSeq, 0).status;
    return status;
}

// A table whose first attempt is interrupted after a batch was handed over, then read whole.
void restarted_table(TableConsumer& consumer, int family, std::uint64_t first, int interruptions = 1) {
    for (int i = 0; i < interruptions; ++i)
        ASSERT_EQ(attempt(consumer, dump_buffers(family, first, kInterruptedAfter, true)), BufferStatus::Interrupted);
    ASSERT_EQ(attempt(consumer, dump_buffers(family, first, kTable, false)), BufferStatus::Done);
}

Inodes inodes(std::uint64_t first, std::size_t count) {
    Inodes v(count);
    std::iota(v.begin(), v.end(), first);
    return v;
}

std::size_t restart_warnings(const Snapshot& snap) {
    return static_cast<std::size_t>(std::count_if(snap.warnings.begin(), snap.warnings.end(), [](const std::string& w) {
        return w.find("interrupted and restarted") != std::string::npos;
    }));
}

TEST(NetlinkConsumer, ASinkThatTakesBackEndsWithEachSocketOnceAndNoWarning) {
    KeepingSink sink;
    Snapshot snap;
    Streamer streamer(sink, snap, false);
    {
        TableConsumer consumer(Protocol::Tcp, snap.sockets, false, &streamer);
        restarted_table(consumer, AF_INET, 1);
    }
    streamer.flush();
    EXPECT_EQ(sink.taken_back, 1);  // the first attempt's batch had reached the sink
    EXPECT_EQ(sink.rows, inodes(1, kTable));
    EXPECT_TRUE(snap.sockets.empty());
    EXPECT_EQ(restart_warnings(snap), 0u);
}

TEST(NetlinkConsumer, ASinkThatPrintedWarnsOnceAndSawTheFirstAttempt) {
    PrintingSink sink;
    Snapshot snap;
    Streamer streamer(sink, snap, false);
    {
        TableConsumer consumer(Protocol::Tcp, snap.sockets, false, &streamer);
        restarted_table(consumer, AF_INET, 1, 2);
    }
    streamer.flush();
    // Each interrupted attempt printed its first batch (whole buffers up to kStreamBatch); what
    // was still pending was dropped.
    Inodes expected = inodes(1, (kStreamBatch + kPerBuffer - 1) / kPerBuffer * kPerBuffer);
    const Inodes first_batch = expected;
    expected.insert(expected.end(), first_batch.begin(), first_batch.end());
    const Inodes whole = inodes(1, kTable);
    expected.insert(expected.end(), whole.begin(), whole.end());
    EXPECT_EQ(sink.rows, expected);
    EXPECT_EQ(restart_warnings(snap), 1u);
}

TEST(NetlinkConsumer, TheTableBeforeARestartedOneSurvivesTheTakeBackOnce) {
    KeepingSink sink;
    Snapshot snap;
    Streamer streamer(sink, snap, false);
    constexpr std::size_t kSmall = 1000;  // stays pending: never a whole batch
    static_assert(kSmall < kStreamBatch);
    {
        TableConsumer v4(Protocol::Tcp, snap.sockets, false, &streamer);
        ASSERT_EQ(attempt(v4, dump_buffers(AF_INET, 1, kSmall, false)), BufferStatus::Done);
        EXPECT_TRUE(sink.rows.empty());
    }
    {
        TableConsumer v6(Protocol::Tcp, snap.sockets, false, &streamer);
        restarted_table(v6, AF_INET6, 100001);
    }
    streamer.flush();
    EXPECT_EQ(sink.taken_back, 1);
    Inodes expected = inodes(1, kSmall);
    const Inodes v6 = inodes(100001, kTable);
    expected.insert(expected.end(), v6.begin(), v6.end());
    EXPECT_EQ(sink.rows, expected);
    EXPECT_EQ(restart_warnings(snap), 0u);
}

}  // namespace
}  // namespace tcpstat::netlink
