// Owns the layering probe that must compile with the app's include path: the public headers and the app's own.
#include "app/options.hpp"
#include "tcpstat/render.hpp"
