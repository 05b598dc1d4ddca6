/* Text generations as router jobs: chat and completion answers (whole JSON and event streams)
 * are pinned byte for byte through genapi_backend_handle (id and created normalised), a stream
 * job stepped by hand hands out its first content chunk after a few steps, and a job freed at
 * any step leaves nothing allocated.
 *
 * The pins change only when the model, the corpus, a sampler or a wire shape deliberately
 * changes. To write them again: GENAPI_JOBS_RECORD=pins.txt ./test_server_jobs, then replace
 * the block between the PINS markers below with that file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <genapi/genapi.h>
#include <json-c/json.h>

#include "failing_alloc.h"
#include "server/job.h"

#define CHAT_PATH "/v1/chat/completions"
#define CMPL_PATH "/v1/completions"

/* Request bodies: a chat conversation and a completion prompt with fixed seeds. */
#define CHAT "{\"model\":\"genapi-ref\",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about the river in winter\"}],\"seed\":11"
#define CMPL "{\"model\":\"genapi-ref\",\"prompt\":\"The river ran past the old mill, and the\",\"seed\":5"
#define TWO "{\"model\":\"genapi-ref\",\"prompt\":[\"The river ran\",\"Snow fell on the\"],\"seed\":5"
#define STREAM ",\"stream\":true"

/* name, path, body. */
#define JOB_CASES(X)                                                                                              \
    X(chat_plain, CHAT_PATH, CHAT ",\"max_tokens\":8}")                                                           \
    X(chat_stream, CHAT_PATH, CHAT ",\"max_tokens\":8" STREAM "}")                                                \
    X(chat_n3, CHAT_PATH, CHAT ",\"max_tokens\":8,\"n\":3}")                                                      \
    X(chat_n3_stream, CHAT_PATH, CHAT ",\"max_tokens\":8,\"n\":3" STREAM "}")                                     \
    X(chat_n3_stop, CHAT_PATH, CHAT ",\"max_tokens\":12,\"n\":3,\"stop\":[\"ycle\",\"long is\"]}")                \
    X(chat_n3_stop_stream, CHAT_PATH, CHAT ",\"max_tokens\":12,\"n\":3,\"stop\":[\"ycle\",\"long is\"]" STREAM "}") \
    X(chat_stop_include_stream, CHAT_PATH,                                                                        \
      CHAT ",\"max_tokens\":12,\"n\":2,\"stop\":[\"long is\"],\"include_stop_str_in_output\":true" STREAM "}")    \
    X(chat_logprobs, CHAT_PATH, CHAT ",\"max_tokens\":5,\"logprobs\":true,\"top_logprobs\":2}")                   \
    X(chat_logprobs_stream, CHAT_PATH, CHAT ",\"max_tokens\":5,\"logprobs\":true,\"top_logprobs\":2" STREAM "}")  \
    X(chat_cumulative_stream, CHAT_PATH, CHAT ",\"max_tokens\":6,\"n\":2,\"output_kind\":\"cumulative\"" STREAM "}")           \
    X(chat_delta_stream, CHAT_PATH, CHAT ",\"max_tokens\":6,\"output_kind\":\"delta\"" STREAM "}")                        \
    X(chat_final_only_stream, CHAT_PATH, CHAT ",\"max_tokens\":8,\"n\":3,\"output_kind\":\"final_only\"" STREAM "}")           \
    X(chat_usage_stream, CHAT_PATH,                                                                               \
      CHAT ",\"max_tokens\":6,\"n\":2,\"stream_options\":{\"include_usage\":true}" STREAM "}")                    \
    X(chat_best_of, CHAT_PATH, CHAT ",\"max_tokens\":6,\"best_of\":3}")                                           \
    X(chat_best_of_stream, CHAT_PATH, CHAT ",\"max_tokens\":6,\"best_of\":3" STREAM "}")                          \
    X(chat_beam_stream, CHAT_PATH, CHAT ",\"max_tokens\":6,\"n\":2,\"use_beam_search\":true" STREAM "}")          \
    X(chat_guided, CHAT_PATH, CHAT ",\"max_tokens\":16,\"n\":2,\"guided_regex\":\"(yes|no), [a-z]+ [a-z]+\"}")    \
    X(chat_guided_stream, CHAT_PATH,                                                                              \
      CHAT ",\"max_tokens\":16,\"n\":2,\"guided_regex\":\"(yes|no), [a-z]+ [a-z]+\"" STREAM "}")                  \
    X(chat_guided_tight_stream, CHAT_PATH,                                                                        \
      CHAT ",\"max_tokens\":2,\"guided_regex\":\"[a-z]{40}\"" STREAM "}")                                         \
    X(chat_beam_guided_stream, CHAT_PATH,                                                                         \
      CHAT ",\"max_tokens\":4,\"use_beam_search\":true,\"guided_regex\":\"[a-z]+\"" STREAM "}")                   \
    X(chat_allowed_run_out_stream, CHAT_PATH,                                                                     \
      CHAT ",\"max_tokens\":5,\"n\":2,\"allowed_token_ids\":[45,46,47],\"no_repeat_ngram_size\":1" STREAM "}")    \
    X(chat_prompt_logprobs, CHAT_PATH, CHAT ",\"max_tokens\":3,\"prompt_logprobs\":1}")                           \
    X(chat_prompt_logprobs_stream_400, CHAT_PATH, CHAT ",\"max_tokens\":3,\"prompt_logprobs\":1" STREAM "}")      \
    X(chat_400, CHAT_PATH, CHAT ",\"max_tokens\":3,\"temperature\":-1}")                                          \
    X(chat_stream_400, CHAT_PATH, CHAT ",\"max_tokens\":3,\"top_logprobs\":2" STREAM "}")                         \
    X(chat_404, CHAT_PATH,                                                                                        \
      "{\"model\":\"no-such-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]" STREAM "}")            \
    X(cmpl_plain, CMPL_PATH, CMPL ",\"max_tokens\":8}")                                                           \
    X(cmpl_stream, CMPL_PATH, CMPL ",\"max_tokens\":8" STREAM "}")                                                \
    X(cmpl_n3, CMPL_PATH, CMPL ",\"max_tokens\":10,\"n\":3}")                                                     \
    X(cmpl_n3_stream, CMPL_PATH, CMPL ",\"max_tokens\":10,\"n\":3" STREAM "}")                                    \
    X(cmpl_n3_stop_stream, CMPL_PATH, CMPL ",\"max_tokens\":10,\"n\":3,\"stop\":[\"said\",\"speed\"]" STREAM "}") \
    X(cmpl_stop_logprobs_stream, CMPL_PATH,                                                                       \
      CMPL ",\"max_tokens\":10,\"n\":2,\"logprobs\":1,\"stop\":[\"said\",\"speed\"]" STREAM "}")                  \
    X(cmpl_echo_logprobs, CMPL_PATH, CMPL ",\"max_tokens\":5,\"echo\":true,\"logprobs\":2}")                      \
    X(cmpl_echo_logprobs_stream, CMPL_PATH, CMPL ",\"max_tokens\":5,\"echo\":true,\"logprobs\":2" STREAM "}")     \
    X(cmpl_echo_cumulative_stream, CMPL_PATH,                                                                     \
      CMPL ",\"max_tokens\":5,\"n\":2,\"echo\":true,\"output_kind\":\"cumulative\"" STREAM "}")                                \
    X(cmpl_echo_final_only_stream, CMPL_PATH,                                                                     \
      CMPL ",\"max_tokens\":5,\"n\":2,\"echo\":true,\"output_kind\":\"final_only\"" STREAM "}")                                \
    X(cmpl_usage_stream, CMPL_PATH, CMPL ",\"max_tokens\":6,\"stream_options\":{}" STREAM "}")                    \
    X(cmpl_two_prompts, CMPL_PATH, TWO ",\"max_tokens\":6,\"n\":2}")                                              \
    X(cmpl_two_prompts_stream, CMPL_PATH, TWO ",\"max_tokens\":6,\"n\":2" STREAM "}")                             \
    X(cmpl_two_prompts_echo_stream, CMPL_PATH,                                                                    \
      TWO ",\"max_tokens\":4,\"n\":2,\"echo\":true,\"logprobs\":1,\"stream_options\":{\"include_usage\":true}"    \
          STREAM "}")                                                                                             \
    X(cmpl_best_of, CMPL_PATH, CMPL ",\"max_tokens\":6,\"best_of\":3,\"n\":2}")                                   \
    X(cmpl_best_of_stream, CMPL_PATH, CMPL ",\"max_tokens\":6,\"best_of\":3,\"n\":2" STREAM "}")                  \
    X(cmpl_beam_stream, CMPL_PATH, CMPL ",\"max_tokens\":6,\"n\":2,\"use_beam_search\":true" STREAM "}")          \
    X(cmpl_two_prompts_beam_stream, CMPL_PATH, TWO ",\"max_tokens\":4,\"use_beam_search\":true" STREAM "}")       \
    X(cmpl_guided_stream, CMPL_PATH, CMPL ",\"max_tokens\":12,\"n\":2,\"guided_regex\":\"[a-z]+ [0-9]+\"" STREAM "}") \
    X(cmpl_two_prompts_guided, CMPL_PATH, TWO ",\"max_tokens\":12,\"guided_choice\":[\"left\",\"right\"]}")       \
    X(cmpl_two_prompts_guided_stream, CMPL_PATH,                                                                  \
      TWO ",\"max_tokens\":12,\"guided_choice\":[\"left\",\"right\"]" STREAM "}")                                 \
    X(cmpl_guided_tight, CMPL_PATH, CMPL ",\"max_tokens\":2,\"guided_regex\":\"[a-z]{40}\"}")                     \
    X(cmpl_guided_tight_stream, CMPL_PATH, CMPL ",\"max_tokens\":2,\"guided_regex\":\"[a-z]{40}\"" STREAM "}")    \
    X(cmpl_token_ids_stream, CMPL_PATH,                                                                           \
      "{\"model\":\"genapi-ref\",\"prompt\":[40,41,42,43],\"seed\":3,\"max_tokens\":5,\"echo\":true" STREAM "}")  \
    X(cmpl_allowed_run_out_stream, CMPL_PATH,                                                                     \
      CMPL ",\"max_tokens\":5,\"n\":2,\"allowed_token_ids\":[45,46],\"no_repeat_ngram_size\":1" STREAM "}")       \
    X(cmpl_prompt_logprobs, CMPL_PATH, CMPL ",\"max_tokens\":3,\"prompt_logprobs\":2}")                           \
    X(cmpl_400, CMPL_PATH, CMPL ",\"max_tokens\":3,\"suffix\":\"x\"" STREAM "}")                                  \
    X(cmpl_400_second_prompt, CMPL_PATH,                                                                          \
      "{\"model\":\"genapi-ref\",\"prompt\":[[1,2],[999999]],\"max_tokens\":3}")                                  \
    X(cmpl_404, CMPL_PATH, "{\"model\":\"no-such-model\",\"prompt\":\"hi\"}")

/* ---- pins ---------------------------------------------------------------------------------- */

/* PINS BEGIN */
#define PIN_STATUS_chat_plain 200
#define PIN_CT_chat_plain "application/json"
static const char *const pin_chat_plain[] = {
    "{\"id\":\"chatcmpl-\",\"object\":\"chat.completion\",\"created\":0,\"model\":\"genapi-ref\",\"ch"
    "oices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"A robot who repaired bic"
    "ycles had a habit\",\"refusal\":null,\"annotations\":null,\"audio\":null,\"function_call\":null,"
    "\"tool_calls\":[],\"reasoning_content\":null},\"logprobs\":null,\"finish_reason\":\"length\",\"s"
    "top_reason\":null,\"token_ids\":null}],\"service_tier\":null,\"system_fingerprint\":null,\"usage"
    "\":{\"prompt_tokens\":15,\"total_tokens\":23,\"completion_tokens\":8,\"prompt_tokens_details\":n"
    "ull},\"prompt_logprobs\":null,\"prompt_token_ids\":null,\"kv_transfer_params\":null}",
    NULL};
#define PIN_STATUS_chat_stream 200
#define PIN_CT_chat_stream "text/event-stream"
static const char *const pin_chat_stream[] = {
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs"
    "\":null,\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"A\"},\"logprobs\":null,\"finish_reaso"
    "n\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" robot\"},\"logprobs\":null,\"finish_"
    "reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" who\"},\"logprobs\":null,\"finish_re"
    "ason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" repaired\"},\"logprobs\":null,\"fini"
    "sh_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" bicycles\"},\"logprobs\":null,\"fini"
    "sh_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" had\"},\"logprobs\":null,\"finish_re"
    "ason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" a\"},\"logprobs\":null,\"finish_reas"
    "on\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" habit\"},\"logprobs\":null,\"finish_"
    "reason\":\"length\",\"stop_reason\":null}]}\n\n",
    "data: [DONE]\n\n",
    NULL};
