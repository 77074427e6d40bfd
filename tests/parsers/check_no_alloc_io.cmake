# cmake -DNM=<nm> -DLIB=<libfoo.a> -P check_no_alloc_io.cmake
#
# Fails if the archive references (nm -u) an allocator, a file/stream I/O function, a printf,
# setlocale, getenv, mmap, exit or abort. Fortified (__foo_chk), 64-bit (foo64) and
# __isoc99_/__isoc23_ variants count as the same symbol. Sanitizer runtime symbols are ignored.
# Also fails if nm shows no defined lsn_ symbol, so an empty or unreadable archive cannot pass, or
# if one of the line parsers (tcp_line, dgram_line, packet_line) or the sock_diag parsers is missing from it.
if(NOT NM OR NOT LIB)
  message(FATAL_ERROR "usage: cmake -DNM=<nm> -DLIB=<archive> -P check_no_alloc_io.cmake")
endif()
if(NOT EXISTS "${LIB}")
  message(FATAL_ERROR "no such archive: ${LIB}")
endif()

set(forbidden malloc calloc realloc free strdup strndup open openat read write fopen fread
    fwrite readlink readlinkat opendir printf fprintf sprintf snprintf puts setlocale getenv
    mmap exit abort)

execute_process(COMMAND "${NM}" "${LIB}" RESULT_VARIABLE rc OUTPUT_VARIABLE all ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NM} ${LIB} failed (${rc}): ${err}")
endif()
if(NOT all MATCHES "[0-9a-fA-F]+ T lsn_[a-z_0-9]+")
  message(FATAL_ERROR "nm shows no defined lsn_ function in ${LIB}; is it the parsers archive?\n${all}")
endif()
# Every line parser must be in the archive this test checks.
foreach(fn lsn_parse_tcp_line lsn_parse_dgram_line lsn_parse_packet_line lsn_nlmsg_next
           lsn_nlattr_next lsn_parse_inet_diag lsn_parse_packet_diag)
  if(NOT all MATCHES "[0-9a-fA-F]+ T ${fn}\n")
    message(FATAL_ERROR "${fn} is not defined in ${LIB}")
  endif()
endforeach()

execute_process(COMMAND "${NM}" -u "${LIB}" RESULT_VARIABLE rc OUTPUT_VARIABLE undef ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${NM} -u ${LIB} failed (${rc}): ${err}")
endif()

string(REPLACE "\n" ";" lines "${undef}")
set(bad "")
set(seen "")
foreach(line IN LISTS lines)
  string(STRIP "${line}" line)
  if(NOT line MATCHES "^[Uw] +([^ ]+)$")
    continue() # member headers "foo.c.o:", blank lines
  endif()
  set(sym "${CMAKE_MATCH_1}")
  list(APPEND seen "${sym}")
  string(REGEX REPLACE "@.*$" "" base "${sym}")        # symbol versions
  if(base MATCHES "^__(asan|ubsan|sanitizer|lsan)_")
    continue()
  endif()
  string(REGEX REPLACE "^__isoc(99|23)_" "" base "${base}")
  string(REGEX REPLACE "^__(.*)_chk$" "\\1" base "${base}")
  string(REGEX REPLACE "^(open|openat|fopen|mmap|readlink)64$" "\\1" base "${base}")
  list(FIND forbidden "${base}" idx)
  if(NOT idx EQUAL -1)
    list(APPEND bad "${sym}")
  endif()
endforeach()

if(bad)
  list(REMOVE_DUPLICATES bad)
  message(FATAL_ERROR "listeners_parsers references forbidden symbols: ${bad}")
endif()
list(REMOVE_DUPLICATES seen)
message(STATUS "listeners_parsers: undefined symbols are only: ${seen}")
