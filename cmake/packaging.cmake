# `make deb`: CPack's DEB generator, one package per install component:
#   listeners           COMPONENT cli  the CLI, its man page and completion, the systemd units
#   liblisteners<SOVER> COMPONENT lib  liblisteners.so.<SOVER>
#   liblisteners-dev    COMPONENT dev  headers, static archives, the .so link, CMake package, .pc
# Each ships /usr/share/doc/<package>/copyright (contrib/debian/copyright)
# and changelog.Debian.gz (contrib/debian/changelog, whose top entry must be
# this version). Depends of the CLI and the library: dpkg-shlibdeps.
set(LISTENERS_DEB_REVISION 1 CACHE STRING "Debian revision of the packages (VERSION-REVISION)")
set(LISTENERS_DEB_MAINTAINER "The listeners authors <maintainers@users.noreply.r-seed-86900bfd.example>"
  CACHE STRING "Maintainer: of the Debian packages")
set(lsn_deb_version ${PROJECT_VERSION}-${LISTENERS_DEB_REVISION})
set(lsn_lib_package liblisteners${LISTENERS_SOVERSION})

file(STRINGS ${PROJECT_SOURCE_DIR}/contrib/debian/changelog lsn_top LIMIT_COUNT 1)
if(NOT lsn_top MATCHES "^listeners \\(${lsn_deb_version}\\) ")
  message(FATAL_ERROR "contrib/debian/changelog: the top entry is not listeners (${lsn_deb_version}): "
    "${lsn_top} (add an entry for this version)")
endif()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/contrib/debian/changelog)
# gzip -9n: no name, no time stamp in the header (reproducible; lintian wants -9)
set(lsn_changelog ${CMAKE_CURRENT_BINARY_DIR}/changelog.Debian.gz)
execute_process(COMMAND gzip -9nc ${PROJECT_SOURCE_DIR}/contrib/debian/changelog
  OUTPUT_FILE ${lsn_changelog} RESULT_VARIABLE lsn_rc)
if(NOT lsn_rc EQUAL 0)
  message(FATAL_ERROR "gzip of contrib/debian/changelog into ${lsn_changelog} failed: ${lsn_rc}")
endif()
foreach(c cli lib dev)
  if(c STREQUAL cli)
    set(p listeners)
  elseif(c STREQUAL lib)
    set(p ${lsn_lib_package})
  else()
    set(p liblisteners-dev)
  endif()
  install(FILES ${PROJECT_SOURCE_DIR}/contrib/debian/copyright ${lsn_changelog}
    DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/${p} COMPONENT ${c})
endforeach()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME listeners)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "The listeners authors")
# CPack's own default: CPackDeb puts any other summary before each
# component's description, whose first line is that package's synopsis.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${CMAKE_PROJECT_NAME} built using CMake")
set(CPACK_PACKAGE_CONTACT "${LISTENERS_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${LISTENERS_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_RELEASE ${LISTENERS_DEB_REVISION})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # NAME_VERSION-REVISION_ARCH.deb
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL cli lib dev)
set(CPACK_DEBIAN_PACKAGE_SOURCE listeners)

set(CPACK_DEBIAN_CLI_PACKAGE_NAME listeners)
set(CPACK_DEBIAN_CLI_PACKAGE_SECTION net)
set(CPACK_COMPONENT_CLI_DESCRIPTION "which process listens on which port, from procfs
listeners prints the sockets that can receive traffic (TCP listeners, and
with --protocols bound UDP, raw and packet sockets) with the process that
holds each one: pid, comm and exe, read from /proc alone, as JSON, a table,
NDJSON or OpenMetrics. It runs under a seccomp filter; snapshot, diff,
watch and check (procfs against netlink sock_diag) are subcommands.

The systemd units listeners.service and listeners.timer write the
OpenMetrics file for prometheus-node-exporter's textfile collector every
5 minutes (systemctl enable --now listeners.timer).")
set(CPACK_DEBIAN_CLI_PACKAGE_SUGGESTS prometheus-node-exporter)
# The units' maintainer scripts (contrib/debian/listeners.*): what
# dh_installsystemd --no-enable --no-start writes, and a stop on remove:
# systemd reloads them on install and upgrade, the timer is stopped on remove,
# and its enablement (the admin's) is removed on purge. dpkg wants them named
# postinst, prerm, postrm: copies under those names. STRICT_PERMISSION: 0755
# for the scripts, 0644 for the rest of the control files, whatever the
# checkout's modes.
foreach(s postinst prerm postrm)
  configure_file(${PROJECT_SOURCE_DIR}/contrib/debian/listeners.${s}
    ${CMAKE_CURRENT_BINARY_DIR}/deb-cli/${s} COPYONLY)
  list(APPEND lsn_cli_scripts ${CMAKE_CURRENT_BINARY_DIR}/deb-cli/${s})
endforeach()
set(CPACK_DEBIAN_CLI_PACKAGE_CONTROL_EXTRA "${lsn_cli_scripts}")
set(CPACK_DEBIAN_CLI_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_LIB_PACKAGE_NAME ${lsn_lib_package})
set(CPACK_DEBIAN_LIB_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON) # only the lib package has a shared library
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
# ldconfig through dpkg's trigger, as Debian policy 8.1.1 wants (lintian
# lacks-ldconfig-trigger); CPack 3.25 also writes a postinst and postrm that
# run ldconfig for any library under /usr/lib (lintian's warning
# maintscript-calls-ldconfig; running it twice does no harm).
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/deb-lib/triggers "activate-noawait ldconfig\n")
set(CPACK_DEBIAN_LIB_PACKAGE_CONTROL_EXTRA ${CMAKE_CURRENT_BINARY_DIR}/deb-lib/triggers)
set(CPACK_COMPONENT_LIB_DESCRIPTION "listeners collector library (which process listens on which port)
liblisteners collects the sockets that can receive traffic and the process
that holds each one from procfs, and writes them as the listeners CLI does
(JSON, table, NDJSON, OpenMetrics); its parsers read /proc/net tables,
netlink sock_diag replies and JSON without allocating.

This package has the shared library. Its ABI promise is in
/usr/share/doc/liblisteners-dev/abi.md.")

set(CPACK_DEBIAN_DEV_PACKAGE_NAME liblisteners-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "${lsn_lib_package} (= ${lsn_deb_version})")
set(CPACK_COMPONENT_DEV_DESCRIPTION "listeners collector library (development files)
liblisteners collects the sockets that can receive traffic and the process
that holds each one from procfs, and writes them as the listeners CLI does.

This package has the headers (<listeners/listeners.h>), the static
libraries, the CMake package (find_package(listeners CONFIG): the targets
listeners::shared, listeners::collector, listeners::parsers) and the
pkg-config files (listeners, listeners-parsers).")
install(FILES ${PROJECT_SOURCE_DIR}/docs/abi.md
  DESTINATION ${CMAKE_INSTALL_DATAROOTDIR}/doc/liblisteners-dev COMPONENT dev)

include(CPack)