#define PIN_STATUS_chat_n3 200
#define PIN_CT_chat_n3 "application/json"
static const char *const pin_chat_n3[] = {
    "{\"id\":\"chatcmpl-\",\"object\":\"chat.completion\",\"created\":0,\"model\":\"genapi-ref\",\"ch"
    "oices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"A robot who repaired bic"
    "ycles had a habit\",\"refusal\":null,\"annotations\":null,\"audio\":null,\"function_call\":null,"
    "\"tool_calls\":[],\"reasoning_content\":null},\"logprobs\":null,\"finish_reason\":\"length\",\"s"
    "top_reason\":null,\"token_ids\":null},{\"index\":1,\"message\":{\"role\":\"assistant\",\"content"
    "\":\"\\\"How long is forty minutes\?\\\"\",\"refusal\":null,\"annotations\":null,\"audio\":null,"
    "\"function_call\":null,\"tool_calls\":[],\"reasoning_content\":null},\"logprobs\":null,\"finish_"
    "reason\":\"length\",\"stop_reason\":null,\"token_ids\":null},{\"index\":2,\"message\":{\"role\":"
    "\"assistant\",\"content\":\"The market opens at eight on Saturdays.\",\"refusal\":null,\"annotat"
    "ions\":null,\"audio\":null,\"function_call\":null,\"tool_calls\":[],\"reasoning_content\":null},"
    "\"logprobs\":null,\"finish_reason\":\"length\",\"stop_reason\":null,\"token_ids\":null}],\"servi"
    "ce_tier\":null,\"system_fingerprint\":null,\"usage\":{\"prompt_tokens\":15,\"total_tokens\":39,"
    "\"completion_tokens\":24,\"prompt_tokens_details\":null},\"prompt_logprobs\":null,\"prompt_token"
    "_ids\":null,\"kv_transfer_params\":null}",
    NULL};
#define PIN_STATUS_chat_n3_stream 200
#define PIN_CT_chat_n3_stream "text/event-stream"
static const char *const pin_chat_n3_stream[] = {
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs"
    "\":null,\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs"
    "\":null,\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":2,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs"
    "\":null,\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"A\"},\"logprobs\":null,\"finish_reaso"
    "n\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\"\\\"\"},\"logprobs\":null,\"finish_re"
    "ason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":2,\"delta\":{\"content\":\"The\"},\"logprobs\":null,\"finish_rea"
    "son\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" robot\"},\"logprobs\":null,\"finish_"
    "reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\"How\"},\"logprobs\":null,\"finish_rea"
    "son\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":2,\"delta\":{\"content\":\" market\"},\"logprobs\":null,\"finish"
    "_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" who\"},\"logprobs\":null,\"finish_re"
    "ason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\" long\"},\"logprobs\":null,\"finish_r"
    "eason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":2,\"delta\":{\"content\":\" opens\"},\"logprobs\":null,\"finish_"
    "reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" repaired\"},\"logprobs\":null,\"fini"
    "sh_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\" is\"},\"logprobs\":null,\"finish_rea"
    "son\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":2,\"delta\":{\"content\":\" at\"},\"logprobs\":null,\"finish_rea"
    "son\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" bicycles\"},\"logprobs\":null,\"fini"
    "sh_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\" forty\"},\"logprobs\":null,\"finish_"
    "reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":2,\"delta\":{\"content\":\" eight\"},\"logprobs\":null,\"finish_"
    "reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" had\"},\"logprobs\":null,\"finish_re"
    "ason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\" minutes\"},\"logprobs\":null,\"finis"
    "h_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":2,\"delta\":{\"content\":\" on\"},\"logprobs\":null,\"finish_rea"
    "son\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" a\"},\"logprobs\":null,\"finish_reas"
    "on\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\"\?\"},\"logprobs\":null,\"finish_reas"
    "on\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":2,\"delta\":{\"content\":\" Saturdays\"},\"logprobs\":null,\"fin"
    "ish_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" habit\"},\"logprobs\":null,\"finish_"
    "reason\":\"length\",\"stop_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\"\\\"\"},\"logprobs\":null,\"finish_re"
    "ason\":\"length\",\"stop_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":2,\"delta\":{\"content\":\".\"},\"logprobs\":null,\"finish_reaso"
    "n\":\"length\",\"stop_reason\":null}]}\n\n",
    "data: [DONE]\n\n",
    NULL};
#define PIN_STATUS_chat_n3_stop 200
#define PIN_CT_chat_n3_stop "application/json"
static const char *const pin_chat_n3_stop[] = {
    "{\"id\":\"chatcmpl-\",\"object\":\"chat.completion\",\"created\":0,\"model\":\"genapi-ref\",\"ch"
    "oices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"A robot who repaired bic"
    "\",\"refusal\":null,\"annotations\":null,\"audio\":null,\"function_call\":null,\"tool_calls\":[]"
    ",\"reasoning_content\":null},\"logprobs\":null,\"finish_reason\":\"stop\",\"stop_reason\":\"ycle"
    "\",\"token_ids\":null},{\"index\":1,\"message\":{\"role\":\"assistant\",\"content\":\"\\\"How \""
    ",\"refusal\":null,\"annotations\":null,\"audio\":null,\"function_call\":null,\"tool_calls\":[],"
    "\"reasoning_content\":null},\"logprobs\":null,\"finish_reason\":\"stop\",\"stop_reason\":\"long "
    "is\",\"token_ids\":null},{\"index\":2,\"message\":{\"role\":\"assistant\",\"content\":\"The mark"
    "et opens at eight on Saturdays. Farmers set up stalls\",\"refusal\":null,\"annotations\":null,\""
    "audio\":null,\"function_call\":null,\"tool_calls\":[],\"reasoning_content\":null},\"logprobs\":n"
    "ull,\"finish_reason\":\"length\",\"stop_reason\":null,\"token_ids\":null}],\"service_tier\":null"
    ",\"system_fingerprint\":null,\"usage\":{\"prompt_tokens\":15,\"total_tokens\":36,\"completion_to"
    "kens\":21,\"prompt_tokens_details\":null},\"prompt_logprobs\":null,\"prompt_token_ids\":null,\"k"
    "v_transfer_params\":null}",
    NULL};
#define PIN_STATUS_chat_n3_stop_stream 200
#define PIN_CT_chat_n3_stop_stream "text/event-stream"
static const char *const pin_chat_n3_stop_stream[] = {
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs"
    "\":null,\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs"
    "\":null,\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":2,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs"
    "\":null,\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"A\"},\"logprobs\":null,\"finish_reaso"
    "n\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\"\\\"\"},\"logprobs\":null,\"finish_re"
    "ason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":2,\"delta\":{\"content\":\"The\"},\"logprobs\":null,\"finish_rea"
    "son\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" robot\"},\"logprobs\":null,\"finish_"
    "reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\"How\"},\"logprobs\":null,\"finish_rea"
    "son\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":2,\"delta\":{\"content\":\" market\"},\"logprobs\":null,\"finish"
    "_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" who\"},\"logprobs\":null,\"finish_re"
    "ason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\" \"},\"logprobs\":null,\"finish_reaso"
    "n\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":2,\"delta\":{\"content\":\" opens\"},\"logprobs\":null,\"finish_"
    "reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" repaired\"},\"logprobs\":null,\"fini"
    "sh_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\",\"st"
    "op_reason\":\"long is\"}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":2,\"delta\":{\"content\":\" at\"},\"logprobs\":null,\"finish_rea"
    "son\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" bic\"},\"logprobs\":null,\"finish_re"
    "ason\":\"stop\",\"stop_reason\":\"ycle\"}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":2,\"delta\":{\"content\":\" eight\"},\"logprobs\":null,\"finish_"
    "reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":2,\"delta\":{\"content\":\" on\"},\"logprobs\":null,\"finish_rea"
    "son\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":2,\"delta\":{\"content\":\" Saturdays\"},\"logprobs\":null,\"fin"
    "ish_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":2,\"delta\":{\"content\":\".\"},\"logprobs\":null,\"finish_reaso"
    "n\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":2,\"delta\":{\"content\":\" Farmers\"},\"logprobs\":null,\"finis"
    "h_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":2,\"delta\":{\"content\":\" set\"},\"logprobs\":null,\"finish_re"
    "ason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":2,\"delta\":{\"content\":\" up\"},\"logprobs\":null,\"finish_rea"
    "son\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":2,\"delta\":{\"content\":\" stalls\"},\"logprobs\":null,\"finish"
    "_reason\":\"length\",\"stop_reason\":null}]}\n\n",
    "data: [DONE]\n\n",
    NULL};
#define PIN_STATUS_chat_stop_include_stream 200
#define PIN_CT_chat_stop_include_stream "text/event-stream"
static const char *const pin_chat_stop_include_stream[] = {
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs"
    "\":null,\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs"
    "\":null,\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"A\"},\"logprobs\":null,\"finish_reaso"
    "n\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\"\\\"\"},\"logprobs\":null,\"finish_re"
    "ason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" robot\"},\"logprobs\":null,\"finish_"
    "reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\"How\"},\"logprobs\":null,\"finish_rea"
    "son\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" who\"},\"logprobs\":null,\"finish_re"
    "ason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\" long\"},\"logprobs\":null,\"finish_r"
    "eason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" repaired\"},\"logprobs\":null,\"fini"
    "sh_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\" is\"},\"logprobs\":null,\"finish_rea"
    "son\":\"stop\",\"stop_reason\":\"long is\"}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" bicycles\"},\"logprobs\":null,\"fini"
    "sh_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" had\"},\"logprobs\":null,\"finish_re"
    "ason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" a\"},\"logprobs\":null,\"finish_reas"
    "on\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" habit\"},\"logprobs\":null,\"finish_"
    "reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" of\"},\"logprobs\":null,\"finish_rea"
    "son\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" whistling\"},\"logprobs\":null,\"fin"
    "ish_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" while\"},\"logprobs\":null,\"finish_"
    "reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" it\"},\"logprobs\":null,\"finish_rea"
    "son\":\"length\",\"stop_reason\":null}]}\n\n",
    "data: [DONE]\n\n",
    NULL};
#define PIN_STATUS_chat_logprobs 200
#define PIN_CT_chat_logprobs "application/json"
static const char *const pin_chat_logprobs[] = {
    "{\"id\":\"chatcmpl-\",\"object\":\"chat.completion\",\"created\":0,\"model\":\"genapi-ref\",\"ch"
    "oices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"A robot who repaired bic"
    "ycles\",\"refusal\":null,\"annotations\":null,\"audio\":null,\"function_call\":null,\"tool_calls"
    "\":[],\"reasoning_content\":null},\"logprobs\":{\"content\":[{\"token\":\"A\",\"logprob\":-1.996"
    "3580369949341,\"bytes\":[65],\"top_logprobs\":[{\"token\":\"A\",\"logprob\":-1.9963580369949341,"
    "\"bytes\":[65]},{\"token\":\"The\",\"logprob\":-2.4380686283111572,\"bytes\":[84,104,101]}]},{\""
    "token\":\" robot\",\"logprob\":-3.8691577911376953,\"bytes\":[32,114,111,98,111,116],\"top_logpr"
    "obs\":[{\"token\":\" robot\",\"logprob\":-3.8691577911376953,\"bytes\":[32,114,111,98,111,116]},"
    "{\"token\":\" simple\",\"logprob\":-2.4843318462371826,\"bytes\":[32,115,105,109,112,108,101]}]}"
    ",{\"token\":\" who\",\"logprob\":-0.27310806512832642,\"bytes\":[32,119,104,111],\"top_logprobs"
    "\":[{\"token\":\" who\",\"logprob\":-0.27310806512832642,\"bytes\":[32,119,104,111]},{\"token\":"
    "\",\",\"logprob\":-4.0331411361694336,\"bytes\":[44]}]},{\"token\":\" repaired\",\"logprob\":-0."
    "27635079622268677,\"bytes\":[32,114,101,112,97,105,114,101,100],\"top_logprobs\":[{\"token\":\" "
    "repaired\",\"logprob\":-0.27635079622268677,\"bytes\":[32,114,101,112,97,105,114,101,100]},{\"to"
    "ken\":\" was\",\"logprob\":-3.6124064922332764,\"bytes\":[32,119,97,115]}]},{\"token\":\" bicycl"
    "es\",\"logprob\":-0.13411961495876312,\"bytes\":[32,98,105,99,121,99,108,101,115],\"top_logprobs"
    "\":[{\"token\":\" bicycles\",\"logprob\":-0.13411961495876312,\"bytes\":[32,98,105,99,121,99,108"
    ",101,115]},{\"token\":\",\",\"logprob\":-5.0574564933776855,\"bytes\":[44]}]}]},\"finish_reason"
    "\":\"length\",\"stop_reason\":null,\"token_ids\":null}],\"service_tier\":null,\"system_fingerpri"
    "nt\":null,\"usage\":{\"prompt_tokens\":15,\"total_tokens\":20,\"completion_tokens\":5,\"prompt_t"
    "okens_details\":null},\"prompt_logprobs\":null,\"prompt_token_ids\":null,\"kv_transfer_params\":"
    "null}",
    NULL};
