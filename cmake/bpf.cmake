# Builds the eBPF programs for tcpstat_platform (Linux: the transition tracer, the owner iterator,
# the pinned recorder): vmlinux.h from the build host's kernel BTF,
# the BPF object (clang -target bpf), its skeleton (bpftool gen skeleton), linked with libbpf.
# vmlinux.h is generated, never checked in: the program is CO-RE, so the build host's BTF only
# needs the few struct fields it reads, and libbpf relocates them to the running kernel's layout.
# Without clang, bpftool, libbpf or /sys/kernel/btf/vmlinux, `tcpstat trace` says what was missing
# and owners come from the /proc walk.
find_program(TCPSTAT_BPF_CLANG NAMES clang clang-16 clang-15 clang-14)
find_program(TCPSTAT_BPFTOOL bpftool PATHS /usr/sbin /sbin)
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(TCPSTAT_LIBBPF QUIET IMPORTED_TARGET libbpf)
endif()
set(TCPSTAT_BTF_FILE /sys/kernel/btf/vmlinux CACHE FILEPATH "kernel BTF that vmlinux.h is generated from")

set(_missing "")
if(NOT TCPSTAT_BPF_CLANG)
  list(APPEND _missing clang)
endif()
if(NOT TCPSTAT_BPFTOOL)
  list(APPEND _missing bpftool)
endif()
if(NOT TCPSTAT_LIBBPF_FOUND)
  list(APPEND _missing libbpf-dev)
endif()
if(NOT EXISTS ${TCPSTAT_BTF_FILE})
  list(APPEND _missing "kernel BTF (${TCPSTAT_BTF_FILE})")
endif()

set(_bpf_dir ${CMAKE_SOURCE_DIR}/src/platform/linux/bpf)
if(_missing)
  string(REPLACE ";" ", " _missing_text "${_missing}")
  message(STATUS "tcpstat trace: disabled, missing ${_missing_text}")
  target_sources(tcpstat_platform PRIVATE ${_bpf_dir}/transition_source_missing.cpp ${_bpf_dir}/owner_iter_missing.cpp
                                          ${_bpf_dir}/recorder_missing.cpp)
  target_compile_definitions(tcpstat_platform PRIVATE TCPSTAT_BPF_MISSING="${_missing_text}")
  set(TCPSTAT_HAVE_BPF OFF)
  return()
endif()
set(TCPSTAT_HAVE_BPF ON)

if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
  set(_bpf_arch x86)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "aarch64|arm64")
  set(_bpf_arch arm64)
else()
  set(_bpf_arch ${CMAKE_SYSTEM_PROCESSOR})
endif()

set(_gen ${CMAKE_BINARY_DIR}/generated/bpf)
file(MAKE_DIRECTORY ${_gen})
add_custom_command(OUTPUT ${_gen}/vmlinux.h
                   COMMAND ${TCPSTAT_BPFTOOL} btf dump file ${TCPSTAT_BTF_FILE} format c > ${_gen}/vmlinux.h
                   COMMENT "Generating vmlinux.h from ${TCPSTAT_BTF_FILE}"
                   VERBATIM)
# One BPF object and its skeleton per program: name.bpf.c -> name.skel.h (struct name).
function(tcpstat_bpf_program name header)
  add_custom_command(OUTPUT ${_gen}/${name}.bpf.o
                     COMMAND ${TCPSTAT_BPF_CLANG} -g -O2 -target bpf -D__TARGET_ARCH_${_bpf_arch}
                             -I${_gen} -I${_bpf_dir} -c ${_bpf_dir}/${name}.bpf.c -o ${_gen}/${name}.bpf.o
                     DEPENDS ${_bpf_dir}/${name}.bpf.c ${_bpf_dir}/${header} ${_gen}/vmlinux.h
                     COMMENT "Compiling the eBPF program ${name}"
                     VERBATIM)
  add_custom_command(OUTPUT ${_gen}/${name}.skel.h
                     COMMAND ${TCPSTAT_BPFTOOL} gen skeleton ${_gen}/${name}.bpf.o name ${name} > ${_gen}/${name}.skel.h
                     DEPENDS ${_gen}/${name}.bpf.o
                     COMMENT "Generating the eBPF skeleton ${name}"
                     VERBATIM)
endfunction()
tcpstat_bpf_program(transitions transition_event.h)
tcpstat_bpf_program(socket_owners socket_owner_record.h)
tcpstat_bpf_program(recorder recorder_entry.h)
add_custom_target(tcpstat_bpf_skeleton DEPENDS ${_gen}/transitions.skel.h ${_gen}/socket_owners.skel.h
                                               ${_gen}/recorder.skel.h)
add_dependencies(tcpstat_platform tcpstat_bpf_skeleton)
target_sources(tcpstat_platform PRIVATE ${_bpf_dir}/transition_source.cpp ${_bpf_dir}/owner_iter.cpp
                                          ${_bpf_dir}/recorder.cpp ${_bpf_dir}/recorder_ages.cpp)
target_include_directories(tcpstat_platform PRIVATE ${_gen} ${_bpf_dir})
target_link_libraries(tcpstat_platform PRIVATE PkgConfig::TCPSTAT_LIBBPF)
