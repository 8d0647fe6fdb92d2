// Owns the layering probe that must NOT compile with the app's include path: a backend header by its bare name, as the platform target once published its directory.
#if defined(_WIN32)
#include "mib_convert.hpp"
#else
#include "netlink.hpp"
#endif