#define PIN_STATUS_chat_logprobs_stream 200
#define PIN_CT_chat_logprobs_stream "text/event-stream"
static const char *const pin_chat_logprobs_stream[] = {
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs"
    "\":null,\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"A\"},\"logprobs\":{\"content\":[{\"to"
    "ken\":\"A\",\"logprob\":-1.9963580369949341,\"bytes\":[65],\"top_logprobs\":[{\"token\":\"A\",\""
    "logprob\":-1.9963580369949341,\"bytes\":[65]},{\"token\":\"The\",\"logprob\":-2.4380686283111572"
    ",\"bytes\":[84,104,101]}]}]},\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" robot\"},\"logprobs\":{\"content\":["
    "{\"token\":\" robot\",\"logprob\":-3.8691577911376953,\"bytes\":[32,114,111,98,111,116],\"top_lo"
    "gprobs\":[{\"token\":\" robot\",\"logprob\":-3.8691577911376953,\"bytes\":[32,114,111,98,111,116"
    "]},{\"token\":\" simple\",\"logprob\":-2.4843318462371826,\"bytes\":[32,115,105,109,112,108,101]"
    "}]}]},\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" who\"},\"logprobs\":{\"content\":[{"
    "\"token\":\" who\",\"logprob\":-0.27310806512832642,\"bytes\":[32,119,104,111],\"top_logprobs\":"
    "[{\"token\":\" who\",\"logprob\":-0.27310806512832642,\"bytes\":[32,119,104,111]},{\"token\":\","
    "\",\"logprob\":-4.0331411361694336,\"bytes\":[44]}]}]},\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" repaired\"},\"logprobs\":{\"content"
    "\":[{\"token\":\" repaired\",\"logprob\":-0.27635079622268677,\"bytes\":[32,114,101,112,97,105,1"
    "14,101,100],\"top_logprobs\":[{\"token\":\" repaired\",\"logprob\":-0.27635079622268677,\"bytes"
    "\":[32,114,101,112,97,105,114,101,100]},{\"token\":\" was\",\"logprob\":-3.6124064922332764,\"by"
    "tes\":[32,119,97,115]}]}]},\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" bicycles\"},\"logprobs\":{\"content"
    "\":[{\"token\":\" bicycles\",\"logprob\":-0.13411961495876312,\"bytes\":[32,98,105,99,121,99,108"
    ",101,115],\"top_logprobs\":[{\"token\":\" bicycles\",\"logprob\":-0.13411961495876312,\"bytes\":"
    "[32,98,105,99,121,99,108,101,115]},{\"token\":\",\",\"logprob\":-5.0574564933776855,\"bytes\":[4"
    "4]}]}]},\"finish_reason\":\"length\",\"stop_reason\":null}]}\n\n",
    "data: [DONE]\n\n",
    NULL};
#define PIN_STATUS_chat_cumulative_stream 200
#define PIN_CT_chat_cumulative_stream "text/event-stream"
static const char *const pin_chat_cumulative_stream[] = {
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs"
    "\":null,\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs"
    "\":null,\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"A\"},\"logprobs\":null,\"finish_reaso"
    "n\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\"\\\"\"},\"logprobs\":null,\"finish_re"
    "ason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"A robot\"},\"logprobs\":null,\"finish"
    "_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\"\\\"How\"},\"logprobs\":null,\"finish"
    "_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"A robot who\"},\"logprobs\":null,\"fi"
    "nish_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\"\\\"How long\"},\"logprobs\":null,\"f"
    "inish_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"A robot who repaired\"},\"logprobs\":"
    "null,\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\"\\\"How long is\"},\"logprobs\":null,"
    "\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"A robot who repaired bicycles\"},\"lo"
    "gprobs\":null,\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\"\\\"How long is forty\"},\"logprobs\""
    ":null,\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"A robot who repaired bicycles had\"},"
    "\"logprobs\":null,\"finish_reason\":\"length\",\"stop_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\"\\\"How long is forty minutes\"},\"lo"
    "gprobs\":null,\"finish_reason\":\"length\",\"stop_reason\":null}]}\n\n",
    "data: [DONE]\n\n",
    NULL};
#define PIN_STATUS_chat_delta_stream 200
#define PIN_CT_chat_delta_stream "text/event-stream"
static const char *const pin_chat_delta_stream[] = {
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs"
    "\":null,\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"A\"},\"logprobs\":null,\"finish_reaso"
    "n\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" robot\"},\"logprobs\":null,\"finish_"
    "reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" who\"},\"logprobs\":null,\"finish_re"
    "ason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" repaired\"},\"logprobs\":null,\"fini"
    "sh_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" bicycles\"},\"logprobs\":null,\"fini"
    "sh_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" had\"},\"logprobs\":null,\"finish_re"
    "ason\":\"length\",\"stop_reason\":null}]}\n\n",
    "data: [DONE]\n\n",
    NULL};
#define PIN_STATUS_chat_final_only_stream 200
#define PIN_CT_chat_final_only_stream "text/event-stream"
static const char *const pin_chat_final_only_stream[] = {
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs"
    "\":null,\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs"
    "\":null,\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":2,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs"
    "\":null,\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"A robot who repaired bicycles had a h"
    "abit\"},\"logprobs\":null,\"finish_reason\":\"length\",\"stop_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\"\\\"How long is forty minutes\?\\\"\""
    "},\"logprobs\":null,\"finish_reason\":\"length\",\"stop_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":2,\"delta\":{\"content\":\"The market opens at eight on Saturday"
    "s.\"},\"logprobs\":null,\"finish_reason\":\"length\",\"stop_reason\":null}]}\n\n",
    "data: [DONE]\n\n",
    NULL};
#define PIN_STATUS_chat_usage_stream 200
#define PIN_CT_chat_usage_stream "text/event-stream"
static const char *const pin_chat_usage_stream[] = {
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs"
    "\":null,\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs"
    "\":null,\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"A\"},\"logprobs\":null,\"finish_reaso"
    "n\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\"\\\"\"},\"logprobs\":null,\"finish_re"
    "ason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" robot\"},\"logprobs\":null,\"finish_"
    "reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\"How\"},\"logprobs\":null,\"finish_rea"
    "son\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" who\"},\"logprobs\":null,\"finish_re"
    "ason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\" long\"},\"logprobs\":null,\"finish_r"
    "eason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" repaired\"},\"logprobs\":null,\"fini"
    "sh_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\" is\"},\"logprobs\":null,\"finish_rea"
    "son\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" bicycles\"},\"logprobs\":null,\"fini"
    "sh_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\" forty\"},\"logprobs\":null,\"finish_"
    "reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" had\"},\"logprobs\":null,\"finish_re"
    "ason\":\"length\",\"stop_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\" minutes\"},\"logprobs\":null,\"finis"
    "h_reason\":\"length\",\"stop_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[],\"usage\":{\"prompt_tokens\":15,\"total_tokens\":27,\"completion_tokens\""
    ":12}}\n\n",
    "data: [DONE]\n\n",
    NULL};
#define PIN_STATUS_chat_best_of 200
#define PIN_CT_chat_best_of "application/json"
static const char *const pin_chat_best_of[] = {
    "{\"id\":\"chatcmpl-\",\"object\":\"chat.completion\",\"created\":0,\"model\":\"genapi-ref\",\"ch"
    "oices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"A robot who repaired bic"
    "ycles had\",\"refusal\":null,\"annotations\":null,\"audio\":null,\"function_call\":null,\"tool_c"
    "alls\":[],\"reasoning_content\":null},\"logprobs\":null,\"finish_reason\":\"length\",\"stop_reas"
    "on\":null,\"token_ids\":null}],\"service_tier\":null,\"system_fingerprint\":null,\"usage\":{\"pr"
    "ompt_tokens\":15,\"total_tokens\":33,\"completion_tokens\":18,\"prompt_tokens_details\":null},\""
    "prompt_logprobs\":null,\"prompt_token_ids\":null,\"kv_transfer_params\":null}",
    NULL};
#define PIN_STATUS_chat_best_of_stream 200
#define PIN_CT_chat_best_of_stream "text/event-stream"
static const char *const pin_chat_best_of_stream[] = {
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion\",\"created\":0,\"model\":\"genapi-ref"
    "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"A robot who repai"
    "red bicycles had\",\"refusal\":null,\"annotations\":null,\"audio\":null,\"function_call\":null,"
    "\"tool_calls\":[],\"reasoning_content\":null},\"logprobs\":null,\"finish_reason\":\"length\",\"s"
    "top_reason\":null,\"token_ids\":null}],\"service_tier\":null,\"system_fingerprint\":null,\"usage"
    "\":{\"prompt_tokens\":15,\"total_tokens\":33,\"completion_tokens\":18,\"prompt_tokens_details\":"
    "null},\"prompt_logprobs\":null,\"prompt_token_ids\":null,\"kv_transfer_params\":null}\n\n",
    "data: [DONE]\n\n",
    NULL};
#define PIN_STATUS_chat_beam_stream 200
#define PIN_CT_chat_beam_stream "text/event-stream"
static const char *const pin_chat_beam_stream[] = {
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion\",\"created\":0,\"model\":\"genapi-ref"
    "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"A simple electric"
    " circuit needs a\",\"refusal\":null,\"annotations\":null,\"audio\":null,\"function_call\":null,"
    "\"tool_calls\":[],\"reasoning_content\":null},\"logprobs\":null,\"finish_reason\":\"length\",\"s"
    "top_reason\":null,\"token_ids\":null},{\"index\":1,\"message\":{\"role\":\"assistant\",\"content"
    "\":\"A simple way to learn its\",\"refusal\":null,\"annotations\":null,\"audio\":null,\"function"
    "_call\":null,\"tool_calls\":[],\"reasoning_content\":null},\"logprobs\":null,\"finish_reason\":"
    "\"length\",\"stop_reason\":null,\"token_ids\":null}],\"service_tier\":null,\"system_fingerprint"
    "\":null,\"usage\":{\"prompt_tokens\":15,\"total_tokens\":27,\"completion_tokens\":12,\"prompt_to"
    "kens_details\":null},\"prompt_logprobs\":null,\"prompt_token_ids\":null,\"kv_transfer_params\":n"
    "ull}\n\n",
    "data: [DONE]\n\n",
    NULL};
#define PIN_STATUS_chat_guided 200
#define PIN_CT_chat_guided "application/json"
static const char *const pin_chat_guided[] = {
    "{\"id\":\"chatcmpl-\",\"object\":\"chat.completion\",\"created\":0,\"model\":\"genapi-ref\",\"ch"
    "oices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"no, assistant thinassist"
    "ant\",\"refusal\":null,\"annotations\":null,\"audio\":null,\"function_call\":null,\"tool_calls\""
    ":[],\"reasoning_content\":null},\"logprobs\":null,\"finish_reason\":\"stop\",\"stop_reason\":nul"
    "l,\"token_ids\":null},{\"index\":1,\"message\":{\"role\":\"assistant\",\"content\":\"yes, assist"
    "ant it\",\"refusal\":null,\"annotations\":null,\"audio\":null,\"function_call\":null,\"tool_call"
    "s\":[],\"reasoning_content\":null},\"logprobs\":null,\"finish_reason\":\"stop\",\"stop_reason\":"
    "null,\"token_ids\":null}],\"service_tier\":null,\"system_fingerprint\":null,\"usage\":{\"prompt_"
    "tokens\":15,\"total_tokens\":30,\"completion_tokens\":15,\"prompt_tokens_details\":null},\"promp"
    "t_logprobs\":null,\"prompt_token_ids\":null,\"kv_transfer_params\":null}",
    NULL};
#define PIN_STATUS_chat_guided_stream 200
#define PIN_CT_chat_guided_stream "text/event-stream"
static const char *const pin_chat_guided_stream[] = {
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs"
    "\":null,\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs"
    "\":null,\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"no\"},\"logprobs\":null,\"finish_reas"
    "on\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\"y\"},\"logprobs\":null,\"finish_reaso"
    "n\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\",\"},\"logprobs\":null,\"finish_reaso"
    "n\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\"e\"},\"logprobs\":null,\"finish_reaso"
    "n\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" \"},\"logprobs\":null,\"finish_reaso"
    "n\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\"s\"},\"logprobs\":null,\"finish_reaso"
    "n\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"assistant\"},\"logprobs\":null,\"fini"
    "sh_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\",\"},\"logprobs\":null,\"finish_reaso"
    "n\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" thin\"},\"logprobs\":null,\"finish_r"
    "eason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\" \"},\"logprobs\":null,\"finish_reaso"
    "n\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"assistant\"},\"logprobs\":null,\"fini"
    "sh_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\"assistant\"},\"logprobs\":null,\"fini"
    "sh_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\",\"st"
    "op_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\" it\"},\"logprobs\":null,\"finish_rea"
    "son\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\",\"st"
    "op_reason\":null}]}\n\n",
    "data: [DONE]\n\n",
    NULL};
#define PIN_STATUS_chat_guided_tight_stream 200
#define PIN_CT_chat_guided_tight_stream "text/event-stream"
static const char *const pin_chat_guided_tight_stream[] = {
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs"
    "\":null,\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"age\"},\"logprobs\":null,\"finish_rea"
    "son\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"assistant\"},\"logprobs\":null,\"fini"
    "sh_reason\":\"length\",\"stop_reason\":null}]}\n\n",
    "data: [DONE]\n\n",
    NULL};
#define PIN_STATUS_chat_beam_guided_stream 400
#define PIN_CT_chat_beam_guided_stream "application/json"
static const char *const pin_chat_beam_guided_stream[] = {
    "{\"error\":{\"message\":\"beam search cannot be combined with guided decoding on the reference b"
    "ackend.\",\"type\":\"BadRequestError\",\"param\":\"use_beam_search\",\"code\":400}}",
    NULL};
#define PIN_STATUS_chat_allowed_run_out_stream 200
#define PIN_CT_chat_allowed_run_out_stream "text/event-stream"
static const char *const pin_chat_allowed_run_out_stream[] = {
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs"
    "\":null,\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs"
    "\":null,\"finish_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"*\"},\"logprobs\":null,\"finish_reaso"
    "n\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\")\"},\"logprobs\":null,\"finish_reaso"
    "n\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"+\"},\"logprobs\":null,\"finish_reaso"
    "n\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\"*\"},\"logprobs\":null,\"finish_reaso"
    "n\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\")\"},\"logprobs\":null,\"finish_reaso"
    "n\":\"stop\",\"stop_reason\":null}]}\n\n",
    "data: {\"id\":\"chatcmpl-\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"genap"
    "i-ref\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\"+\"},\"logprobs\":null,\"finish_reaso"
    "n\":\"stop\",\"stop_reason\":null}]}\n\n",
    "data: [DONE]\n\n",
    NULL};
