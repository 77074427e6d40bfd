# The version script of liblisteners.so: every lsn_* function declared in the
# installed headers (listeners.h and the parsers'), nothing else. Internal
# functions are lsn_* too (procfs.h, rows.h, internal.h), so the list comes
# from the public headers, not from a pattern: a function added to a public
# header is exported without another edit, and the link refuses one that is
# declared but not defined (--no-undefined-version).
#
# lsn_write_exports(OUT HEADER...): writes OUT only when its text changes.
function(lsn_write_exports out)
  set(names "")
  foreach(h IN LISTS ARGN)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${h})
    file(READ ${h} text)
    # comments, then preprocessor lines (with their continuations)
    string(REGEX REPLACE "/\\*([^*]|\\*+[^*/])*\\*+/" " " text "${text}")
    string(REGEX REPLACE "\\\\\n" " " text "${text}")
    string(REGEX REPLACE "\n[ \t]*#[^\n]*" "\n" text "${text}")
    # a declaration: the name right before its parameter list; a
    # function-pointer typedef, (*lsn_x_fn)(, has ")" there instead
    string(REGEX MATCHALL "[^A-Za-z0-9_]lsn_[a-z0-9_]+[ \t\n]*\\(" found "${text}")
    foreach(f IN LISTS found)
      string(REGEX MATCH "lsn_[a-z0-9_]+" f "${f}")
      list(APPEND names ${f})
    endforeach()
  endforeach()
  list(REMOVE_DUPLICATES names)
  list(SORT names)
  if(NOT names)
    message(FATAL_ERROR "listeners-exports: no lsn_* function found in ${ARGN}")
  endif()
  list(JOIN names ";\n    " body)
  # One version node per SOVERSION (docs/abi.md).
  file(CONFIGURE OUTPUT ${out} CONTENT "LISTENERS_0 {\n  global:\n    ${body};\n  local:\n    *;\n};\n")
endfunction()
