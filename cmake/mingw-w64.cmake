# Toolchain for cross-building a static Windows x86_64 tcpstat.exe with Debian's MinGW-w64 (posix threads).
# Usage: cmake -S . -B build-win -DCMAKE_TOOLCHAIN_FILE=cmake/mingw-w64.cmake
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(TCPSTAT_MINGW_TRIPLE x86_64-w64-mingw32)
# The -posix variants: std::thread and std::mutex need winpthreads; the -win32 ones lack them.
set(CMAKE_C_COMPILER ${TCPSTAT_MINGW_TRIPLE}-gcc-posix)
set(CMAKE_CXX_COMPILER ${TCPSTAT_MINGW_TRIPLE}-g++-posix)
set(CMAKE_RC_COMPILER ${TCPSTAT_MINGW_TRIPLE}-windres)

# Libraries and config packages come only from the MinGW sysroot, never from the Linux host:
# host fmt/gtest builds would link but not run. Header-only deps are wired up in
# cmake/windows-deps.cmake instead.
set(CMAKE_FIND_ROOT_PATH /usr/${TCPSTAT_MINGW_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# One self-contained .exe: no libstdc++-6.dll, libgcc_s_seh-1.dll or libwinpthread-1.dll to ship.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static -static-libgcc -static-libstdc++")

# Lets `ctest` (and add_test) run the .exe files through Wine when it is installed.
find_program(TCPSTAT_WINE64 NAMES wine64 PATHS /usr/lib/wine /usr/lib/wine64 NO_CMAKE_FIND_ROOT_PATH)
if(NOT TCPSTAT_WINE64)
  find_program(TCPSTAT_WINE64 NAMES wine NO_CMAKE_FIND_ROOT_PATH)
endif()
if(TCPSTAT_WINE64)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${TCPSTAT_WINE64})
endif()
