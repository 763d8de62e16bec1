# `cmake --install <build> --prefix <dir>` installs the C++ package:
#   <dir>/include/cmgemu/{lab.h,gtest.h}          the public API
#   <dir>/lib/libcmgemu_lab.a + the emu_* libraries it is built from (private parts)
#   <dir>/lib/cmake/cmgemu/cmgemuConfig.cmake       find_package(cmgemu CONFIG REQUIRED)
#   <dir>/lib/pkgconfig/cmgemu.pc
#   <dir>/bin/cmgemu                                the command line
# Targets: cmgemu::lab, cmgemu::gtest (when built with GoogleTest). Only the standard library
# shows in the public headers; the private libraries' dependencies (OpenSSL, SQLite, Boost,
# nlohmann_json) are found again by the config file because static libraries need them at
# link time. No warning or sanitizer option travels with the targets; cmgemu_SANITIZE says
# which sanitizers the libraries were compiled with (consumers must link with the same).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

get_property(EMU_PACKAGE_LIBRARIES GLOBAL PROPERTY EMU_PACKAGE_LIBRARIES)
set(CMGEMU_EXPORTED cmgemu_lab ${EMU_PACKAGE_LIBRARIES})
if(TARGET cmgemu_gtest)
  list(APPEND CMGEMU_EXPORTED cmgemu_gtest)
endif()

install(TARGETS ${CMGEMU_EXPORTED} EXPORT cmgemuTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS cmgemu RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/harness/include/cmgemu
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT cmgemuTargets NAMESPACE cmgemu::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/cmgemu)

set(CMGEMU_SANITIZE "${EMU_SANITIZE}")
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/cmgemuConfig.cmake.in
                              ${PROJECT_BINARY_DIR}/cmgemuConfig.cmake
                              INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/cmgemu)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/cmgemuConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/cmgemuConfig.cmake
              ${PROJECT_BINARY_DIR}/cmgemuConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/cmgemu)

# pkg-config: link order of the static libraries, most dependent first.
set(CMGEMU_PC_LIBS "-lcmgemu_lab")
foreach(lib emu_harness emu_app emu_site emu_sitedb emu_arm emu_aad emu_aad_api emu_pki
            emu_crypto emu_http emu_store emu_core)
  if(TARGET ${lib})
    string(APPEND CMGEMU_PC_LIBS " -l${lib}")
  endif()
endforeach()
configure_file(${PROJECT_SOURCE_DIR}/cmake/cmgemu.pc.in ${PROJECT_BINARY_DIR}/cmgemu.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/cmgemu.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
