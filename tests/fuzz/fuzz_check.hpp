// Owns the one assertion helper the fuzz targets share: a violated property aborts, so libFuzzer keeps the input.
#pragma once

#include <cstdio>
#include <cstdlib>

// assert() vanishes under NDEBUG; a fuzz property must hold in every build type.
#define FUZZ_CHECK(cond)                                                                  \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            std::fprintf(stderr, "%s:%d: fuzz property violated: %s\n", __FILE__, __LINE__, #cond); \
            std::abort();                                                                 \
        }                                                                                 \
    } while (0)
