# Test registration. Every tests/<kind>/<name>.c becomes one ctest test,
# labelled <kind>; a name ending in _slow is labelled slow instead (run only
# by `make check-long`). tests/integration/*.sh (and tests/browser/*.sh,
# label browser) run with the built programs in the environment. Exit 77
# means skipped.
if(NOT BUILD_TESTING)
  return()
endif()

set(SG17_DEFAULT_VECTORS "${PROJECT_SOURCE_DIR}/../shared/vectors")
add_library(sg17_tap STATIC ${PROJECT_SOURCE_DIR}/tests/harness/tap.c)
target_include_directories(sg17_tap PUBLIC ${PROJECT_SOURCE_DIR}/tests/harness)
target_link_libraries(sg17_tap PUBLIC sg17_static)
target_compile_definitions(sg17_tap PRIVATE
  SG17_DEFAULT_VECTORS="${SG17_DEFAULT_VECTORS}"
  SG17_SOURCE_DIR="${PROJECT_SOURCE_DIR}")

find_program(VALGRIND_EXE valgrind)

function(sg17_label_for kind name out)
  if(name MATCHES "_slow$")
    set(${out} "slow" PARENT_SCOPE)
  else()
    set(${out} "${kind}" PARENT_SCOPE)
  endif()
endfunction()

set(SG17_TEST_ENV "SG17_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
if(NOT SG17_FUZZ)
  list(APPEND SG17_TEST_ENV "SG17_BIN=$<TARGET_FILE:sg17>")
  if(TARGET sg17d)
    list(APPEND SG17_TEST_ENV "SG17D_BIN=$<TARGET_FILE:sg17d>")
  endif()
endif()

if(NOT SG17_FUZZ)
  foreach(kind unit vectors integration ct)
    file(GLOB srcs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/${kind}/*.c)
    foreach(src ${srcs})
      get_filename_component(name ${src} NAME_WE)
      set(exe test_${kind}_${name})
      add_executable(${exe} ${src})
      target_link_libraries(${exe} PRIVATE sg17_tap sg17_static PkgConfig::CURL PkgConfig::SQLITE)
      sg17_label_for(${kind} ${name} label)
      if(kind STREQUAL "ct")
        if(SG17_SANITIZE OR NOT SG17_CT_TESTING OR NOT VALGRIND_EXE)
          continue() # valgrind cannot run under ASan; ct builds run these
        endif()
        add_test(NAME ${kind}/${name}
                 COMMAND ${VALGRIND_EXE} -q --error-exitcode=9 --track-origins=yes
                         --num-callers=30
                         --suppressions=${PROJECT_SOURCE_DIR}/tests/ct/openssl.supp
                         $<TARGET_FILE:${exe}>)
        # Families with a run-time AVX2 path are checked on the portable path too.
        if(name MATCHES "^(mlkem|xwing|slhdsa)$")
          add_test(NAME ${kind}/${name}-portable
                   COMMAND ${VALGRIND_EXE} -q --error-exitcode=9 --track-origins=yes
                           --num-callers=30
                           --suppressions=${PROJECT_SOURCE_DIR}/tests/ct/openssl.supp
                           $<TARGET_FILE:${exe}>)
          set_tests_properties(${kind}/${name}-portable PROPERTIES LABELS "${label}"
            SKIP_RETURN_CODE 77 TIMEOUT 900 ENVIRONMENT "${SG17_TEST_ENV};SG17_NO_AVX2=1")
        endif()
      else()
        add_test(NAME ${kind}/${name} COMMAND ${exe})
      endif()
      set_tests_properties(${kind}/${name} PROPERTIES LABELS "${label}"
        SKIP_RETURN_CODE 77 TIMEOUT 900 ENVIRONMENT "${SG17_TEST_ENV}")
    endforeach()
  endforeach()

  file(GLOB shs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/integration/*.sh
                                  ${PROJECT_SOURCE_DIR}/tests/ct/*.sh
                                  ${PROJECT_SOURCE_DIR}/tests/browser/*.sh)
  foreach(sh ${shs})
    get_filename_component(name ${sh} NAME_WE)
    get_filename_component(dir ${sh} DIRECTORY)
    get_filename_component(kind ${dir} NAME)
    if(SG17_SANITIZE AND (name STREQUAL "lint" OR kind STREQUAL "ct"))
      continue() # static checks and valgrind runs: in the plain build only
    endif()
    sg17_label_for(${kind} ${name} label)
    add_test(NAME ${kind}/${name} COMMAND bash ${sh})
    set_tests_properties(${kind}/${name} PROPERTIES LABELS "${label}"
      SKIP_RETURN_CODE 77 TIMEOUT 900
      ENVIRONMENT "${SG17_TEST_ENV};SG17_LIB=$<TARGET_FILE:sg17_static>;SG17_BUILD_DIR=${PROJECT_BINARY_DIR}")
  endforeach()
endif()

# Fuzz harnesses: tests/fuzz/fuzz_<name>.c defines LLVMFuzzerTestOneInput.
# Normal builds link a replay driver and run the corpus tests/fuzz/corpus/<name>
# as a ctest (label fuzz-replay); SG17_FUZZ builds link libFuzzer.
file(GLOB fuzzers CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/fuzz/fuzz_*.c)
foreach(src ${fuzzers})
  get_filename_component(name ${src} NAME_WE)
  string(REGEX REPLACE "^fuzz_" "" short ${name})
  if(SG17_FUZZ)
    add_executable(${name} ${src})
    target_link_libraries(${name} PRIVATE sg17_static)
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  else()
    add_executable(${name}_replay ${src} ${PROJECT_SOURCE_DIR}/tests/harness/fuzz_replay.c)
    target_link_libraries(${name}_replay PRIVATE sg17_static)
    add_test(NAME fuzz-replay/${short}
             COMMAND ${name}_replay ${PROJECT_SOURCE_DIR}/tests/fuzz/corpus/${short})
    set_tests_properties(fuzz-replay/${short} PROPERTIES LABELS "fuzz-replay" TIMEOUT 600
      ENVIRONMENT "${SG17_TEST_ENV}")
  endif()
endforeach()
