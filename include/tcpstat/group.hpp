// Forwards to the three headers group.hpp was split into; kept so code written against it
// still builds. New code includes the one it needs.
#pragma once

#include "tcpstat/grouping.hpp"
#include "tcpstat/sorting.hpp"
#include "tcpstat/summary.hpp"
