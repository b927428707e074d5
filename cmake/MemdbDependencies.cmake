# Every dependency is a Debian package; see scripts/install-deps.sh.
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(CLI11 REQUIRED)

pkg_check_modules(LZ4 REQUIRED IMPORTED_TARGET liblz4)
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)

# Standalone asio ships no CMake config: a header-only INTERFACE target.
find_path(ASIO_INCLUDE_DIR asio.hpp REQUIRED)
add_library(memdb_asio INTERFACE)
target_include_directories(memdb_asio SYSTEM INTERFACE ${ASIO_INCLUDE_DIR})
target_compile_definitions(memdb_asio INTERFACE ASIO_STANDALONE ASIO_NO_DEPRECATED)
target_link_libraries(memdb_asio INTERFACE Threads::Threads)
add_library(memdb::asio ALIAS memdb_asio)
