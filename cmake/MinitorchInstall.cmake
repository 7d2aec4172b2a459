# Install/export rules: find_package(minitorch CONFIG) gives minitorch::minitorch.
include(CMakePackageConfigHelpers)

# The public headers are C++20 (std::span, defaulted operator==, designated initializers),
# so whoever links minitorch::minitorch must compile as C++20: say so in the interface
# rather than leave every consumer to find out from a compile error.
target_compile_features(minitorch INTERFACE cxx_std_20)

install(DIRECTORY include/minitorch DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS minitorch minitorch_core minitorch_backends minitorch_ops minitorch_tensor
  minitorch_nn minitorch_optim minitorch_data
  EXPORT minitorchTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# Every imported target a layer links PUBLIC (Threads::Threads today) needs a matching
# find_dependency in minitorchConfig.cmake.in; tests/install_consumer catches a missing one.
install(EXPORT minitorchTargets NAMESPACE minitorch::
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/minitorch)

configure_package_config_file(cmake/minitorchConfig.cmake.in
  ${CMAKE_BINARY_DIR}/minitorchConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/minitorch)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/minitorchConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/minitorchConfig.cmake
  ${CMAKE_BINARY_DIR}/minitorchConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/minitorch)
