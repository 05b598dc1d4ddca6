/**
 * @file text_params.h
 * @brief The text-generation parameter table and the typed struct derived from it.
 *
 * ::GENAPI_TEXT_PARAMS is the one declaration of every text-generation parameter of the
 * hosted API (the 75 rows of its Text Generation table, plus the request-level names the
 * Aphrodite and vLLM servers take for three of them). Each row reads
 *
 *     X(name, kind, range_flags, min, max, choices, default, servers, doc)
 *
 * and is expanded into the ::genapi_text_params struct field `name`, its descriptor
 * (genapi_text_param_table()), client-side validation, JSON serialization, the reference
 * server's request parsing, the generated page `doc/params-text.md` and the Python binding.
 *
 * Unset and zero differ: only parameters marked set (GENAPI_TEXT_SET(), or
 * genapi_text_params_set_text()) are validated and sent, so the server's own defaults apply
 * to everything else.
 */
#ifndef GENAPI_TEXT_PARAMS_H
#define GENAPI_TEXT_PARAMS_H

#include "params.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @cond INTERNAL */
#define GENAPI_S_ALL GENAPI_SERVER_ALL
#define GENAPI_S_APH (GENAPI_SERVER_APHRODITE | GENAPI_SERVER_HOSTED)
#define GENAPI_S_AV (GENAPI_SERVER_APHRODITE | GENAPI_SERVER_VLLM | GENAPI_SERVER_HOSTED)
#define GENAPI_S_HOST GENAPI_SERVER_HOSTED
/** @endcond */

/**
 * @brief The text-generation parameter table (X-macro). See the file comment for the columns.
 */