#define PIN_STATUS_chat_prompt_logprobs 200
#define PIN_CT_chat_prompt_logprobs "application/json"
static const char *const pin_chat_prompt_logprobs[] = {
    "{\"id\":\"chatcmpl-\",\"object\":\"chat.completion\",\"created\":0,\"model\":\"genapi-ref\",\"ch"
    "oices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"A robot who\",\"refusal"
    "\":null,\"annotations\":null,\"audio\":null,\"function_call\":null,\"tool_calls\":[],\"reasoning"
    "_content\":null},\"logprobs\":null,\"finish_reason\":\"length\",\"stop_reason\":null,\"token_ids"
    "\":null}],\"service_tier\":null,\"system_fingerprint\":null,\"usage\":{\"prompt_tokens\":15,\"to"
    "tal_tokens\":18,\"completion_tokens\":3,\"prompt_tokens_details\":null},\"prompt_logprobs\":[nul"
    "l,{\"1778\":{\"logprob\":-15.511585235595703,\"rank\":1571,\"decoded_token\":\"user\"},\"3388\":"
    "{\"logprob\":-0.0032888669520616531,\"rank\":1,\"decoded_token\":\"assistant\"}},{\"14\":{\"logp"
    "rob\":-4.8954815864562988,\"rank\":10,\"decoded_token\":\"\\n\"},\"38\":{\"logprob\":-0.64958810"
    "806274414,\"rank\":1,\"decoded_token\":\"\\\"\"}},{\"3355\":{\"logprob\":-10.941020011901855,\"r"
    "ank\":3166,\"decoded_token\":\"Tell\"},\"69\":{\"logprob\":-2.3441131114959717,\"rank\":1,\"deco"
    "ded_token\":\"A\"}},{\"581\":{\"logprob\":-0.69279211759567261,\"rank\":1,\"decoded_token\":\" m"
    "e\"}},{\"317\":{\"logprob\":-8.2488603591918945,\"rank\":79,\"decoded_token\":\" about\"},\"260"
    "\":{\"logprob\":-0.59574747085571289,\"rank\":1,\"decoded_token\":\" the\"}},{\"260\":{\"logprob"
    "\":-1.9681439399719238,\"rank\":1,\"decoded_token\":\" the\"}},{\"447\":{\"logprob\":-6.08738136"
    "29150391,\"rank\":36,\"decoded_token\":\" river\"},\"295\":{\"logprob\":-2.2852413654327393,\"ra"
    "nk\":1,\"decoded_token\":\" two\"}},{\"265\":{\"logprob\":-6.0801811218261719,\"rank\":21,\"deco"
    "ded_token\":\" in\"},\"50\":{\"logprob\":-1.9447873830795288,\"rank\":1,\"decoded_token\":\".\"}"
    "},{\"455\":{\"logprob\":-8.7199430465698242,\"rank\":266,\"decoded_token\":\" winter\"},\"260\":"
    "{\"logprob\":-1.3915764093399048,\"rank\":1,\"decoded_token\":\" the\"}},{\"2\":{\"logprob\":-4."
    "9365062713623047,\"rank\":12,\"decoded_token\":\"<|im_end|>\"},\"48\":{\"logprob\":-1.6794823408"
    "126831,\"rank\":1,\"decoded_token\":\",\"}},{\"14\":{\"logprob\":-8.4650144577026367,\"rank\":11"
    ",\"decoded_token\":\"\\n\"},\"127\":{\"logprob\":-0.014132402837276459,\"rank\":1,\"decoded_toke"
    "n\":\"{\"}},{\"1\":{\"logprob\":-9999.0,\"rank\":3497,\"decoded_token\":\"<|im_start|>\"},\"69\""
    ":{\"logprob\":-2.3441131114959717,\"rank\":1,\"decoded_token\":\"A\"}},{\"3388\":{\"logprob\":-0"
    ".0032888669520616531,\"rank\":1,\"decoded_token\":\"assistant\"}},{\"14\":{\"logprob\":-1.094494"
    "2914647982e-05,\"rank\":1,\"decoded_token\":\"\\n\"}}],\"prompt_token_ids\":null,\"kv_transfer_p"
    "arams\":null}",
    NULL};
#define PIN_STATUS_chat_prompt_logprobs_stream_400 400
#define PIN_CT_chat_prompt_logprobs_stream_400 "application/json"
static const char *const pin_chat_prompt_logprobs_stream_400[] = {
    "{\"error\":{\"message\":\"`prompt_logprobs` are not available when `stream=True`.\",\"type\":\"B"
    "adRequestError\",\"param\":\"prompt_logprobs\",\"code\":400}}",
    NULL};
#define PIN_STATUS_chat_400 400
#define PIN_CT_chat_400 "application/json"
static const char *const pin_chat_400[] = {
    "{\"error\":{\"message\":\"temperature must be >= 0, got -1.\",\"type\":\"BadRequestError\",\"par"
    "am\":\"temperature\",\"code\":400}}",
    NULL};
#define PIN_STATUS_chat_stream_400 400
#define PIN_CT_chat_stream_400 "application/json"
static const char *const pin_chat_stream_400[] = {
    "{\"error\":{\"message\":\"when using `top_logprobs`, `logprobs` must be set to true.\",\"type\":"
    "\"BadRequestError\",\"param\":\"top_logprobs\",\"code\":400}}",
    NULL};
#define PIN_STATUS_chat_404 404
#define PIN_CT_chat_404 "application/json"
static const char *const pin_chat_404[] = {
    "{\"error\":{\"message\":\"The model `no-such-model` does not exist.\",\"type\":\"NotFoundError\""
    ",\"param\":\"model\",\"code\":404}}",
    NULL};
#define PIN_STATUS_cmpl_plain 200
#define PIN_CT_cmpl_plain "application/json"
static const char *const pin_cmpl_plain[] = {
    "{\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\"choice"
    "s\":[{\"index\":0,\"text\":\" wind said, \\\"age\\\":\",\"logprobs\":null,\"finish_reason\":\"le"
    "ngth\",\"stop_reason\":null,\"token_ids\":null,\"prompt_logprobs\":null,\"prompt_token_ids\":nul"
    "l}],\"service_tier\":null,\"system_fingerprint\":null,\"usage\":{\"prompt_tokens\":14,\"total_to"
    "kens\":22,\"completion_tokens\":8,\"prompt_tokens_details\":null},\"kv_transfer_params\":null}",
    NULL};
#define PIN_STATUS_cmpl_stream 200
#define PIN_CT_cmpl_stream "text/event-stream"
static const char *const pin_cmpl_stream[] = {
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\" wind\",\"logprobs\":null,\"finish_reason\":null,\"stop_reaso"
    "n\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\" said\",\"logprobs\":null,\"finish_reason\":null,\"stop_reaso"
    "n\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\",\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":"
    "null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\" \",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":"
    "null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\"\\\"\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason"
    "\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\"age\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason"
    "\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\"\\\"\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason"
    "\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\":\",\"logprobs\":null,\"finish_reason\":\"length\",\"stop_rea"
    "son\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: [DONE]\n\n",
    NULL};
#define PIN_STATUS_cmpl_n3 200
#define PIN_CT_cmpl_n3 "application/json"
static const char *const pin_cmpl_n3[] = {
    "{\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\"choice"
    "s\":[{\"index\":0,\"text\":\" wind said, \\\"age\\\": \\\"\",\"logprobs\":null,\"finish_reason\""
    ":\"length\",\"stop_reason\":null,\"token_ids\":null,\"prompt_logprobs\":null,\"prompt_token_ids"
    "\":null},{\"index\":1,\"text\":\" river Grandmother in speed makeassistant\\nFor a quick\",\"log"
    "probs\":null,\"finish_reason\":\"length\",\"stop_reason\":null,\"token_ids\":null,\"prompt_logpr"
    "obs\":null,\"prompt_token_ids\":null},{\"index\":2,\"text\":\" day.\",\"logprobs\":null,\"finish"
    "_reason\":\"stop\",\"stop_reason\":null,\"token_ids\":null,\"prompt_logprobs\":null,\"prompt_tok"
    "en_ids\":null}],\"service_tier\":null,\"system_fingerprint\":null,\"usage\":{\"prompt_tokens\":1"
    "4,\"total_tokens\":37,\"completion_tokens\":23,\"prompt_tokens_details\":null},\"kv_transfer_par"
    "ams\":null}",
    NULL};
#define PIN_STATUS_cmpl_n3_stream 200
#define PIN_CT_cmpl_n3_stream "text/event-stream"
static const char *const pin_cmpl_n3_stream[] = {
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\" wind\",\"logprobs\":null,\"finish_reason\":null,\"stop_reaso"
    "n\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\" river\",\"logprobs\":null,\"finish_reason\":null,\"stop_reas"
    "on\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":2,\"text\":\" day\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason"
    "\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\" said\",\"logprobs\":null,\"finish_reason\":null,\"stop_reaso"
    "n\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\" Grandmother\",\"logprobs\":null,\"finish_reason\":null,\"sto"
    "p_reason\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":2,\"text\":\".\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":"
    "null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\",\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":"
    "null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\" in\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason"
    "\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":2,\"text\":\"\",\"logprobs\":null,\"finish_reason\":\"stop\",\"stop_reason"
    "\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\" \",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":"
    "null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\" speed\",\"logprobs\":null,\"finish_reason\":null,\"stop_reas"
    "on\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\"\\\"\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason"
    "\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\" make\",\"logprobs\":null,\"finish_reason\":null,\"stop_reaso"
    "n\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\"age\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason"
    "\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\"assistant\",\"logprobs\":null,\"finish_reason\":null,\"stop_r"
    "eason\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\"\\\"\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason"
    "\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\"\\n\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason"
    "\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\":\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":"
    "null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\"For\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason"
    "\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\" \",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":"
    "null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\" a\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\""
    ":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\"\\\"\",\"logprobs\":null,\"finish_reason\":\"length\",\"stop_"
    "reason\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\" quick\",\"logprobs\":null,\"finish_reason\":\"length\",\"sto"
    "p_reason\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: [DONE]\n\n",
    NULL};
#define PIN_STATUS_cmpl_n3_stop_stream 200
#define PIN_CT_cmpl_n3_stop_stream "text/event-stream"
static const char *const pin_cmpl_n3_stop_stream[] = {
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\" wind\",\"logprobs\":null,\"finish_reason\":null,\"stop_reaso"
    "n\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\" river\",\"logprobs\":null,\"finish_reason\":null,\"stop_reas"
    "on\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":2,\"text\":\" day\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason"
    "\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\" \",\"logprobs\":null,\"finish_reason\":\"stop\",\"stop_reaso"
    "n\":\"said\",\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\" Grandmother\",\"logprobs\":null,\"finish_reason\":null,\"sto"
    "p_reason\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":2,\"text\":\".\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":"
    "null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\" in\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason"
    "\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":2,\"text\":\"\",\"logprobs\":null,\"finish_reason\":\"stop\",\"stop_reason"
    "\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\" \",\"logprobs\":null,\"finish_reason\":\"stop\",\"stop_reaso"
    "n\":\"speed\",\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: [DONE]\n\n",
    NULL};
#define PIN_STATUS_cmpl_stop_logprobs_stream 200
#define PIN_CT_cmpl_stop_logprobs_stream "text/event-stream"
static const char *const pin_cmpl_stop_logprobs_stream[] = {
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\" wind\",\"logprobs\":{\"text_offset\":[0],\"token_logprobs\":"
    "[-4.3350658416748047],\"tokens\":[\" wind\"],\"top_logprobs\":[{\" wind\":-4.3350658416748047,\""
    " river\":-2.5403425693511963}]},\"finish_reason\":null,\"stop_reason\":null,\"prompt_token_ids\""
    ":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\" river\",\"logprobs\":{\"text_offset\":[0],\"token_logprobs\""
    ":[-2.5403425693511963],\"tokens\":[\" river\"],\"top_logprobs\":[{\" river\":-2.5403425693511963"
    "}]},\"finish_reason\":null,\"stop_reason\":null,\"prompt_token_ids\":null,\"token_ids\":null}],"
    "\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\" \",\"logprobs\":{\"text_offset\":[5],\"token_logprobs\":[-0."
    "5483100414276123],\"tokens\":[\" said\"],\"top_logprobs\":[{\" said\":-0.5483100414276123}]},\"f"
    "inish_reason\":\"stop\",\"stop_reason\":\"said\",\"prompt_token_ids\":null,\"token_ids\":null}],"
    "\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\" Grandmother\",\"logprobs\":{\"text_offset\":[6],\"token_logp"
    "robs\":[-12.257533073425293],\"tokens\":[\" Grandmother\"],\"top_logprobs\":[{\" Grandmother\":-"
    "12.257533073425293,\" ran\":-0.83446109294891357}]},\"finish_reason\":null,\"stop_reason\":null,"
    "\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\" in\",\"logprobs\":{\"text_offset\":[18],\"token_logprobs\":["
    "-0.68678086996078491],\"tokens\":[\" in\"],\"top_logprobs\":[{\" in\":-0.68678086996078491}]},\""
    "finish_reason\":null,\"stop_reason\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage"
    "\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\" \",\"logprobs\":{\"text_offset\":[21],\"token_logprobs\":[-1"
    "1.079038619995117],\"tokens\":[\" speed\"],\"top_logprobs\":[{\" speed\":-11.079038619995117,\" "
    "the\":-0.47199898958206177}]},\"finish_reason\":\"stop\",\"stop_reason\":\"speed\",\"prompt_toke"
    "n_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: [DONE]\n\n",
    NULL};
