// Owns the layering probe that must NOT compile with the app's include path: a backend header by its path under src.
#if defined(_WIN32)
#include "platform/windows/mib_convert.hpp"
#else
#include "platform/linux/netlink.hpp"
#endif