#define GENAPI_TEXT_PARAMS(X) \
    X(model, STRING, GENAPI_R_REQ | GENAPI_R_NE, 0, 0, NULL, "(required)", GENAPI_S_ALL, \
      "The chosen model to use for generation.") \
    X(multi_models, STRLIST, GENAPI_R_NE | GENAPI_R_IT, 0, 0, NULL, "none", GENAPI_S_HOST, \
      "List of models to use for generation; one is chosen at random for the request.") \
    X(multiplier, DOUBLE, 0, 0, 0, "0.5|1|2|4", "1", GENAPI_S_HOST, \
      "Multiplier for a finetuned model's LoRA alpha value: 0.5, 1, 2 or 4.") \
    X(n, INT, GENAPI_R_GE, 1, 0, NULL, "1", GENAPI_S_ALL, \
      "Number of output sequences to return for the given prompt.") \
    X(min_tokens, INT, GENAPI_R_GE, 0, 0, NULL, "0", GENAPI_S_ALL, \
      "Minimum number of tokens to generate per output before EOS or stop tokens may end it; at most max_tokens.") \
    X(presence_penalty, DOUBLE, GENAPI_R_GE | GENAPI_R_LE, -2, 2, NULL, "0", GENAPI_S_ALL, \
      "Subtracted from the logit of every token already present in the generated text.") \
    X(frequency_penalty, DOUBLE, GENAPI_R_GE | GENAPI_R_LE, -2, 2, NULL, "0", GENAPI_S_ALL, \
      "Subtracted from a token's logit once per occurrence in the generated text.") \
    X(repetition_penalty, DOUBLE, GENAPI_R_GE, 1, 0, NULL, "1", GENAPI_S_ALL, \
      "Multiplicative penalty on tokens of the prompt and output (logit/p if positive, logit*p if not); 1 disables.") \
    X(no_repeat_ngram_size, INT, GENAPI_R_GE, 0, 0, NULL, "0", GENAPI_S_APH, \
      "Size of n-grams that may not repeat; 0 disables, 1 forbids any token twice.") \
    X(temperature, DOUBLE, GENAPI_R_GE, 0, 0, NULL, "1 (chat: 0.7)", GENAPI_S_ALL, \
      "Randomness of sampling: logits are divided by it; 0 means greedy.") \
    X(top_p, DOUBLE, GENAPI_R_GT | GENAPI_R_LE, 0, 1, NULL, "1", GENAPI_S_ALL, \
      "Keep the smallest set of top tokens whose cumulative probability reaches top_p; 1 disables.") \
    X(top_k, INT, GENAPI_R_GE, -1, 0, NULL, "-1", GENAPI_S_ALL, \
      "Keep only the top_k most likely tokens; -1 or 0 disables.") \
    X(top_a, DOUBLE, GENAPI_R_GE, 0, 0, NULL, "0", GENAPI_S_APH, \
      "Remove tokens with probability below top_a * max_prob^2; 0 disables.") \
    X(min_p, DOUBLE, GENAPI_R_GE | GENAPI_R_LE, 0, 1, NULL, "0", GENAPI_S_ALL, \
      "Remove tokens with probability below min_p * max_prob; 0 disables.") \
    X(tfs, DOUBLE, GENAPI_R_GT | GENAPI_R_LE, 0, 1, NULL, "1", GENAPI_S_APH, \
      "Tail-free sampling: cumulative curvature of the distribution to keep; 1 disables.") \
    X(eta_cutoff, DOUBLE, GENAPI_R_GE, 0, 0, NULL, "0", GENAPI_S_APH, \
      "Eta sampling: remove tokens below min(eta, sqrt(eta)*exp(-entropy)); 0 disables.") \
    X(epsilon_cutoff, DOUBLE, GENAPI_R_GE | GENAPI_R_LE, 0, 1000, NULL, "0", GENAPI_S_APH, \
      "Epsilon sampling: remove tokens whose probability is below this threshold; 0 disables.") \
    X(typical_p, DOUBLE, GENAPI_R_GE | GENAPI_R_LE, 0, 1, NULL, "1", GENAPI_S_APH, \
      "Locally typical sampling: cumulative probability of tokens closest to the expected surprise; 1 disables.") \
    X(dynatemp_min, DOUBLE, GENAPI_R_GE, 0, 0, NULL, "0", GENAPI_S_APH, \
      "Minimum temperature of dynamic (entropy-scaled) temperature.") \
    X(dynatemp_max, DOUBLE, GENAPI_R_GE, 0, 0, NULL, "0", GENAPI_S_APH, \
      "Maximum temperature of dynamic (entropy-scaled) temperature.") \
    X(dynatemp_exponent, DOUBLE, GENAPI_R_GE, 0, 0, NULL, "1", GENAPI_S_APH, \
      "Exponent applied to the normalised entropy in dynamic temperature.") \
    X(smoothing_factor, DOUBLE, 0, 0, 0, NULL, "0", GENAPI_S_APH, \
      "Quadratic sampling factor: logit = max - factor*(logit-max)^2; 0 disables.") \
    X(smoothing_curve, DOUBLE, 0, 0, 0, NULL, "1", GENAPI_S_APH, \
      "Cubic term of quadratic sampling; 1 gives the pure quadratic curve.") \
    X(seed, INT, 0, 0, 0, NULL, "none (-1)", GENAPI_S_ALL, \
      "Random seed of the generation; -1 means none.") \
    X(length_penalty, DOUBLE, 0, 0, 0, NULL, "1", GENAPI_S_APH, \
      "Beam search score is cum_logprob / length^length_penalty; must stay 1 without beam search.") \
    X(stop, STRLIST, GENAPI_R_IT, 0, 0, NULL, "[]", GENAPI_S_ALL, \
      "Strings that end the generation when produced; they are not returned unless include_stop_str_in_output.") \
    X(stop_token_ids, INTLIST, GENAPI_R_IT | GENAPI_R_GE, 0, 0, NULL, "[]", GENAPI_S_ALL, \
      "Token ids that end the generation when produced.") \
    X(include_stop_str_in_output, BOOL, 0, 0, 0, NULL, "false", GENAPI_S_ALL, \
      "Whether the stop string that ended the output is kept in the text.") \
    X(ignore_eos, BOOL, 0, 0, 0, NULL, "false", GENAPI_S_ALL, \
      "Keep generating after the EOS token.") \
    X(max_tokens, INT, GENAPI_R_GE, 1, 0, NULL, "16 (chat: fill context)", GENAPI_S_ALL, \
      "Maximum number of tokens to generate per output sequence.") \
    X(logprobs, INT, GENAPI_R_GE | GENAPI_R_LE, 0, 20, NULL, "none", GENAPI_S_ALL, \
      "Number of top log probabilities returned per output token (chat: sent as logprobs=true, top_logprobs=N).") \
    X(prompt_logprobs, INT, GENAPI_R_GE | GENAPI_R_LE, -1, 20, NULL, "none", GENAPI_S_ALL, \
      "Number of log probabilities returned per prompt token; -1 for the whole vocabulary.") \
    X(detokenize, BOOL, 0, 0, 0, NULL, "true", GENAPI_S_HOST, \
      "Whether to detokenize the output. An engine field that Aphrodite and vLLM do not read from requests.") \
    X(skip_special_tokens, BOOL, 0, 0, 0, NULL, "true", GENAPI_S_ALL, \
      "Whether special tokens are left out of the output text.") \
    X(spaces_between_special_tokens, BOOL, 0, 0, 0, NULL, "true", GENAPI_S_ALL, \
      "Whether spaces separate adjacent special tokens in the output text.") \
    X(logits_processors, JSON, 0, 0, 0, NULL, "none", GENAPI_S_AV, \
      "JSON array of logits processor names or {qualname,args,kwargs} objects (server must allow them).") \
    X(logit_bias, BIAS, GENAPI_R_GE | GENAPI_R_LE, -100, 100, NULL, "none", GENAPI_S_ALL, \
      "Map of token id to a bias in [-100, 100] added to its logit.") \
    X(truncate_prompt_tokens, INT, GENAPI_R_GE | GENAPI_R_NZ, -1, 0, NULL, "none", GENAPI_S_ALL, \
      "Keep only the last k prompt tokens (k >= 1), or -1 for the model's context length.") \
    X(xtc_threshold, DOUBLE, GENAPI_R_GE, 0, 0, NULL, "0.1", GENAPI_S_APH, \
      "XTC: tokens at or above this probability are candidates for removal (all but the least likely).") \
    X(xtc_probability, DOUBLE, GENAPI_R_GE | GENAPI_R_LE, 0, 1, NULL, "0", GENAPI_S_APH, \
      "XTC: probability that the removal happens at a step; 0 disables.") \
    X(guided_json, JSON, 0, 0, 0, NULL, "none", GENAPI_S_AV, \
      "JSON schema the output must follow, as JSON text (an object, or a string holding one).") \
    X(guided_regex, STRING, 0, 0, 0, NULL, "none", GENAPI_S_AV, \
      "Regular expression the output must match.") \
    X(guided_choice, STRLIST, GENAPI_R_NE, 0, 0, NULL, "none", GENAPI_S_AV, \
      "The output will be exactly one of these strings.") \
    X(guided_decoding_backend, ENUM, 0, 0, 0, "outlines|lm-format-enforcer|xgrammar|guidance|auto", "server setting", GENAPI_S_AV, \
      "Guided decoding backend for this request.") \
    X(guided_whitespace_pattern, STRING, 0, 0, 0, NULL, "none", GENAPI_S_AV, \
      "Whitespace pattern allowed between JSON tokens in guided JSON decoding.") \
    X(nsigma, DOUBLE, GENAPI_R_GE, 0, 0, NULL, "0", GENAPI_S_APH, \
      "Top-n-sigma: remove tokens whose logit is below max - nsigma * std; 0 disables.") \
    X(dry_multiplier, DOUBLE, GENAPI_R_GE, 0, 0, NULL, "0", GENAPI_S_APH, \
      "Magnitude of the DRY repetition penalty; 0 disables DRY.") \
    X(dry_base, DOUBLE, GENAPI_R_GT, 1, 0, NULL, "1.75", GENAPI_S_APH, \
      "Base of the exponential growth of the DRY penalty; must be greater than 1.") \
    X(dry_allowed_length, INT, GENAPI_R_GE, 0, 0, NULL, "2", GENAPI_S_APH, \
      "Longest repeated sequence that DRY does not penalise.") \
    X(dry_sequence_breaker_ids, INTLIST, GENAPI_R_IT | GENAPI_R_GE, 0, 0, NULL, "none", GENAPI_S_HOST, \
      "Token ids that break DRY's repetition matching. Aphrodite reads dry_sequence_breakers instead.") \
    X(dry_range, INT, GENAPI_R_GE, 0, 0, NULL, "0 (whole context)", GENAPI_S_APH, \
      "Number of most recent tokens (prompt and output) DRY looks at; 0 means all.") \
    X(skew, DOUBLE, GENAPI_R_GE, 0, 0, NULL, "0", GENAPI_S_APH, \
      "Skew the distribution toward more probable tokens (cdf^exp(skew)); 0 disables.") \
    X(sampler_priority, SAMPLERS, GENAPI_R_IT | GENAPI_R_GE | GENAPI_R_LE, 0, 13, NULL, "default order", GENAPI_S_APH, \
      "Order of the 14 samplers, by id or name; must list every sampler.") \
    X(allowed_token_ids, INTLIST, GENAPI_R_NE | GENAPI_R_IT | GENAPI_R_GE, 0, 0, NULL, "none", GENAPI_S_ALL, \
      "Only these token ids may be generated.") \
    X(bad_words, STRLIST, GENAPI_R_IT, 0, 0, NULL, "[]", GENAPI_S_AV, \
      "Words that may not be generated.") \
    X(banned_phrases_token_ids, INTLISTS, GENAPI_R_IT | GENAPI_R_GE, 0, 0, NULL, "none", GENAPI_S_HOST, \
      "Token sequences that may not be generated. Aphrodite reads banned_phrases instead.") \
    X(best_of, INT, GENAPI_R_GE, 1, 0, NULL, "n", GENAPI_S_ALL, \
      "Number of sequences generated, of which the best n are returned; at least n.") \
    X(custom_token_bans, INTLIST, GENAPI_R_IT | GENAPI_R_GE, 0, 0, NULL, "none", GENAPI_S_APH, \
      "Token ids that may never be generated.") \
    X(deepconf_threshold, DOUBLE, GENAPI_R_GE, 0, 0, NULL, "17", GENAPI_S_APH, \
      "DeepConf: stop when the windowed mean confidence falls below this.") \
    X(deepconf_window_size, INT, GENAPI_R_GE, 1, 0, NULL, "2048", GENAPI_S_APH, \
      "DeepConf: number of tokens in the confidence window.") \
    X(dry_early_exit_match_len, INT, GENAPI_R_GE, 0, 0, NULL, "8", GENAPI_S_APH, \
      "DRY stops searching once it finds a match this long.") \
    X(dry_max_ngram, INT, GENAPI_R_GE, 0, 0, NULL, "12", GENAPI_S_APH, \
      "Longest match DRY checks.") \
    X(dry_max_occurrences, INT, GENAPI_R_GE, 0, 0, NULL, "8", GENAPI_S_APH, \
      "How many earlier occurrences of the last token DRY analyses.") \
    X(early_stopping, ENUM, 0, 0, 0, "false|true|never", "false", GENAPI_S_APH, \
      "Beam search stopping condition: false, true or \"never\"; must stay false without beam search.") \
    X(enable_deepconf, BOOL, 0, 0, 0, NULL, "false", GENAPI_S_APH, \
      "Enable DeepConf confidence-based early stopping.") \
    X(extra_args, JSON, 0, 0, 0, NULL, "none", GENAPI_S_HOST, \
      "JSON object of extra engine arguments. Aphrodite reads aphrodite_xargs, vLLM vllm_xargs instead.") \
    X(guided_decoding, JSON, 0, 0, 0, NULL, "none", GENAPI_S_HOST, \
      "JSON object of guided decoding parameters (json, regex, choice, ...). Aphrodite and vLLM read structured_outputs instead.") \
    X(mirostat_eta, DOUBLE, GENAPI_R_GE, 0, 0, NULL, "0", GENAPI_S_APH, \
      "Mirostat v2 learning rate of the surprise target.") \
    X(mirostat_mode, INT, 0, 0, 0, "0|2", "0", GENAPI_S_APH, \
      "Mirostat: 0 (disabled) or 2 (Mirostat v2).") \
    X(mirostat_tau, DOUBLE, GENAPI_R_GE, 0, 0, NULL, "0", GENAPI_S_APH, \
      "Mirostat v2 target surprise (bits).") \
    X(output_kind, ENUM, 0, 0, 0, "cumulative|delta|final_only", "final_only (stream: delta)", GENAPI_S_HOST, \
      "Kind of output: cumulative, delta or final_only. Aphrodite and vLLM set it themselves (delta when streaming).") \
    X(structured_outputs, JSON, 0, 0, 0, NULL, "none", GENAPI_S_AV, \
      "JSON object configuring structured outputs (json, regex, choice, grammar, json_object...).") \
    X(temperature_last, BOOL, 0, 0, 0, NULL, "false", GENAPI_S_APH, \
      "Apply temperature after all other samplers.") \
    X(token_ban_ranges, BANRANGES, GENAPI_R_IT | GENAPI_R_GE, 0, 0, NULL, "none", GENAPI_S_APH, \
      "List of (tokens, start, length): ban tokens for output positions start..start+length-1.") \
    X(use_beam_search, BOOL, 0, 0, 0, NULL, "false", GENAPI_S_APH, \
      "Use beam search (beam width n) instead of sampling.") \
    X(dry_sequence_breakers, STRLIST, 0, 0, 0, NULL, "[\"\\n\", \":\", \"\\\"\", \"*\"]", GENAPI_S_APH, \
      "Request form of DRY breakers: strings, each mapped to the last token of encode(\"a\"+s).") \
    X(banned_phrases, STRLIST, GENAPI_R_IT, 0, 0, NULL, "none", GENAPI_S_APH, \
      "Request form of banned phrases: strings the server tokenizes into banned sequences.") \
    X(response_format, JSON, 0, 0, 0, NULL, "none", GENAPI_S_AV, \
      "JSON object {\"type\": \"text\"|\"json_object\"|\"json_schema\", ...}.")