#define PIN_STATUS_cmpl_echo_logprobs 200
#define PIN_CT_cmpl_echo_logprobs "application/json"
static const char *const pin_cmpl_echo_logprobs[] = {
    "{\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\"choice"
    "s\":[{\"index\":0,\"text\":\"The river ran past the old mill, and the wind said, \\\"\",\"logpro"
    "bs\":{\"text_offset\":[0,3,9,13,18,22,26,27,28,29,30,31,32,36,40,45,50,51,52],\"token_logprobs\""
    ":[null,-8.2538528442382812,-3.0429730415344238,-9.8784198760986328,-1.9121589660644531,-6.213640"
    "6898498535,-5.1942973136901855,-12.231916427612305,-13.591992378234863,-12.205698013305664,-12.2"
    "05698013305664,-2.9774191379547119,-1.726629376411438,-1.6284341812133789,-4.3350658416748047,-0"
    ".5483100414276123,-0.23115307092666626,-0.13307435810565948,-0.0066061033867299557],\"tokens\":["
    "\"The\",\" river\",\" ran\",\" past\",\" the\",\" old\",\" \",\"m\",\"i\",\"l\",\"l\",\",\",\" a"
    "nd\",\" the\",\" wind\",\" said\",\",\",\" \",\"\\\"\"],\"top_logprobs\":[null,{\" river\":-8.25"
    "38528442382812,\" city\":-3.0492773056030273,\" old\":-3.4492907524108887},{\" ran\":-3.04297304"
    "15344238,\".\":-2.1255393028259277,\",\":-2.6329154968261719},{\" past\":-9.8784198760986328,\" "
    "west\":-0.53897291421890259,\" across\":-2.4827930927276611},{\" the\":-1.9121589660644531,\".\""
    ":-1.8948758840560913},{\" old\":-6.2136406898498535,\" window\":-0.68859785795211792,\",\":-4.75"
    "04863739013672},{\" \":-5.1942973136901855,\" man\":-1.3703334331512451,\" robot\":-2.1052877902"
    "984619},{\"m\":-12.231916427612305,\"\\\"\":-0.43904426693916321,\"2\":-2.6536402702331543},{\"i"
    "\":-13.591992378234863,\".\":-0.27093181014060974,\",\":-4.363713264465332},{\"l\":-12.205698013"
    "305664,\",\":-2.9774191379547119,\".\":-2.9823422431945801},{\"l\":-12.205698013305664,\",\":-2."
    "9774191379547119,\".\":-2.9823422431945801},{\",\":-2.9774191379547119,\".\":-2.9823422431945801"
    "},{\" and\":-1.726629376411438,\" \":-2.0264885425567627},{\" the\":-1.6284341812133789,\" a\":-"
    "2.7080819606781006},{\" wind\":-4.3350658416748047,\" river\":-2.5403425693511963,\" air\":-2.73"
    "97916316986084},{\" said\":-0.5483100414276123,\",\":-2.4719161987304688},{\",\":-0.231153070926"
    "66626,\" the\":-2.8609611988067627},{\" \":-0.13307435810565948,\" and\":-2.7869248390197754},{"
    "\"\\\"\":-0.0066061033867299557,\"2\":-6.1085567474365234}]},\"finish_reason\":\"length\",\"stop"
    "_reason\":null,\"token_ids\":null,\"prompt_logprobs\":null,\"prompt_token_ids\":null}],\"service"
    "_tier\":null,\"system_fingerprint\":null,\"usage\":{\"prompt_tokens\":14,\"total_tokens\":19,\"c"
    "ompletion_tokens\":5,\"prompt_tokens_details\":null},\"kv_transfer_params\":null}",
    NULL};
#define PIN_STATUS_cmpl_echo_logprobs_stream 200
#define PIN_CT_cmpl_echo_logprobs_stream "text/event-stream"
static const char *const pin_cmpl_echo_logprobs_stream[] = {
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\"The river ran past the old mill, and the wind\",\"logprobs\":"
    "{\"text_offset\":[0],\"token_logprobs\":[-4.3350658416748047],\"tokens\":[\" wind\"],\"top_logpr"
    "obs\":[{\" wind\":-4.3350658416748047,\" river\":-2.5403425693511963,\" air\":-2.739791631698608"
    "4}]},\"finish_reason\":null,\"stop_reason\":null,\"prompt_token_ids\":null,\"token_ids\":null}],"
    "\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\" said\",\"logprobs\":{\"text_offset\":[5],\"token_logprobs\":"
    "[-0.5483100414276123],\"tokens\":[\" said\"],\"top_logprobs\":[{\" said\":-0.5483100414276123,\""
    ",\":-2.4719161987304688}]},\"finish_reason\":null,\"stop_reason\":null,\"prompt_token_ids\":null"
    ",\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\",\",\"logprobs\":{\"text_offset\":[10],\"token_logprobs\":[-0"
    ".23115307092666626],\"tokens\":[\",\"],\"top_logprobs\":[{\",\":-0.23115307092666626,\" the\":-2"
    ".8609611988067627}]},\"finish_reason\":null,\"stop_reason\":null,\"prompt_token_ids\":null,\"tok"
    "en_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\" \",\"logprobs\":{\"text_offset\":[11],\"token_logprobs\":[-0"
    ".13307435810565948],\"tokens\":[\" \"],\"top_logprobs\":[{\" \":-0.13307435810565948,\" and\":-2"
    ".7869248390197754}]},\"finish_reason\":null,\"stop_reason\":null,\"prompt_token_ids\":null,\"tok"
    "en_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\"\\\"\",\"logprobs\":{\"text_offset\":[12],\"token_logprobs\":"
    "[-0.0066061033867299557],\"tokens\":[\"\\\"\"],\"top_logprobs\":[{\"\\\"\":-0.006606103386729955"
    "7,\"2\":-6.1085567474365234}]},\"finish_reason\":\"length\",\"stop_reason\":null,\"prompt_token_"
    "ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: [DONE]\n\n",
    NULL};
#define PIN_STATUS_cmpl_echo_cumulative_stream 200
#define PIN_CT_cmpl_echo_cumulative_stream "text/event-stream"
static const char *const pin_cmpl_echo_cumulative_stream[] = {
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\"The river ran past the old mill, and the wind\",\"logprobs\":"
    "null,\"finish_reason\":null,\"stop_reason\":null,\"prompt_token_ids\":null,\"token_ids\":null}],"
    "\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\"The river ran past the old mill, and the river\",\"logprobs\""
    ":null,\"finish_reason\":null,\"stop_reason\":null,\"prompt_token_ids\":null,\"token_ids\":null}]"
    ",\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\"The river ran past the old mill, and the wind said\",\"logpro"
    "bs\":null,\"finish_reason\":null,\"stop_reason\":null,\"prompt_token_ids\":null,\"token_ids\":nu"
    "ll}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\"The river ran past the old mill, and the river Grandmother\","
    "\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":null,\"prompt_token_ids\":null,\"token_"
    "ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\"The river ran past the old mill, and the wind said,\",\"logpr"
    "obs\":null,\"finish_reason\":null,\"stop_reason\":null,\"prompt_token_ids\":null,\"token_ids\":n"
    "ull}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\"The river ran past the old mill, and the river Grandmother in"
    "\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":null,\"prompt_token_ids\":null,\"tok"
    "en_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\"The river ran past the old mill, and the wind said, \",\"logp"
    "robs\":null,\"finish_reason\":null,\"stop_reason\":null,\"prompt_token_ids\":null,\"token_ids\":"
    "null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\"The river ran past the old mill, and the river Grandmother in"
    " speed\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":null,\"prompt_token_ids\":null"
    ",\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\"The river ran past the old mill, and the wind said, \\\"\",\""
    "logprobs\":null,\"finish_reason\":\"length\",\"stop_reason\":null,\"prompt_token_ids\":null,\"to"
    "ken_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\"The river ran past the old mill, and the river Grandmother in"
    " speed make\",\"logprobs\":null,\"finish_reason\":\"length\",\"stop_reason\":null,\"prompt_token"
    "_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: [DONE]\n\n",
    NULL};
#define PIN_STATUS_cmpl_echo_final_only_stream 200
#define PIN_CT_cmpl_echo_final_only_stream "text/event-stream"
static const char *const pin_cmpl_echo_final_only_stream[] = {
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\"The river ran past the old mill, and the wind said, \\\"\",\""
    "logprobs\":null,\"finish_reason\":\"length\",\"stop_reason\":null,\"prompt_token_ids\":null,\"to"
    "ken_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\"The river ran past the old mill, and the river Grandmother in"
    " speed make\",\"logprobs\":null,\"finish_reason\":\"length\",\"stop_reason\":null,\"prompt_token"
    "_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: [DONE]\n\n",
    NULL};
#define PIN_STATUS_cmpl_usage_stream 200
#define PIN_CT_cmpl_usage_stream "text/event-stream"
static const char *const pin_cmpl_usage_stream[] = {
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\" wind\",\"logprobs\":null,\"finish_reason\":null,\"stop_reaso"
    "n\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\" said\",\"logprobs\":null,\"finish_reason\":null,\"stop_reaso"
    "n\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\",\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":"
    "null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\" \",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":"
    "null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\"\\\"\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason"
    "\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\"age\",\"logprobs\":null,\"finish_reason\":\"length\",\"stop_r"
    "eason\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[],\"usage\":{\"prompt_tokens\":14,\"total_tokens\":20,\"completion_tokens\":6}}\n\n",
    "data: [DONE]\n\n",
    NULL};
#define PIN_STATUS_cmpl_two_prompts 200
#define PIN_CT_cmpl_two_prompts "application/json"
static const char *const pin_cmpl_two_prompts[] = {
    "{\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\"choice"
    "s\":[{\"index\":0,\"text\":\" west.. river reflects the\",\"logprobs\":null,\"finish_reason\":\""
    "length\",\"stop_reason\":null,\"token_ids\":null,\"prompt_logprobs\":null,\"prompt_token_ids\":n"
    "ull},{\"index\":1,\"text\":\" growsassistant\\nThunder is released\",\"logprobs\":null,\"finish_"
    "reason\":\"length\",\"stop_reason\":null,\"token_ids\":null,\"prompt_logprobs\":null,\"prompt_to"
    "ken_ids\":null},{\"index\":2,\"text\":\" north side. The owner tried\",\"logprobs\":null,\"finis"
    "h_reason\":\"length\",\"stop_reason\":null,\"token_ids\":null,\"prompt_logprobs\":null,\"prompt_"
    "token_ids\":null},{\"index\":3,\"text\":\" stone glow yellow nothing passZoe\",\"logprobs\":null"
    ",\"finish_reason\":\"length\",\"stop_reason\":null,\"token_ids\":null,\"prompt_logprobs\":null,"
    "\"prompt_token_ids\":null}],\"service_tier\":null,\"system_fingerprint\":null,\"usage\":{\"promp"
    "t_tokens\":7,\"total_tokens\":31,\"completion_tokens\":24,\"prompt_tokens_details\":null},\"kv_t"
    "ransfer_params\":null}",
    NULL};
#define PIN_STATUS_cmpl_two_prompts_stream 200
#define PIN_CT_cmpl_two_prompts_stream "text/event-stream"
static const char *const pin_cmpl_two_prompts_stream[] = {
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\" west\",\"logprobs\":null,\"finish_reason\":null,\"stop_reaso"
    "n\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\" grows\",\"logprobs\":null,\"finish_reason\":null,\"stop_reas"
    "on\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":2,\"text\":\" north\",\"logprobs\":null,\"finish_reason\":null,\"stop_reas"
    "on\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":3,\"text\":\" stone\",\"logprobs\":null,\"finish_reason\":null,\"stop_reas"
    "on\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\".\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":"
    "null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\"assistant\",\"logprobs\":null,\"finish_reason\":null,\"stop_r"
    "eason\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":2,\"text\":\" side\",\"logprobs\":null,\"finish_reason\":null,\"stop_reaso"
    "n\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":3,\"text\":\" glow\",\"logprobs\":null,\"finish_reason\":null,\"stop_reaso"
    "n\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\".\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":"
    "null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\"\\n\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason"
    "\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":2,\"text\":\".\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":"
    "null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":3,\"text\":\" yellow\",\"logprobs\":null,\"finish_reason\":null,\"stop_rea"
    "son\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\" river\",\"logprobs\":null,\"finish_reason\":null,\"stop_reas"
    "on\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\"Thunder\",\"logprobs\":null,\"finish_reason\":null,\"stop_rea"
    "son\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":2,\"text\":\" The\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason"
    "\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":3,\"text\":\" nothing\",\"logprobs\":null,\"finish_reason\":null,\"stop_re"
    "ason\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\" reflects\",\"logprobs\":null,\"finish_reason\":null,\"stop_r"
    "eason\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\" is\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason"
    "\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":2,\"text\":\" owner\",\"logprobs\":null,\"finish_reason\":null,\"stop_reas"
    "on\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":3,\"text\":\" pass\",\"logprobs\":null,\"finish_reason\":null,\"stop_reaso"
    "n\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\" the\",\"logprobs\":null,\"finish_reason\":\"length\",\"stop_"
    "reason\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\" released\",\"logprobs\":null,\"finish_reason\":\"length\",\""
    "stop_reason\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":2,\"text\":\" tried\",\"logprobs\":null,\"finish_reason\":\"length\",\"sto"
    "p_reason\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":3,\"text\":\"Zoe\",\"logprobs\":null,\"finish_reason\":\"length\",\"stop_r"
    "eason\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: [DONE]\n\n",
    NULL};
