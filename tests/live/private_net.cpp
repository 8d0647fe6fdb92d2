// Owns putting every live test process in its own network namespace before any test runs.
#include "common/private_net.hpp"

namespace {
// Before main, while the process has one thread: a namespace change covers every later thread and child.
[[maybe_unused]] const bool kPrivateNet = tcpstat::testing::enter_private_network();
}  // namespace