/** @cond INTERNAL */
#define GENAPI_TEXT_X_ID(name, kind, fl, lo, hi, ch, def, srv, doc) GENAPI_TEXT_PARAM_##name,
#define GENAPI_TEXT_X_FIELD(name, kind, fl, lo, hi, ch, def, srv, doc) GENAPI_CTYPE_##kind name;
/** @endcond */

/** @brief Index of each text parameter in the table: `GENAPI_TEXT_PARAM_<name>`. */
typedef enum genapi_text_param_id {
    GENAPI_TEXT_PARAMS(GENAPI_TEXT_X_ID)
    GENAPI_TEXT_PARAM_COUNT /**< Number of text parameters. */
} genapi_text_param_id;

/** Number of 64-bit words in genapi_text_params::is_set. */
#define GENAPI_TEXT_SET_WORDS 2

/**
 * @brief Every text-generation parameter, typed. One field per row of ::GENAPI_TEXT_PARAMS,
 *        named as the row, in the same order.
 *
 * Initialise with genapi_text_params_init() (or ::GENAPI_TEXT_PARAMS_INIT), then set fields
 * with GENAPI_TEXT_SET() so they are marked as set. Pointers are borrowed (see params.h).
 */
typedef struct genapi_text_params {
    uint32_t struct_size;                      /**< sizeof(genapi_text_params), set by init. */
    uint32_t reserved;                         /**< Zero. */
    uint64_t is_set[GENAPI_TEXT_SET_WORDS];    /**< Bit `GENAPI_TEXT_PARAM_<name>` set = send it. */
    const genapi_allocator *allocator;         /**< Hooks for owned storage; NULL = malloc/free. Borrowed. */
    void *owned;                               /**< Storage of values set by set_text()/from_json(); internal. */
    GENAPI_TEXT_PARAMS(GENAPI_TEXT_X_FIELD)
} genapi_text_params;

