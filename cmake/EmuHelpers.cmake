# Build helpers shared by every module: warnings, sanitizers, library and test wrappers.

# Compile options for cmgemu's own code: warnings (-Werror with EMU_WERROR) and sanitizers.
# They apply to the targets built here and never travel to code that links an installed
# cmgemu library (see cmake/install.cmake): libraries take them PRIVATE.
set(EMU_WARNINGS -Wall -Wextra -Wshadow -Wnon-virtual-dtor -Wimplicit-fallthrough)
if(EMU_WERROR)
  list(APPEND EMU_WARNINGS -Werror)
endif()
# GCC 12 at -O2/-O3 warns -Wrestrict, -Wstringop-overflow/-overread and -Warray-bounds inside
# std::string::operator+ (GCC bug 105329 and its duplicates).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  list(APPEND EMU_WARNINGS -Wno-restrict -Wno-stringop-overflow -Wno-stringop-overread
                           -Wno-array-bounds)
endif()
set(EMU_SANITIZE_COMPILE "")
set(EMU_SANITIZE_LINK "")
if(EMU_SANITIZE)
  set(EMU_SANITIZE_COMPILE -fsanitize=${EMU_SANITIZE} -fno-sanitize-recover=undefined
                           -fno-omit-frame-pointer)
  # GCC 12 reports false -Wmaybe-uninitialized inside libstdc++ (std::regex, std::function)
  # once ASan instrumentation changes inlining; the dev preset keeps the warning.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    list(APPEND EMU_SANITIZE_COMPILE -Wno-maybe-uninitialized)
    # Asio's handler fences (std_fenced_block) trip GCC's -Wtsan; TSan still sees the mutexes
    # the scheduler synchronises with.
    if(EMU_SANITIZE MATCHES "thread")
      list(APPEND EMU_SANITIZE_COMPILE -Wno-tsan)
    endif()
  endif()
  set(EMU_SANITIZE_LINK -fsanitize=${EMU_SANITIZE})
endif()
if(EMU_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "EMU_FUZZ needs clang (use the fuzz preset)")
  endif()
  # Coverage feedback for every library; the fuzz targets add libFuzzer's main at link time.
  list(APPEND EMU_SANITIZE_COMPILE -fsanitize=fuzzer-no-link)
endif()

# emu_target_options(TARGET): the options above, PRIVATE, plus the source root as a PUBLIC
# include directory of the build tree; executables also get the sanitizer link flags.
function(emu_target_options target)
  target_compile_options(${target} PRIVATE ${EMU_WARNINGS} ${EMU_SANITIZE_COMPILE})
  target_include_directories(${target} PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}>)
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "EXECUTABLE")
    target_link_options(${target} PRIVATE ${EMU_SANITIZE_LINK})
  endif()
endfunction()

# Precompiled headers: the standard and third-party headers nearly every file includes, built
# once (emu_pch, emu_test_pch) and reused by every target compiled with the same flags. The
# build-time budget of the test command (README "Build times") depends on them.
set(EMU_PCH_HEADERS <algorithm> <chrono> <cstdint> <functional> <map> <memory> <optional>
                    <set> <sstream> <string> <string_view> <utility> <vector>
                    <nlohmann/json.hpp>)
option(EMU_PCH "Use precompiled headers" ON)

# emu_use_pch(TARGET [TEST]): TARGET reuses the shared precompiled header (the test one, with
# GoogleTest and gMock, for TEST).
function(emu_use_pch target)
  if(NOT EMU_PCH)
    return()
  endif()
  set(pch emu_pch)
  if(ARGV1 STREQUAL "TEST")
    set(pch emu_test_pch)
  endif()
  if(TARGET ${pch})
    target_precompile_headers(${target} REUSE_FROM ${pch})
  endif()
endfunction()

function(emu_define_pch)
  if(NOT EMU_PCH)
    return()
  endif()
  file(WRITE ${PROJECT_BINARY_DIR}/emu_pch.cc "")
  add_library(emu_pch OBJECT ${PROJECT_BINARY_DIR}/emu_pch.cc)
  target_compile_options(emu_pch PRIVATE ${EMU_WARNINGS} ${EMU_SANITIZE_COMPILE})
  target_link_libraries(emu_pch PRIVATE nlohmann_json::nlohmann_json)
  target_precompile_headers(emu_pch PRIVATE ${EMU_PCH_HEADERS})
  if(TARGET GTest::gmock)
    add_library(emu_test_pch OBJECT ${PROJECT_BINARY_DIR}/emu_pch.cc)
    target_compile_options(emu_test_pch PRIVATE ${EMU_WARNINGS} ${EMU_SANITIZE_COMPILE})
    target_link_libraries(emu_test_pch PRIVATE nlohmann_json::nlohmann_json GTest::gmock)
    target_precompile_headers(emu_test_pch PRIVATE ${EMU_PCH_HEADERS} <gmock/gmock.h>
                                                   <gtest/gtest.h>)
  endif()
endfunction()

# For in-tree executables and test helpers that are not libraries of the package.
add_library(emu_options INTERFACE)
target_compile_options(emu_options INTERFACE ${EMU_WARNINGS} ${EMU_SANITIZE_COMPILE})
target_link_options(emu_options INTERFACE ${EMU_SANITIZE_LINK})
target_include_directories(emu_options INTERFACE ${PROJECT_SOURCE_DIR})

# emu_library(NAME core SRCS a.cc b.cc DEPS emu::x ...)
# Makes static library emu_<NAME> with alias emu::<NAME>; DEPS are PUBLIC (a party's headers
# use its dependencies' types). Every library is part of the installed package (install.cmake).
function(emu_library)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS" ${ARGN})
  if(NOT ARG_SRCS)  # a module still being written: keep the tree configurable
    file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/emu_${ARG_NAME}_empty.cc "")
    set(ARG_SRCS ${CMAKE_CURRENT_BINARY_DIR}/emu_${ARG_NAME}_empty.cc)
  endif()
  add_library(emu_${ARG_NAME} STATIC ${ARG_SRCS})
  add_library(emu::${ARG_NAME} ALIAS emu_${ARG_NAME})
  emu_target_options(emu_${ARG_NAME})
  emu_use_pch(emu_${ARG_NAME})
  target_link_libraries(emu_${ARG_NAME} PUBLIC ${ARG_DEPS})
  set_property(GLOBAL APPEND PROPERTY EMU_PACKAGE_LIBRARIES emu_${ARG_NAME})
endfunction()

# emu_test(NAME core_unit SRCS ... DEPS ... LABELS unit)
# One GoogleTest binary per module; tests are discovered and labelled for ctest -L.
function(emu_test)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  emu_use_pch(${ARG_NAME} TEST)
  target_link_libraries(${ARG_NAME} PRIVATE emu_options ${ARG_DEPS} GTest::gmock GTest::gtest_main)
  gtest_discover_tests(${ARG_NAME} DISCOVERY_TIMEOUT 60
                       PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT 120)
endfunction()
