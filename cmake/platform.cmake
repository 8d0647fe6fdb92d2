# Picks the OS backend sources for tcpstat_platform: Linux (netlink + /proc) or Windows (iphlpapi).
if(WIN32)
  file(GLOB TCPSTAT_PLATFORM_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/platform/windows/*.cpp)
  add_library(tcpstat_platform STATIC ${TCPSTAT_PLATFORM_SOURCES})
  target_link_libraries(tcpstat_platform PUBLIC tcpstat_core PRIVATE iphlpapi ws2_32 shell32)  # shell32: CommandLineToArgvW (console.cpp)
  # WMI's MSFT_NetTCPSetting, the dynamic port range for doctor (tcp_parameters_read.cpp); advapi32: the registry.
  target_link_libraries(tcpstat_platform PRIVATE ole32 oleaut32 wbemuuid advapi32)
elseif(CMAKE_SYSTEM_NAME STREQUAL "Linux")
  file(GLOB TCPSTAT_PLATFORM_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/platform/linux/*.cpp)
  add_library(tcpstat_platform STATIC ${TCPSTAT_PLATFORM_SOURCES})
  target_link_libraries(tcpstat_platform PUBLIC tcpstat_core PRIVATE Threads::Threads)
  # Private: its sources include their headers from their own directory (bpf/ from the parent).
  target_include_directories(tcpstat_platform PRIVATE ${CMAKE_SOURCE_DIR}/src/platform/linux)
  include(${CMAKE_SOURCE_DIR}/cmake/bpf.cmake)
else()
  message(FATAL_ERROR "tcpstat has backends for Linux and Windows only, not ${CMAKE_SYSTEM_NAME}")
endif()
