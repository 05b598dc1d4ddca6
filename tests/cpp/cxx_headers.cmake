# Checks that the public headers are usable from C++ without a warning (run by ctest):
#   1. every header of include/genapi/ and every GENAPI_*_INIT / GENAPI_*_SET macro they define
#      appears in the translation unit SRC (so a new header or macro cannot be left out);
#   2. each header compiles alone as C++ (it includes what it needs);
#   3. SRC compiles and links with -Wall -Wextra -pedantic -Werror (plus -Wshadow -Wconversion
#      -Wold-style-cast) in the standard STD, and runs successfully.
#   (with LINK=OFF, step 3 stops after compiling: used when the library carries another
#   compiler's sanitizer runtime);
#   4. optionally, the C++ wrapper's sources (WRAPPER_SOURCES, |-separated) compile with the same
#      flags, <genapi/genapi.hpp> found under WRAPPER_INCLUDE.
# Variables: CXX (compiler), STD (c++17, c++20), SRC, INCLUDE (the include directory), LIB (the
# shared library to link), OUT (a scratch directory), EXTRA_FLAGS (e.g. sanitizers).
foreach(v CXX STD SRC INCLUDE LIB OUT)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "cxx_headers.cmake: ${v} is not set")
  endif()
endforeach()
string(REPLACE "|" ";" WRAPPER_SOURCES "${WRAPPER_SOURCES}")
set(flags -std=${STD} -Wall -Wextra -pedantic -Wshadow -Wconversion -Wold-style-cast -Werror ${EXTRA_FLAGS})

file(READ ${SRC} tu)
# Macro uses are looked for in code only: comments and string literals are dropped first.
string(REGEX REPLACE "//[^\n]*" "" code "${tu}")
string(REGEX REPLACE "\"([^\"\\\n]|\\\\.)*\"" "\"\"" code "${code}")
file(GLOB headers RELATIVE ${INCLUDE}/genapi ${INCLUDE}/genapi/*.h)
list(LENGTH headers n_headers)
if(n_headers EQUAL 0)
  message(FATAL_ERROR "no headers found in ${INCLUDE}/genapi")
endif()
set(missing "")
set(macros "")
foreach(h ${headers})
  string(FIND "${tu}" "#include <genapi/${h}>" at)
  if(at EQUAL -1)
    list(APPEND missing "header ${h}")
  endif()
  file(STRINGS ${INCLUDE}/genapi/${h} defines REGEX "^#define GENAPI_[A-Z0-9_]+_(INIT|SET)[ (]")
  foreach(d ${defines})
    string(REGEX REPLACE "^#define (GENAPI_[A-Z0-9_]+_(INIT|SET))[ (].*$" "\\1" name "${d}")
    list(APPEND macros ${name})
    # Used means written as a macro invocation: the name followed by a non-identifier character.
    string(REGEX MATCH "${name}[^A-Za-z0-9_]" used "${code}")
    if(NOT used)
      list(APPEND missing "macro ${name} (${h})")
    endif()
  endforeach()
endforeach()
list(REMOVE_DUPLICATES macros)
list(LENGTH macros n_macros)
if(n_macros LESS 8)
  message(FATAL_ERROR "found only ${n_macros} _INIT/_SET macros in ${INCLUDE}/genapi: the pattern is wrong")
endif()
if(missing)
  string(REPLACE ";" "\n  " missing "${missing}")
  message(FATAL_ERROR "not used in ${SRC}:\n  ${missing}")
endif()

file(MAKE_DIRECTORY ${OUT})
foreach(h ${headers})
  file(WRITE ${OUT}/alone_${h}.cpp "#include <genapi/${h}>\n")
  execute_process(COMMAND ${CXX} ${flags} -fsyntax-only -I${INCLUDE} ${OUT}/alone_${h}.cpp
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "genapi/${h} alone does not compile as ${STD} with ${CXX}:\n${out}")
  endif()
endforeach()

# The C++ wrapper (bindings/cpp/genapi.hpp, reached as <genapi/genapi.hpp> under WRAPPER_INCLUDE):
# its test and example compile under the same flags.
if(DEFINED WRAPPER_INCLUDE)
  foreach(src ${WRAPPER_SOURCES})
    execute_process(COMMAND ${CXX} ${flags} -fsyntax-only -I${WRAPPER_INCLUDE} -I${INCLUDE} ${src}
                    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "${src} does not compile warning-free as ${STD} with ${CXX}:\n${out}")
    endif()
  endforeach()
endif()

if(DEFINED LINK AND NOT LINK)
  # Compile only (a sanitizer runtime of another compiler is in the library).
  execute_process(COMMAND ${CXX} ${flags} -c -I${INCLUDE} ${SRC} -o ${OUT}/headers_cxx.o
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${SRC} does not compile warning-free as ${STD} with ${CXX}:\n${out}")
  endif()
  message(STATUS "${CXX} ${STD}: ${n_headers} headers, ${n_macros} macros compiled (not run: LINK=OFF)")
  return()
endif()
get_filename_component(libdir ${LIB} DIRECTORY)
execute_process(COMMAND ${CXX} ${flags} -I${INCLUDE} ${SRC} ${LIB} -Wl,-rpath,${libdir} -o ${OUT}/headers_cxx
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${SRC} does not compile warning-free as ${STD} with ${CXX}:\n${out}")
endif()
execute_process(COMMAND ${OUT}/headers_cxx RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "headers_cxx (${STD}, ${CXX}) failed:\n${out}")
endif()
message(STATUS "${CXX} ${STD}: ${n_headers} headers, ${n_macros} macros (${macros}); ${out}")
