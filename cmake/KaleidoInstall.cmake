# What `cmake --install BUILD --prefix P` puts under P:
#   bin/kaleido                          the command
#   include/kaleido/*.h                  the public API
#   lib/libkaleido.so, lib/libkaleido.a  the library, shared and static
#   lib/kaleido/libkaleido-rt.a          what `kaleido build` links into an
#                                        executable (found from bin/ as
#                                        ../lib/kaleido, whatever LIBDIR is)
#   lib/cmake/kaleido/                   find_package(kaleido CONFIG)
#   lib/pkgconfig/kaleido.pc             pkg-config kaleido (shared)
#   lib/pkgconfig/kaleido-static.pc      pkg-config kaleido-static
#
# The package's targets: kaleido::kaleido (the shared library),
# kaleido::kaleido_shared and kaleido::kaleido_static. Each carries the
# include directories and link dependencies it needs, LLVM's included (by
# file: where this build found LLVM), so a host only links it.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS kaleido-tool RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS kaleido-rt ARCHIVE DESTINATION lib/kaleido)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/kaleido
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")

set_target_properties(kaleido-shared PROPERTIES EXPORT_NAME kaleido_shared)
set_target_properties(kaleido-static PROPERTIES EXPORT_NAME kaleido_static)
install(TARGETS kaleido-shared kaleido-static EXPORT kaleidoTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})

set(KALEIDO_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/kaleido)
install(EXPORT kaleidoTargets NAMESPACE kaleido::
        DESTINATION ${KALEIDO_CMAKE_DIR})
configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/kaleidoConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cmake/kaleidoConfig.cmake
  INSTALL_DESTINATION ${KALEIDO_CMAKE_DIR})
# 0.x: a new minor version may change the API.
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/cmake/kaleidoConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/cmake/kaleidoConfig.cmake
              ${PROJECT_BINARY_DIR}/cmake/kaleidoConfigVersion.cmake
        DESTINATION ${KALEIDO_CMAKE_DIR})

# pkg-config: the static variant lists LLVM's static libraries in link
# order (lib/CMakeLists.txt asked llvm-config for them).
list(JOIN KALEIDO_LLVM_STATIC_FILES " " KALEIDO_PC_STATIC)
list(JOIN KALEIDO_LLVM_SYSTEM_LIBS " " KALEIDO_PC_SYSTEM)
foreach(pc kaleido kaleido-static)
  configure_file(${CMAKE_CURRENT_LIST_DIR}/${pc}.pc.in
                 ${PROJECT_BINARY_DIR}/pkgconfig/${pc}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/pkgconfig/${pc}.pc
          DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endforeach()