#define PIN_STATUS_cmpl_two_prompts_echo_stream 200
#define PIN_CT_cmpl_two_prompts_echo_stream "text/event-stream"
static const char *const pin_cmpl_two_prompts_echo_stream[] = {
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\"The river ran west\",\"logprobs\":{\"text_offset\":[0],\"toke"
    "n_logprobs\":[-0.54001015424728394],\"tokens\":[\" west\"],\"top_logprobs\":[{\" west\":-0.54001"
    "015424728394}]},\"finish_reason\":null,\"stop_reason\":null,\"prompt_token_ids\":null,\"token_id"
    "s\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\"The river ran grows\",\"logprobs\":{\"text_offset\":[0],\"tok"
    "en_logprobs\":[-9.6612043380737305],\"tokens\":[\" grows\"],\"top_logprobs\":[{\" grows\":-9.661"
    "2043380737305,\" west\":-0.54001015424728394}]},\"finish_reason\":null,\"stop_reason\":null,\"pr"
    "ompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":2,\"text\":\"Snow fell on the north\",\"logprobs\":{\"text_offset\":[0],\""
    "token_logprobs\":[-4.3281655311584473],\"tokens\":[\" north\"],\"top_logprobs\":[{\" north\":-4."
    "3281655311584473,\" way\":-3.2446630001068115}]},\"finish_reason\":null,\"stop_reason\":null,\"p"
    "rompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":3,\"text\":\"Snow fell on the stone\",\"logprobs\":{\"text_offset\":[0],\""
    "token_logprobs\":[-4.2770867347717285],\"tokens\":[\" stone\"],\"top_logprobs\":[{\" stone\":-4."
    "2770867347717285,\" way\":-3.2446630001068115}]},\"finish_reason\":null,\"stop_reason\":null,\"p"
    "rompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\".\",\"logprobs\":{\"text_offset\":[5],\"token_logprobs\":[-0."
    "12683708965778351],\"tokens\":[\".\"],\"top_logprobs\":[{\".\":-0.12683708965778351}]},\"finish_"
    "reason\":null,\"stop_reason\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null"
    "}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\"assistant\",\"logprobs\":{\"text_offset\":[6],\"token_logprob"
    "s\":[-4.897554874420166],\"tokens\":[\"assistant\"],\"top_logprobs\":[{\"assistant\":-4.89755487"
    "4420166,\".\":-2.0788226127624512}]},\"finish_reason\":null,\"stop_reason\":null,\"prompt_token_"
    "ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":2,\"text\":\" side\",\"logprobs\":{\"text_offset\":[6],\"token_logprobs\":"
    "[-0.43069979548454285],\"tokens\":[\" side\"],\"top_logprobs\":[{\" side\":-0.43069979548454285}"
    "]},\"finish_reason\":null,\"stop_reason\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\""
    "usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":3,\"text\":\" glow\",\"logprobs\":{\"text_offset\":[6],\"token_logprobs\":"
    "[-11.88726806640625],\"tokens\":[\" glow\"],\"top_logprobs\":[{\" glow\":-11.88726806640625,\","
    "\":-0.54239922761917114}]},\"finish_reason\":null,\"stop_reason\":null,\"prompt_token_ids\":null"
    ",\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\".\",\"logprobs\":{\"text_offset\":[6],\"token_logprobs\":[-5."
    "868736743927002],\"tokens\":[\".\"],\"top_logprobs\":[{\".\":-5.868736743927002,\" In\":-0.28248"
    "181939125061}]},\"finish_reason\":null,\"stop_reason\":null,\"prompt_token_ids\":null,\"token_id"
    "s\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\"\\n\",\"logprobs\":{\"text_offset\":[15],\"token_logprobs\":["
    "-0.0033027040772140026],\"tokens\":[\"\\n\"],\"top_logprobs\":[{\"\\n\":-0.0033027040772140026}]"
    "},\"finish_reason\":null,\"stop_reason\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"u"
    "sage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":2,\"text\":\".\",\"logprobs\":{\"text_offset\":[11],\"token_logprobs\":[-3"
    ".9730911254882812],\"tokens\":[\".\"],\"top_logprobs\":[{\".\":-3.9730911254882812,\" of\":-0.24"
    "973911046981812}]},\"finish_reason\":null,\"stop_reason\":null,\"prompt_token_ids\":null,\"token"
    "_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":3,\"text\":\" yellow\",\"logprobs\":{\"text_offset\":[11],\"token_logprobs"
    "\":[-0.69283664226531982],\"tokens\":[\" yellow\"],\"top_logprobs\":[{\" yellow\":-0.69283664226"
    "531982}]},\"finish_reason\":null,\"stop_reason\":null,\"prompt_token_ids\":null,\"token_ids\":nu"
    "ll}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\" river\",\"logprobs\":{\"text_offset\":[7],\"token_logprobs\""
    ":[-7.9969620704650879],\"tokens\":[\" river\"],\"top_logprobs\":[{\" river\":-7.9969620704650879"
    ",\"<|im_end|>\":-1.8064028024673462}]},\"finish_reason\":\"length\",\"stop_reason\":null,\"promp"
    "t_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\"Thunder\",\"logprobs\":{\"text_offset\":[16],\"token_logprobs"
    "\":[-5.9385957717895508],\"tokens\":[\"Thunder\"],\"top_logprobs\":[{\"Thunder\":-5.938595771789"
    "5508,\"The\":-1.6424775123596191}]},\"finish_reason\":\"length\",\"stop_reason\":null,\"prompt_t"
    "oken_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":2,\"text\":\" The\",\"logprobs\":{\"text_offset\":[12],\"token_logprobs\":"
    "[-0.65043425559997559],\"tokens\":[\" The\"],\"top_logprobs\":[{\" The\":-0.65043425559997559}]}"
    ",\"finish_reason\":\"length\",\"stop_reason\":null,\"prompt_token_ids\":null,\"token_ids\":null}"
    "],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":3,\"text\":\" nothing\",\"logprobs\":{\"text_offset\":[18],\"token_logprob"
    "s\":[-10.032610893249512],\"tokens\":[\" nothing\"],\"top_logprobs\":[{\" nothing\":-10.03261089"
    "3249512,\" one\":-0.62285321950912476}]},\"finish_reason\":\"length\",\"stop_reason\":null,\"pro"
    "mpt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[],\"usage\":{\"prompt_tokens\":7,\"total_tokens\":23,\"completion_tokens\":16}}\n\n",
    "data: [DONE]\n\n",
    NULL};
#define PIN_STATUS_cmpl_best_of 200
#define PIN_CT_cmpl_best_of "application/json"
static const char *const pin_cmpl_best_of[] = {
    "{\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\"choice"
    "s\":[{\"index\":0,\"text\":\" day.\",\"logprobs\":null,\"finish_reason\":\"stop\",\"stop_reason"
    "\":null,\"token_ids\":null,\"prompt_logprobs\":null,\"prompt_token_ids\":null},{\"index\":1,\"te"
    "xt\":\" wind said, \\\"age\",\"logprobs\":null,\"finish_reason\":\"length\",\"stop_reason\":null"
    ",\"token_ids\":null,\"prompt_logprobs\":null,\"prompt_token_ids\":null}],\"service_tier\":null,"
    "\"system_fingerprint\":null,\"usage\":{\"prompt_tokens\":14,\"total_tokens\":29,\"completion_tok"
    "ens\":15,\"prompt_tokens_details\":null},\"kv_transfer_params\":null}",
    NULL};
#define PIN_STATUS_cmpl_best_of_stream 200
#define PIN_CT_cmpl_best_of_stream "text/event-stream"
static const char *const pin_cmpl_best_of_stream[] = {
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\" day.\",\"logprobs\":null,\"finish_reason\":\"stop\",\"stop_r"
    "eason\":null,\"token_ids\":null,\"prompt_logprobs\":null,\"prompt_token_ids\":null},{\"index\":1"
    ",\"text\":\" wind said, \\\"age\",\"logprobs\":null,\"finish_reason\":\"length\",\"stop_reason\""
    ":null,\"token_ids\":null,\"prompt_logprobs\":null,\"prompt_token_ids\":null}],\"service_tier\":n"
    "ull,\"system_fingerprint\":null,\"usage\":{\"prompt_tokens\":14,\"total_tokens\":29,\"completion"
    "_tokens\":15,\"prompt_tokens_details\":null},\"kv_transfer_params\":null}\n\n",
    "data: [DONE]\n\n",
    NULL};
#define PIN_STATUS_cmpl_beam_stream 200
#define PIN_CT_cmpl_beam_stream "text/event-stream"
static const char *const pin_cmpl_beam_stream[] = {
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\" river ran west. In the\",\"logprobs\":null,\"finish_reason\""
    ":\"length\",\"stop_reason\":null,\"token_ids\":null,\"prompt_logprobs\":null,\"prompt_token_ids"
    "\":null},{\"index\":1,\"text\":\" air smells of damp earth and\",\"logprobs\":null,\"finish_reas"
    "on\":\"length\",\"stop_reason\":null,\"token_ids\":null,\"prompt_logprobs\":null,\"prompt_token_"
    "ids\":null}],\"service_tier\":null,\"system_fingerprint\":null,\"usage\":{\"prompt_tokens\":14,"
    "\"total_tokens\":26,\"completion_tokens\":12,\"prompt_tokens_details\":null},\"kv_transfer_param"
    "s\":null}\n\n",
    "data: [DONE]\n\n",
    NULL};
#define PIN_STATUS_cmpl_two_prompts_beam_stream 200
#define PIN_CT_cmpl_two_prompts_beam_stream "text/event-stream"
static const char *const pin_cmpl_two_prompts_beam_stream[] = {
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\" west. In the\",\"logprobs\":null,\"finish_reason\":\"length"
    "\",\"stop_reason\":null,\"token_ids\":null,\"prompt_logprobs\":null,\"prompt_token_ids\":null},{"
    "\"index\":1,\"text\":\" way to school,\",\"logprobs\":null,\"finish_reason\":\"length\",\"stop_r"
    "eason\":null,\"token_ids\":null,\"prompt_logprobs\":null,\"prompt_token_ids\":null}],\"service_t"
    "ier\":null,\"system_fingerprint\":null,\"usage\":{\"prompt_tokens\":7,\"total_tokens\":15,\"comp"
    "letion_tokens\":8,\"prompt_tokens_details\":null},\"kv_transfer_params\":null}\n\n",
    "data: [DONE]\n\n",
    NULL};
#define PIN_STATUS_cmpl_guided_stream 200
#define PIN_CT_cmpl_guided_stream "text/event-stream"
static const char *const pin_cmpl_guided_stream[] = {
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\"assistant\",\"logprobs\":null,\"finish_reason\":null,\"stop_r"
    "eason\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\"items\",\"logprobs\":null,\"finish_reason\":null,\"stop_reaso"
    "n\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\"assistant\",\"logprobs\":null,\"finish_reason\":null,\"stop_r"
    "eason\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\"time\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason"
    "\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\" \",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":"
    "null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\" \",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":"
    "null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\"3\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":"
    "null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\"7\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":"
    "null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\"7\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":"
    "null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\"5\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":"
    "null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\"2\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":"
    "null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\"7\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":"
    "null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\"\",\"logprobs\":null,\"finish_reason\":\"stop\",\"stop_reason"
    "\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\"2\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":"
    "null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\"4\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":"
    "null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\"2\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":"
    "null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\"1\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":"
    "null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\"\",\"logprobs\":null,\"finish_reason\":\"stop\",\"stop_reason"
    "\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: [DONE]\n\n",
    NULL};
#define PIN_STATUS_cmpl_two_prompts_guided 200
#define PIN_CT_cmpl_two_prompts_guided "application/json"
static const char *const pin_cmpl_two_prompts_guided[] = {
    "{\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\"choice"
    "s\":[{\"index\":0,\"text\":\"right\",\"logprobs\":null,\"finish_reason\":\"stop\",\"stop_reason"
    "\":null,\"token_ids\":null,\"prompt_logprobs\":null,\"prompt_token_ids\":null},{\"index\":1,\"te"
    "xt\":\"right\",\"logprobs\":null,\"finish_reason\":\"stop\",\"stop_reason\":null,\"token_ids\":n"
    "ull,\"prompt_logprobs\":null,\"prompt_token_ids\":null}],\"service_tier\":null,\"system_fingerpr"
    "int\":null,\"usage\":{\"prompt_tokens\":7,\"total_tokens\":19,\"completion_tokens\":12,\"prompt_"
    "tokens_details\":null},\"kv_transfer_params\":null}",
    NULL};
#define PIN_STATUS_cmpl_two_prompts_guided_stream 200
#define PIN_CT_cmpl_two_prompts_guided_stream "text/event-stream"
static const char *const pin_cmpl_two_prompts_guided_stream[] = {
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\"r\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":"
    "null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\"r\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":"
    "null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\"i\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":"
    "null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\"i\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":"
    "null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\"g\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":"
    "null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\"g\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":"
    "null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\"h\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":"
    "null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\"h\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":"
    "null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\"t\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":"
    "null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\"t\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":"
    "null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\"\",\"logprobs\":null,\"finish_reason\":\"stop\",\"stop_reason"
    "\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\"\",\"logprobs\":null,\"finish_reason\":\"stop\",\"stop_reason"
    "\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: [DONE]\n\n",
    NULL};
#define PIN_STATUS_cmpl_guided_tight 200
#define PIN_CT_cmpl_guided_tight "application/json"
static const char *const pin_cmpl_guided_tight[] = {
    "{\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\"choice"
    "s\":[{\"index\":0,\"text\":\"assistantassistant\",\"logprobs\":null,\"finish_reason\":\"length\""
    ",\"stop_reason\":null,\"token_ids\":null,\"prompt_logprobs\":null,\"prompt_token_ids\":null}],\""
    "service_tier\":null,\"system_fingerprint\":null,\"usage\":{\"prompt_tokens\":14,\"total_tokens\""
    ":16,\"completion_tokens\":2,\"prompt_tokens_details\":null},\"kv_transfer_params\":null}",
    NULL};
