# Version string for --version: the project version plus the git commit when built from a checkout.
find_package(Git QUIET)
set(TCPSTAT_GIT_COMMIT "")
if(GIT_FOUND AND EXISTS "${CMAKE_SOURCE_DIR}/.git")
  execute_process(COMMAND ${GIT_EXECUTABLE} rev-parse --short=12 HEAD
                  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
                  OUTPUT_VARIABLE TCPSTAT_GIT_COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE
                  ERROR_QUIET)
  # A commit moves the branch's ref, not .git/HEAD: watch both (and packed-refs), so the next
  # build re-runs this and --version names the new commit instead of the one at first configure.
  set(_watch "")
  if(IS_DIRECTORY "${CMAKE_SOURCE_DIR}/.git")  # not a worktree's or submodule's .git file
    list(APPEND _watch "${CMAKE_SOURCE_DIR}/.git/HEAD")
  endif()
  execute_process(COMMAND ${GIT_EXECUTABLE} symbolic-ref -q HEAD
                  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
                  OUTPUT_VARIABLE _ref OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  foreach(_file "${_ref}" "packed-refs")
    if(_watch AND _file AND EXISTS "${CMAKE_SOURCE_DIR}/.git/${_file}")
      list(APPEND _watch "${CMAKE_SOURCE_DIR}/.git/${_file}")
    endif()
  endforeach()
  if(_watch)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_watch})
  endif()
endif()
configure_file(${CMAKE_SOURCE_DIR}/cmake/version.hpp.in
               ${CMAKE_BINARY_DIR}/generated/tcpstat_version.hpp @ONLY)
