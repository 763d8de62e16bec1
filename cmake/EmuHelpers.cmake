# Build helpers shared by every module: warnings, sanitizers, library and test wrappers.

add_library(emu_options INTERFACE)
target_compile_options(emu_options INTERFACE -Wall -Wextra -Wshadow -Wnon-virtual-dtor
                                              -Wimplicit-fallthrough)
if(EMU_WERROR)
  target_compile_options(emu_options INTERFACE -Werror)
endif()
# GCC 12 at -O2/-O3 warns -Wrestrict inside std::string::operator+ (GCC bug 105329).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(emu_options INTERFACE -Wno-restrict)
endif()
if(EMU_SANITIZE)
  target_compile_options(emu_options INTERFACE -fsanitize=${EMU_SANITIZE}
                                                -fno-sanitize-recover=undefined
                                                -fno-omit-frame-pointer)
  # GCC 12 reports false -Wmaybe-uninitialized inside libstdc++ (std::regex, std::function)
  # once ASan instrumentation changes inlining; the dev preset keeps the warning.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(emu_options INTERFACE -Wno-maybe-uninitialized)
  endif()
  target_link_options(emu_options INTERFACE -fsanitize=${EMU_SANITIZE})
endif()
target_include_directories(emu_options INTERFACE ${PROJECT_SOURCE_DIR})

# emu_library(NAME core SRCS a.cc b.cc DEPS emu::x PUBLIC_DEPS ...)
# Makes static library emu_<NAME> with alias emu::<NAME>.
function(emu_library)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS" ${ARGN})
  if(NOT ARG_SRCS)  # a module still being written: keep the tree configurable
    file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/emu_${ARG_NAME}_empty.cc "")
    set(ARG_SRCS ${CMAKE_CURRENT_BINARY_DIR}/emu_${ARG_NAME}_empty.cc)
  endif()
  add_library(emu_${ARG_NAME} STATIC ${ARG_SRCS})
  add_library(emu::${ARG_NAME} ALIAS emu_${ARG_NAME})
  target_link_libraries(emu_${ARG_NAME} PUBLIC emu_options ${ARG_DEPS})
endfunction()

# emu_test(NAME core_unit SRCS ... DEPS ... LABELS unit)
# One GoogleTest binary per module; tests are discovered and labelled for ctest -L.
function(emu_test)
  cmake_parse_arguments(ARG "" "NAME" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${ARG_NAME} ${ARG_SRCS})
  target_link_libraries(${ARG_NAME} PRIVATE emu_options ${ARG_DEPS} GTest::gmock GTest::gtest_main)
  gtest_discover_tests(${ARG_NAME} DISCOVERY_TIMEOUT 60
                       PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT 120)
endfunction()