/** Static initialiser equivalent to genapi_text_params_init(). */
#define GENAPI_TEXT_PARAMS_INIT GENAPI_SIZED_INIT(genapi_text_params)

/**
 * @brief Assign a field and mark it set, e.g. `GENAPI_TEXT_SET(&p, top_p, 0.9);`.
 */
#define GENAPI_TEXT_SET(params, field, value) \
    ((params)->field = (value), genapi_text_params_mark((params), GENAPI_TEXT_PARAM_##field, 1))

/**
 * @brief Zero a parameter struct and record its size. Nothing is set afterwards.
 * @param params Struct to initialise.
 * @param struct_size sizeof(genapi_text_params) as the caller knows it.
 * @return ::GENAPI_OK, or ::GENAPI_E_INVALID_ARG for NULL or an unknown size.
 */
GENAPI_EXPORT genapi_status genapi_text_params_init(genapi_text_params *params, size_t struct_size);

/**
 * @brief Mark a parameter set (sent) or unset (omitted) without touching its value.
 * @param params Parameter struct.
 * @param id Which parameter.
 * @param set Non-zero to mark set, zero to mark unset.
 */
GENAPI_EXPORT void genapi_text_params_mark(genapi_text_params *params, genapi_text_param_id id, int set);

/**
 * @brief Whether a parameter is marked set.
 * @param params Parameter struct.
 * @param id Which parameter.
 * @return 1 if set, 0 if not (or if params is NULL or id out of range).
 */
GENAPI_EXPORT int genapi_text_params_is_set(const genapi_text_params *params, genapi_text_param_id id);

/**
 * @brief Set a parameter by JSON name from text, as the CLI's `-p NAME=VALUE` does.
 *
 * Numbers, integers and booleans are parsed from their text ("0.9", "40", "true"); strings
 * are taken as they are; lists and objects are JSON ("[1,2]", "{\"42\": 5}"), and a
 * string list also accepts a single bare string. Sampler lists accept names or ids. The
 * value is copied into storage owned by `params` (released by genapi_text_params_clear()).
 * Range checks are not done here: see genapi_text_params_validate().
 *
 * @param params Initialised parameter struct.
 * @param name JSON name of the parameter.
 * @param value Text of the value.
 * @param err Filled on failure (unknown name, unparsable value); may be NULL.
 * @return ::GENAPI_OK, ::GENAPI_E_INVALID_ARG or ::GENAPI_E_NOMEM.
 */
GENAPI_EXPORT genapi_status genapi_text_params_set_text(genapi_text_params *params, const char *name,
                                                        const char *value, genapi_error *err);

/**
 * @brief Release storage made by genapi_text_params_set_text() and re-initialise the struct.
 * @param params Parameter struct; NULL is ignored.
 */
GENAPI_EXPORT void genapi_text_params_clear(genapi_text_params *params);

/**
 * @brief Check every set parameter against its range and the cross-parameter rules
 *        (min_tokens <= max_tokens, best_of >= n, a complete sampler_priority, …).
 * @param params Parameter struct.
 * @param err On failure: ::GENAPI_E_INVALID_ARG, genapi_error::param names the parameter
 *            and genapi_error::message states the allowed range. May be NULL.
 * @return ::GENAPI_OK or ::GENAPI_E_INVALID_ARG.
 */
GENAPI_EXPORT genapi_status genapi_text_params_validate(const genapi_text_params *params, genapi_error *err);

/**
 * @brief Serialize the set parameters as a JSON object (text).
 * @param params Parameter struct (validated first).
 * @param[out] json_out Receives a NUL-terminated string allocated with genapi_text_params::allocator;
 *                      free it with genapi_free() and the same allocator.
 * @param err Filled on failure; may be NULL.
 * @return ::GENAPI_OK, ::GENAPI_E_INVALID_ARG or ::GENAPI_E_NOMEM.
 */
GENAPI_EXPORT genapi_status genapi_text_params_to_json(const genapi_text_params *params, char **json_out,
                                                       genapi_error *err);

/**
 * @brief Parse a JSON request body into a parameter struct, as the reference server does.
 *
 * Recognised keys are parsed and marked set; unknown keys are ignored (as the real servers
 * do). Values are stored in memory owned by `params`: release with genapi_text_params_clear().
 * Ranges are not checked here: call genapi_text_params_validate().
 *
 * @param params Initialised, empty parameter struct.
 * @param json Request body text.
 * @param err On failure names the parameter whose value has the wrong type; may be NULL.
 * @return ::GENAPI_OK, ::GENAPI_E_INVALID_ARG (wrong type) or ::GENAPI_E_PARSE (not JSON).
 */
GENAPI_EXPORT genapi_status genapi_text_params_from_json(genapi_text_params *params, const char *json,
                                                         genapi_error *err);

/**
 * @brief The descriptor table of the text parameters.
 * @param[out] count Receives ::GENAPI_TEXT_PARAM_COUNT; may be NULL.
 * @return Static array of descriptors in table order; never free it.
 */
GENAPI_EXPORT const genapi_param_desc *genapi_text_param_table(size_t *count);

/**
 * @brief Find a text parameter descriptor by JSON name.
 * @param name JSON name, e.g. "top_p".
 * @return The descriptor, or NULL if there is no such parameter.
 */
GENAPI_EXPORT const genapi_param_desc *genapi_text_param_find(const char *name);

/**
 * @brief sizeof(genapi_text_params) as compiled into the library (for FFI layout checks).
 * @return The size in bytes.
 */
GENAPI_EXPORT size_t genapi_text_params_sizeof(void);


#ifdef __cplusplus
}
#endif
#endif