#define PIN_STATUS_cmpl_guided_tight_stream 200
#define PIN_CT_cmpl_guided_tight_stream "text/event-stream"
static const char *const pin_cmpl_guided_tight_stream[] = {
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\"assistant\",\"logprobs\":null,\"finish_reason\":null,\"stop_r"
    "eason\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\"assistant\",\"logprobs\":null,\"finish_reason\":\"length\",\""
    "stop_reason\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: [DONE]\n\n",
    NULL};
#define PIN_STATUS_cmpl_token_ids_stream 200
#define PIN_CT_cmpl_token_ids_stream "text/event-stream"
static const char *const pin_cmpl_token_ids_stream[] = {
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\"$%&'\\\"\",\"logprobs\":null,\"finish_reason\":null,\"stop_re"
    "ason\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\" Friday\",\"logprobs\":null,\"finish_reason\":null,\"stop_rea"
    "son\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\",\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":"
    "null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\" and\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason"
    "\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\" the\",\"logprobs\":null,\"finish_reason\":\"length\",\"stop_"
    "reason\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: [DONE]\n\n",
    NULL};
#define PIN_STATUS_cmpl_allowed_run_out_stream 200
#define PIN_CT_cmpl_allowed_run_out_stream "text/event-stream"
static const char *const pin_cmpl_allowed_run_out_stream[] = {
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\"*\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":"
    "null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\"*\",\"logprobs\":null,\"finish_reason\":null,\"stop_reason\":"
    "null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":0,\"text\":\")\",\"logprobs\":null,\"finish_reason\":\"stop\",\"stop_reaso"
    "n\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: {\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\""
    "choices\":[{\"index\":1,\"text\":\")\",\"logprobs\":null,\"finish_reason\":\"stop\",\"stop_reaso"
    "n\":null,\"prompt_token_ids\":null,\"token_ids\":null}],\"usage\":null}\n\n",
    "data: [DONE]\n\n",
    NULL};
#define PIN_STATUS_cmpl_prompt_logprobs 200
#define PIN_CT_cmpl_prompt_logprobs "application/json"
static const char *const pin_cmpl_prompt_logprobs[] = {
    "{\"id\":\"cmpl-\",\"object\":\"text_completion\",\"created\":0,\"model\":\"genapi-ref\",\"choice"
    "s\":[{\"index\":0,\"text\":\" wind said,\",\"logprobs\":null,\"finish_reason\":\"length\",\"stop"
    "_reason\":null,\"token_ids\":null,\"prompt_logprobs\":[null,{\"447\":{\"logprob\":-8.25385284423"
    "82812,\"rank\":236,\"decoded_token\":\" river\"},\"332\":{\"logprob\":-3.0492773056030273,\"rank"
    "\":1,\"decoded_token\":\" city\"},\"334\":{\"logprob\":-3.4492907524108887,\"rank\":2,\"decoded_"
    "token\":\" old\"}},{\"1112\":{\"logprob\":-3.0429730415344238,\"rank\":9,\"decoded_token\":\" ra"
    "n\"},\"50\":{\"logprob\":-2.1255393028259277,\"rank\":1,\"decoded_token\":\".\"},\"48\":{\"logpr"
    "ob\":-2.6329154968261719,\"rank\":2,\"decoded_token\":\",\"}},{\"859\":{\"logprob\":-9.878419876"
    "0986328,\"rank\":635,\"decoded_token\":\" past\"},\"3174\":{\"logprob\":-0.53897291421890259,\"r"
    "ank\":1,\"decoded_token\":\" west\"},\"390\":{\"logprob\":-2.4827930927276611,\"rank\":2,\"decod"
    "ed_token\":\" across\"}},{\"260\":{\"logprob\":-1.9121589660644531,\"rank\":2,\"decoded_token\":"
    "\" the\"},\"50\":{\"logprob\":-1.8948758840560913,\"rank\":1,\"decoded_token\":\".\"}},{\"334\":"
    "{\"logprob\":-6.2136406898498535,\"rank\":38,\"decoded_token\":\" old\"},\"432\":{\"logprob\":-0"
    ".68859785795211792,\"rank\":1,\"decoded_token\":\" window\"},\"48\":{\"logprob\":-4.750486373901"
    "3672,\"rank\":2,\"decoded_token\":\",\"}},{\"36\":{\"logprob\":-5.1942973136901855,\"rank\":26,"
    "\"decoded_token\":\" \"},\"721\":{\"logprob\":-1.3703334331512451,\"rank\":1,\"decoded_token\":"
    "\" man\"},\"448\":{\"logprob\":-2.1052877902984619,\"rank\":2,\"decoded_token\":\" robot\"}},{\""
    "113\":{\"logprob\":-12.231916427612305,\"rank\":706,\"decoded_token\":\"m\"},\"38\":{\"logprob\""
    ":-0.43904426693916321,\"rank\":1,\"decoded_token\":\"\\\"\"},\"54\":{\"logprob\":-2.653640270233"
    "1543,\"rank\":2,\"decoded_token\":\"2\"}},{\"109\":{\"logprob\":-13.591992378234863,\"rank\":335"
    "0,\"decoded_token\":\"i\"},\"50\":{\"logprob\":-0.27093181014060974,\"rank\":1,\"decoded_token\""
    ":\".\"},\"48\":{\"logprob\":-4.363713264465332,\"rank\":2,\"decoded_token\":\",\"}},{\"112\":{\""
    "logprob\":-12.205698013305664,\"rank\":3352,\"decoded_token\":\"l\"},\"48\":{\"logprob\":-2.9774"
    "191379547119,\"rank\":1,\"decoded_token\":\",\"},\"50\":{\"logprob\":-2.9823422431945801,\"rank"
    "\":2,\"decoded_token\":\".\"}},{\"112\":{\"logprob\":-12.205698013305664,\"rank\":3352,\"decoded"
    "_token\":\"l\"},\"48\":{\"logprob\":-2.9774191379547119,\"rank\":1,\"decoded_token\":\",\"},\"50"
    "\":{\"logprob\":-2.9823422431945801,\"rank\":2,\"decoded_token\":\".\"}},{\"48\":{\"logprob\":-2"
    ".9774191379547119,\"rank\":1,\"decoded_token\":\",\"},\"50\":{\"logprob\":-2.9823422431945801,\""
    "rank\":2,\"decoded_token\":\".\"}},{\"262\":{\"logprob\":-1.726629376411438,\"rank\":1,\"decoded"
    "_token\":\" and\"},\"36\":{\"logprob\":-2.0264885425567627,\"rank\":2,\"decoded_token\":\" \"}},"
    "{\"260\":{\"logprob\":-1.6284341812133789,\"rank\":1,\"decoded_token\":\" the\"},\"261\":{\"logp"
    "rob\":-2.7080819606781006,\"rank\":2,\"decoded_token\":\" a\"}}],\"prompt_token_ids\":null}],\"s"
    "ervice_tier\":null,\"system_fingerprint\":null,\"usage\":{\"prompt_tokens\":14,\"total_tokens\":"
    "17,\"completion_tokens\":3,\"prompt_tokens_details\":null},\"kv_transfer_params\":null}",
    NULL};
#define PIN_STATUS_cmpl_400 400
#define PIN_CT_cmpl_400 "application/json"
static const char *const pin_cmpl_400[] = {
    "{\"error\":{\"message\":\"suffix is not currently supported\",\"type\":\"BadRequestError\",\"par"
    "am\":\"suffix\",\"code\":400}}",
    NULL};
#define PIN_STATUS_cmpl_400_second_prompt 400
#define PIN_CT_cmpl_400_second_prompt "application/json"
static const char *const pin_cmpl_400_second_prompt[] = {
    "{\"error\":{\"message\":\"prompt[0] is not a token id of this model (vocabulary size 3498).\",\""
    "type\":\"BadRequestError\",\"param\":\"prompt\",\"code\":400}}",
    NULL};
#define PIN_STATUS_cmpl_404 404
#define PIN_CT_cmpl_404 "application/json"
static const char *const pin_cmpl_404[] = {
    "{\"error\":{\"message\":\"The model `no-such-model` does not exist.\",\"type\":\"NotFoundError\""
    ",\"param\":\"model\",\"code\":404}}",
    NULL};
/* PINS END */

/* ---- helpers ------------------------------------------------------------------------------- */

typedef struct job_case {
    const char *name, *path, *body;
    int status;
    const char *content_type;
    const char *const *pin; /* pieces of the normalised body, NULL-terminated */
} job_case;

static genapi_backend *backend;

/* The backend's allocations, counted, so a freed job can be shown to leave no live block. */
static fa_counter live_blocks;

static int setup(void **state)
{
    (void)state;
    static const genapi_allocator hooks = FA_HOOKS(&live_blocks);
    genapi_backend_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.struct_size = sizeof cfg;
    cfg.allocator = &hooks;
    return genapi_backend_new(&cfg, &backend, NULL) == GENAPI_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    genapi_backend_free(backend);
    backend = NULL;
    return 0;
}

static int is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

/* Drop the random part of ids ("chatcmpl-<32 hex>", "cmpl-<32 hex>") and set every "created"
 * to 0. Returns a malloc'ed copy. */
static char *normalise(const char *s, size_t len)
{
    char *out = malloc(len + 1);
    assert_non_null(out);
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        static const char *const ids[] = {"\"chatcmpl-", "\"cmpl-"};
        int done = 0;
        for (size_t k = 0; k < 2 && !done; k++) {
            size_t pl = strlen(ids[k]);
            if (len - i >= pl + 32 && memcmp(s + i, ids[k], pl) == 0) {
                size_t h = 0;
                while (h < 32 && is_hex(s[i + pl + h]))
                    h++;
                if (h == 32 && s[i + pl + 32] == '"') {
                    memcpy(out + o, s + i, pl);
                    o += pl;
                    i += pl + 32;
                    done = 1;
                }
            }
        }
        if (done)
            continue;
        static const char created[] = "\"created\":";
        if (len - i > sizeof created - 1 && memcmp(s + i, created, sizeof created - 1) == 0) {
            memcpy(out + o, created, sizeof created - 1);
            o += sizeof created - 1;
            i += sizeof created - 1;
            out[o++] = '0';
            while (i < len && s[i] >= '0' && s[i] <= '9')
                i++;
            continue;
        }
        out[o++] = s[i++];
    }
    out[o] = '\0';
    return out;
}

/* The answer of genapi_backend_handle, normalised. */
static char *handle(const char *path, const char *body, int *status, const char **content_type)
{
    genapi_http_request req = {"POST", path, NULL, "application/json", body, strlen(body)};
    genapi_http_response r;
    assert_int_equal(genapi_backend_handle(backend, &req, &r), GENAPI_OK);
    *status = r.status;
    *content_type = r.content_type;
    char *n = normalise(r.body ? r.body : "", r.body_len);
    genapi_http_response_release(backend, &r);
    return n;
}

static char *join(const char *const *pieces)
{
    size_t len = 0;
    for (size_t i = 0; pieces[i]; i++)
        len += strlen(pieces[i]);
    char *s = malloc(len + 1);
    assert_non_null(s);
    s[0] = '\0';
    for (size_t i = 0, o = 0; pieces[i]; i++) {
        size_t n = strlen(pieces[i]);
        memcpy(s + o, pieces[i], n + 1);
        o += n;
    }
    return s;
}

/* Print a C string literal, pieces of at most 96 source characters per line. */
static void print_literal(FILE *f, const char *s, size_t len, const char *indent)
{
    size_t col = 0;
    fprintf(f, "%s\"", indent);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        if (c == '"' || c == '\\' || c == '?')
            snprintf(esc, sizeof esc, "\\%c", c);
        else if (c == '\n')
            snprintf(esc, sizeof esc, "\\n");
        else if (c < 0x20 || c >= 0x7f)
            snprintf(esc, sizeof esc, "\\%03o", c);
        else
            snprintf(esc, sizeof esc, "%c", c);
        if (col + strlen(esc) > 96) {
            fprintf(f, "\"\n%s\"", indent);
            col = 0;
        }
        fputs(esc, f);
        col += strlen(esc);
    }
    fprintf(f, "\"");
}

/* The pin of one case: one element per event of a stream (an element stays under 3000 bytes,
 * below the 4095 a C compiler must accept in one literal). */
static void print_pin(FILE *f, const char *name, int status, const char *ct, const char *body)
{
    fprintf(f, "#define PIN_STATUS_%s %d\n#define PIN_CT_%s \"%s\"\n", name, status, name, ct);
    fprintf(f, "static const char *const pin_%s[] = {\n", name);
    size_t len = strlen(body);
    for (size_t at = 0; at < len;) {
        size_t n = len - at;
        const char *end = strstr(body + at, "\n\n");
        if (end && (size_t)(end + 2 - (body + at)) < n)
            n = (size_t)(end + 2 - (body + at));
        if (n > 3000)
            n = 3000;
        print_literal(f, body + at, n, "    ");
        fprintf(f, ",\n");
        at += n;
    }
    fprintf(f, "    NULL};\n");
}

#define CASE_ROW(name, path, body) {#name, path, body, PIN_STATUS_##name, PIN_CT_##name, pin_##name},
static const job_case cases[] = {JOB_CASES(CASE_ROW)};
#define N_CASES (sizeof cases / sizeof cases[0])

/* ---- byte-identical answers ---------------------------------------------------------------- */

static void first_difference(const char *name, const char *got, const char *want)
{
    size_t i = 0;
    while (got[i] && got[i] == want[i])
        i++;
    size_t from = i > 120 ? i - 120 : 0;
    fail_msg("%s: bodies differ at byte %zu\n got: ...%.240s\nwant: ...%.240s", name, i, got + from, want + from);
}

