# Provides fmt::fmt and CLI11::CLI11 for the MinGW cross build from Debian's host headers, header-only.
# Only the fmt/, CLI/ and nlohmann/ folders are exposed (via symlinks in the build tree): putting
# all of /usr/include on a MinGW include path would pull glibc headers into Windows code.
# nlohmann/ is there for the golden tests, which find it in /usr/include on Linux.
set(TCPSTAT_WIN_INCLUDE ${CMAKE_BINARY_DIR}/windows-deps/include)
file(MAKE_DIRECTORY ${TCPSTAT_WIN_INCLUDE})
foreach(dep fmt CLI)
  if(NOT EXISTS /usr/include/${dep})
    message(FATAL_ERROR "/usr/include/${dep} is missing: install libfmt-dev and libcli11-dev")
  endif()
  file(CREATE_LINK /usr/include/${dep} ${TCPSTAT_WIN_INCLUDE}/${dep} SYMBOLIC)
endforeach()
if(EXISTS /usr/include/nlohmann)
  file(CREATE_LINK /usr/include/nlohmann ${TCPSTAT_WIN_INCLUDE}/nlohmann SYMBOLIC)
endif()

add_library(tcpstat_fmt_header_only INTERFACE)
target_include_directories(tcpstat_fmt_header_only SYSTEM INTERFACE ${TCPSTAT_WIN_INCLUDE})
# The host libfmt.so cannot be linked into a .exe; header-only mode compiles fmt inline instead.
target_compile_definitions(tcpstat_fmt_header_only INTERFACE FMT_HEADER_ONLY=1)
add_library(fmt::fmt ALIAS tcpstat_fmt_header_only)

add_library(tcpstat_cli11_header_only INTERFACE)
target_include_directories(tcpstat_cli11_header_only SYSTEM INTERFACE ${TCPSTAT_WIN_INCLUDE})
add_library(CLI11::CLI11 ALIAS tcpstat_cli11_header_only)
