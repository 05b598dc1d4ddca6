# Writes OUT: a C file defining the reference model's training corpus (every DIR/*.txt in
# name order, joined; one paragraph per line) as a byte array.
file(GLOB FILES ${DIR}/*.txt)
list(SORT FILES)
set(content "")
foreach(f ${FILES})
  file(READ ${f} part HEX)
  string(APPEND content "${part}")
  string(APPEND content "0a")
endforeach()
string(LENGTH "${content}" hexlen)
math(EXPR nbytes "${hexlen} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${content}")
file(WRITE ${OUT} "/* Generated from the .txt files of lib/engine/text/corpus; do not edit. */\n#include <stddef.h>\nconst unsigned char genapi_corpus_data[] = {${body}0x00};\nconst size_t genapi_corpus_size = ${nbytes};\n")
