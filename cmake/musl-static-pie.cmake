# Toolchain file: a truly static listeners, linked against musl as a
# static PIE (no INTERP, no NEEDED: it runs where no loader exists).
#
#   cmake -S . -B build-static -DCMAKE_TOOLCHAIN_FILE=cmake/musl-static-pie.cmake
#
# `make static` does this. Needs Debian's musl-dev (musl's headers, libc.a
# and rcrt1.o) and linux-libc-dev (the kernel UAPI headers the sandbox uses).
#
# Why not musl-gcc: Debian's musl-gcc.specs always links Scrt1.o with
# -dynamic-linker /lib/ld-musl-*.so.1, and CMake's -pie then makes a dynamic
# PIE that needs the musl loader. This file writes its own specs for gcc:
# musl's headers, then the kernel's UAPI headers (linux/, asm/,
# asm-generic/, and nothing else of glibc's), and a link with rcrt1.o (musl's
# self-relocating start file), -static -pie --no-dynamic-linker.
set(CMAKE_C_COMPILER gcc)

execute_process(COMMAND gcc -dumpmachine OUTPUT_VARIABLE _lsn_gnu OUTPUT_STRIP_TRAILING_WHITESPACE)
string(REGEX REPLACE "-linux-gnu.*$" "-linux-musl" _lsn_musl "${_lsn_gnu}")
set(_lsn_musl_lib /usr/lib/${_lsn_musl})
set(_lsn_musl_inc /usr/include/${_lsn_musl})
foreach(f ${_lsn_musl_lib}/rcrt1.o ${_lsn_musl_lib}/libc.a ${_lsn_musl_inc}/stdio.h /usr/include/linux/seccomp.h)
  if(NOT EXISTS ${f})
    message(FATAL_ERROR "musl-static-pie: ${f} is missing (apt-get install musl-dev linux-libc-dev)")
  endif()
endforeach()

# The kernel's UAPI headers alone, beside musl's.
set(_lsn_kh ${CMAKE_BINARY_DIR}/musl-kernel-headers)
file(MAKE_DIRECTORY ${_lsn_kh})
file(CREATE_LINK /usr/include/linux ${_lsn_kh}/linux SYMBOLIC)
file(CREATE_LINK /usr/include/asm-generic ${_lsn_kh}/asm-generic SYMBOLIC)
file(CREATE_LINK /usr/include/${_lsn_gnu}/asm ${_lsn_kh}/asm SYMBOLIC)

set(_lsn_specs ${CMAKE_BINARY_DIR}/musl-static-pie.specs)
file(WRITE ${_lsn_specs} "%rename cpp_options old_cpp_options

*cpp_options:
-nostdinc -isystem ${_lsn_musl_inc} -isystem ${_lsn_kh} -isystem include%s %(old_cpp_options)

*cc1:
%(cc1_cpu) -nostdinc -isystem ${_lsn_musl_inc} -isystem ${_lsn_kh} -isystem include%s

*link_libgcc:
-L${_lsn_musl_lib} -L .%s

*libgcc:
libgcc.a%s %:if-exists(libgcc_eh.a%s)

*startfile:
${_lsn_musl_lib}/rcrt1.o ${_lsn_musl_lib}/crti.o crtbeginS.o%s

*endfile:
crtendS.o%s ${_lsn_musl_lib}/crtn.o

*link:
-nostdlib -static -pie --no-dynamic-linker -z text %{rdynamic:-export-dynamic}
")
# CMake passes the C flags to the link step too, so the specs apply to both.
set(CMAKE_C_FLAGS_INIT "-specs=${_lsn_specs}")
# Every link here is -static -pie: no shared library (liblisteners.so) can
# be made with these specs; the static archives and the CLI are what this
# toolchain is for.
set(LISTENERS_BUILD_SHARED OFF)
