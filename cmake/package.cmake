# Debian package (.deb) of the install tree via CPack: `cpack -G DEB` in a Release build dir.
if(NOT CMAKE_SYSTEM_NAME STREQUAL "Linux")
  return()
endif()

set(TCPSTAT_DEB_MAINTAINER "The tcpstat authors <maintainers@users.noreply.r-seed-c4b23477.example>"
    CACHE STRING "Maintainer field of the .deb")

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME tcpstat)
set(CPACK_PACKAGE_VENDOR "The tcpstat authors")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "socket-state inspector: which TCP states, owned by which process")
set(CPACK_PACKAGE_CONTACT ${TCPSTAT_DEB_MAINTAINER})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${TCPSTAT_DEB_MAINTAINER})
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# Dependencies come from the NEEDED entries of the binary and of serve's module tcpstat-http.so
# (libcpp-httplib: dpkg-shlibdeps, in dpkg-dev, reads every ELF file in the package), so they
# always match what the build actually linked.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# CPack puts the summary on the first line and indents this body itself.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "tcpstat lists TCP and UDP sockets with their state and owning processes, and
answers directly which process holds sockets in a given state (for example a
CLOSE_WAIT leak), how many sockets are in each state, and whether a count is
above a threshold (a Monitoring Plugins check). It reads the kernel's socket
tables through netlink sock_diag, falling back to /proc/net, and prints a table
or TSV, CSV, JSON, JSON lines or Prometheus text.")
# Directories 0755 and files 0644/0755 whatever the builder's umask, as dpkg expects.
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