static void test_answers_are_pinned(void **state)
{
    (void)state;
    const char *record_path = getenv("GENAPI_JOBS_RECORD");
    FILE *record = record_path ? fopen(record_path, "w") : NULL;
    if (record_path && record == NULL)
        fail_msg("cannot write %s", record_path);
    for (size_t i = 0; i < N_CASES; i++) {
        const job_case *c = &cases[i];
        int status;
        const char *ct;
        char *got = handle(c->path, c->body, &status, &ct);
        if (record) {
            print_pin(record, c->name, status, ct ? ct : "", got);
        } else {
            if (status != c->status || strcmp(ct ? ct : "", c->content_type) != 0)
                fail_msg("%s: %d %s, want %d %s", c->name, status, ct ? ct : "", c->status, c->content_type);
            char *want = join(c->pin);
            if (strcmp(got, want) != 0)
                first_difference(c->name, got, want);
            free(want);
        }
        free(got);
    }
    if (record)
        fclose(record);
}

/* ---- jobs stepped by hand ------------------------------------------------------------------ */

/* A request run as the server runs it: gs_begin, then gs_job_step with gs_job_take after every
 * step. */
typedef struct stepped {
    char *body;            /* everything taken, normalised */
    int status;
    const char *content_type;
    int job;               /* gs_begin handed back a job */
    int head_at_once;      /* its head was final before the first step */
    size_t bytes_at_once;  /* output ready before the first step */
    size_t steps;          /* steps to the end */
    size_t first_content;  /* steps after which a content chunk could be taken (0: never) */
    int done_then;         /* the job was already done at that point */
    int tail_then;         /* [DONE] had already been written at that point */
} stepped;

/* 1 when an event of a stream carries generated text (not a role chunk, not the usage chunk). */
static int has_content(const char *event, size_t len)
{
    if (len < 6 || memcmp(event, "data: {", 7) != 0)
        return 0;
    json_object *o = json_tokener_parse(event + 6), *choices, *delta, *text;
    int found = 0;
    if (o && json_object_object_get_ex(o, "choices", &choices))
        for (size_t i = 0; i < json_object_array_length(choices); i++) {
            json_object *c = json_object_array_get_idx(choices, i);
            if (json_object_object_get_ex(c, "delta", &delta) && json_object_object_get_ex(delta, "content", &text) &&
                json_object_get_string_len(text) > 0)
                found = 1;
            if (json_object_object_get_ex(c, "text", &text) && json_object_get_string_len(text) > 0)
                found = 1;
        }
    json_object_put(o);
    return found;
}

static stepped run_stepped(const char *path, const char *body)
{
    stepped out;
    memset(&out, 0, sizeof out);
    genapi_http_request req = {"POST", path, NULL, "application/json", body, strlen(body)};
    genapi_http_response r;
    gs_job *job = NULL;
    assert_int_equal(gs_begin(backend, &req, &r, &job), GENAPI_OK);
    if (job == NULL) {
        out.status = r.status;
        out.content_type = r.content_type;
        out.body = normalise(r.body ? r.body : "", r.body_len);
        genapi_http_response_release(backend, &r);
        return out;
    }
    out.job = 1;
    out.head_at_once = gs_job_head_ready(job);
    out.bytes_at_once = gs_job_available(job);
    size_t len = 0, scanned = 0, cap = 1024;
    char *all = malloc(cap);
    assert_non_null(all);
    while (!gs_job_done(job)) {
        gs_job_step(job);
        out.steps++;
        assert_true(out.steps < 100000);
        size_t n;
        const char *p = gs_job_take(job, &n);
        if (len + n + 1 > cap) {
            while (len + n + 1 > cap)
                cap *= 2;
            all = realloc(all, cap);
            assert_non_null(all);
        }
        memcpy(all + len, p, n);
        len += n;
        all[len] = '\0';
        /* Whole events taken so far. */
        for (const char *end; out.first_content == 0 && (end = strstr(all + scanned, "\n\n")) != NULL;) {
            size_t ev = (size_t)(end - (all + scanned));
            char *copy = malloc(ev + 1);
            assert_non_null(copy);
            memcpy(copy, all + scanned, ev);
            copy[ev] = '\0';
            if (has_content(copy, ev)) {
                out.first_content = out.steps;
                out.done_then = gs_job_done(job);
                out.tail_then = strstr(all, "data: [DONE]") != NULL;
            }
            free(copy);
            scanned += ev + 2;
        }
    }
    assert_true(gs_job_head_ready(job));
    out.status = job->status;
    out.content_type = job->content_type;
    size_t rest;
    gs_job_take(job, &rest);
    assert_int_equal(rest, 0);
    gs_job_free(job);
    out.body = normalise(all, len);
    free(all);
    return out;
}

/* A stream answered chunk by chunk (not best_of > n, not beam search). */
static int incremental_stream(const job_case *c)
{
    return strstr(c->body, STREAM) && !strstr(c->body, "best_of") && !strstr(c->body, "use_beam_search") &&
           c->status == 200;
}

/* Stepping a job by hand gives the same bytes as genapi_backend_handle; an incremental stream
 * has its head (200 text/event-stream) before the first step, a whole answer only at the end. */
static void test_stepped_jobs_give_the_pinned_bytes(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_CASES; i++) {
        const job_case *c = &cases[i];
        stepped s = run_stepped(c->path, c->body);
        if (s.status != c->status || strcmp(s.content_type ? s.content_type : "", c->content_type) != 0)
            fail_msg("%s: %d %s, want %d %s", c->name, s.status, s.content_type ? s.content_type : "", c->status,
                     c->content_type);
        char *want = join(c->pin);
        if (strcmp(s.body, want) != 0)
            first_difference(c->name, s.body, want);
        free(want);
        if (s.job && incremental_stream(c) != s.head_at_once)
            fail_msg("%s: head %s the first step", c->name, s.head_at_once ? "before" : "only after");
        /* A chat stream's role chunks are there at once; other jobs have nothing before a step. */
        int roles = s.job && incremental_stream(c) && strcmp(c->path, CHAT_PATH) == 0;
        if (roles != (s.bytes_at_once > 0))
            fail_msg("%s: %zu bytes before the first step", c->name, s.bytes_at_once);
        free(s.body);
    }
}

/* Streams hand out their first content chunk after the first few steps, long before the end:
 * plain sampling, several prompts, stop strings (tokens held until no stop string can cut
 * them), a guided constraint (a token's chunk waits for the next token). */
static void test_first_content_comes_early(void **state)
{
    (void)state;
    static const struct {
        const char *path, *body;
        size_t within; /* steps */
    } reqs[] = {
        {CHAT_PATH, CHAT ",\"max_tokens\":32" STREAM "}", 1},
        {CHAT_PATH, CHAT ",\"max_tokens\":32,\"n\":3,\"logprobs\":true,\"top_logprobs\":1" STREAM "}", 1},
        {CMPL_PATH, TWO ",\"max_tokens\":32,\"n\":2,\"echo\":true" STREAM "}", 1},
        {CMPL_PATH, CMPL ",\"max_tokens\":32,\"stop\":[\"xyzzy\"]" STREAM "}", 4},
        {CHAT_PATH, CHAT ",\"max_tokens\":32,\"guided_regex\":\"[a-z ]{20,}\"" STREAM "}", 2},
    };
    for (size_t i = 0; i < sizeof reqs / sizeof reqs[0]; i++) {
        stepped s = run_stepped(reqs[i].path, reqs[i].body);
        assert_int_equal(s.status, 200);
        assert_true(s.head_at_once);
        if (s.first_content == 0)
            fail_msg("%s: no content chunk", reqs[i].body);
        /* These rely on the engine generating token by token (gx_gen_step making one token of
         * each choice): an engine that generates everything in its first step fails them. */
        if (s.first_content > reqs[i].within || s.done_then || s.tail_then)
            fail_msg("%s: first content after step %zu of %zu (want within %zu)%s%s", reqs[i].body, s.first_content,
                     s.steps, reqs[i].within, s.done_then ? ", job already done" : "",
                     s.tail_then ? ", [DONE] already written" : "");
        assert_true(s.steps > s.first_content + 8);
        free(s.body);
    }
}

/* A job freed at any step (a cancel, a client gone) leaves nothing allocated through the
 * backend's hooks (and, under the sanitizers, nothing at all). */
static void test_freed_jobs_leave_nothing(void **state)
{
    (void)state;
    static const struct {
        const char *path, *body;
    } reqs[] = {
        {CHAT_PATH, CHAT ",\"max_tokens\":24,\"n\":3,\"stop\":[\"ycle\",\"long is\"],\"logprobs\":true" STREAM "}"},
        {CHAT_PATH, CHAT ",\"max_tokens\":24,\"n\":2,\"prompt_logprobs\":2,\"logprobs\":true}"},
        {CHAT_PATH, CHAT ",\"max_tokens\":12,\"best_of\":3" STREAM "}"},
        {CHAT_PATH, CHAT ",\"max_tokens\":12,\"n\":2,\"use_beam_search\":true" STREAM "}"},
        {CHAT_PATH, CHAT ",\"max_tokens\":24,\"n\":2,\"guided_regex\":\"(yes|no), [a-z]+ [a-z]+\"" STREAM "}"},
        {CMPL_PATH, TWO ",\"max_tokens\":24,\"n\":2,\"echo\":true,\"logprobs\":2,\"stream_options\":{}" STREAM "}"},
        {CMPL_PATH, TWO ",\"max_tokens\":48,\"guided_regex\":\"[a-z ]{30,40}\"" STREAM "}"},
        {CMPL_PATH, TWO ",\"max_tokens\":24,\"n\":2,\"echo\":true,\"logprobs\":1}"},
        {CMPL_PATH, CMPL ",\"max_tokens\":24,\"output_kind\":\"final_only\",\"n\":2" STREAM "}"},
    };
    static const size_t stops[] = {0, 1, 2, 3, 7, 1000};
    for (size_t i = 0; i < sizeof reqs / sizeof reqs[0]; i++)
        for (size_t k = 0; k < sizeof stops / sizeof stops[0]; k++) {
            long before = live_blocks.live;
            genapi_http_request req = {"POST", reqs[i].path, NULL, "application/json", reqs[i].body,
                                       strlen(reqs[i].body)};
            genapi_http_response r;
            gs_job *job = NULL;
            assert_int_equal(gs_begin(backend, &req, &r, &job), GENAPI_OK);
            assert_non_null(job);
            for (size_t s = 0; s < stops[k] && !gs_job_done(job); s++) {
                gs_job_step(job);
                if (s % 2)
                    (void)gs_job_available(job);
                else {
                    size_t n;
                    (void)gs_job_take(job, &n);
                }
            }
            if (stops[k] < 1000 && gs_job_done(job))
                fail_msg("%s: done after %zu steps", reqs[i].body, stops[k]); /* must be freed mid-generation */
            gs_job_free(job);
            if (live_blocks.live != before)
                fail_msg("%s freed after %zu steps: %ld blocks left", reqs[i].body, stops[k], live_blocks.live - before);
        }
}

/* An allocation that fails while a job runs ends it (an error answer, or an error event closing
 * a stream that began) and leaks nothing. */
static void test_allocation_failures_end_jobs(void **state)
{
    (void)state;
    static const struct {
        const char *path, *body;
    } reqs[] = {
        {CHAT_PATH, CHAT ",\"max_tokens\":16,\"n\":2,\"logprobs\":true,\"top_logprobs\":2" STREAM "}"},
        {CMPL_PATH, TWO ",\"max_tokens\":16,\"n\":2,\"echo\":true,\"logprobs\":1,\"stop\":[\"the\"]" STREAM "}"},
        {CHAT_PATH, CHAT ",\"max_tokens\":16,\"n\":2,\"logprobs\":true}"},
    };
    int error_events = 0, error_answers = 0;
    for (size_t i = 0; i < sizeof reqs / sizeof reqs[0]; i++)
        for (size_t at = 0; at < 6; at++)
            for (long in = 1; in <= 256; in *= 2) {
                long before = live_blocks.live;
                genapi_http_request req = {"POST", reqs[i].path, NULL, "application/json", reqs[i].body,
                                           strlen(reqs[i].body)};
                genapi_http_response r;
                gs_job *job = NULL;
                assert_int_equal(gs_begin(backend, &req, &r, &job), GENAPI_OK);
                assert_non_null(job);
                size_t steps = 0;
                for (; steps < at && !gs_job_done(job); steps++)
                    gs_job_step(job);
                fa_fail_at(&live_blocks, in - 1); /* the allocation `in` calls from now */
                for (; !gs_job_done(job); steps++) {
                    assert_true(steps < 10000);
                    gs_job_step(job);
                }
                fa_disarm(&live_blocks);
                size_t n;
                const char *out = gs_job_take(job, &n);
                assert_true(gs_job_head_ready(job));
                if (job->status == 200 && strcmp(job->content_type, "text/event-stream") == 0 && n > 0) {
                    const char *err = strstr(out, "data: {\"error\":");
                    if (err) {
                        error_events++;
                        assert_non_null(strstr(err, "\n\ndata: [DONE]\n\n"));
                    }
                } else if (job->status == 500) {
                    error_answers++;
                }
                gs_job_free(job);
                if (live_blocks.live != before)
                    fail_msg("%s, allocation %ld from step %zu failing: %ld blocks left", reqs[i].body, in, at,
                             live_blocks.live - before);
            }
    assert_true(error_events > 0);
    assert_true(error_answers > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_answers_are_pinned),
        cmocka_unit_test(test_stepped_jobs_give_the_pinned_bytes),
        cmocka_unit_test(test_first_content_comes_early),
        cmocka_unit_test(test_freed_jobs_leave_nothing),
        cmocka_unit_test(test_allocation_failures_end_jobs),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
