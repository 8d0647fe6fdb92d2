# Install layout beyond the binary: man page, shell completions and docs, in the paths Debian tools look in.
include(GNUInstallDirs)

if(NOT WIN32)
  # dpkg and lintian expect man pages compressed; -n keeps the archive byte-identical across builds.
  find_program(TCPSTAT_GZIP gzip)
  set(TCPSTAT_MAN_SOURCE ${CMAKE_SOURCE_DIR}/docs/tcpstat.1)
  if(TCPSTAT_GZIP)
    set(TCPSTAT_MAN_PAGE ${CMAKE_BINARY_DIR}/tcpstat.1.gz)
    add_custom_command(OUTPUT ${TCPSTAT_MAN_PAGE}
                       COMMAND ${TCPSTAT_GZIP} -9 -n -c ${TCPSTAT_MAN_SOURCE} > ${TCPSTAT_MAN_PAGE}
                       DEPENDS ${TCPSTAT_MAN_SOURCE}
                       COMMENT "Compressing the man page"
                       VERBATIM)
    add_custom_target(tcpstat_man ALL DEPENDS ${TCPSTAT_MAN_PAGE})
  else()
    set(TCPSTAT_MAN_PAGE ${TCPSTAT_MAN_SOURCE})
  endif()
  install(FILES ${TCPSTAT_MAN_PAGE} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)

  install(FILES completions/tcpstat.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
          RENAME tcpstat)
  install(FILES completions/_tcpstat DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
  install(FILES completions/tcpstat.fish DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)
  # serve's HTTP server, loaded by `tcpstat serve` only, found relative to the installed binary
  # (TCPSTAT_HTTP_MODULE_DIR in CMakeLists.txt computes the same path).
  if(TARGET tcpstat_http)
    install(TARGETS tcpstat_http LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}/tcpstat)
  endif()
  # `tcpstat serve` as a hardened service; not enabled by installing (systemctl enable --now).
  install(FILES packaging/tcpstat-exporter.service DESTINATION lib/systemd/system)
endif()

# Debian names the licence file `copyright`; keep that name everywhere for one layout.
install(FILES LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR} RENAME copyright)
install(FILES README.md docs/formats.md docs/states.md docs/troubleshooting.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
