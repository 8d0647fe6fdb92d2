// Owns the layering probe that must NOT compile with the app's include path: render's private escaping header.
#include "render/escape.hpp"
