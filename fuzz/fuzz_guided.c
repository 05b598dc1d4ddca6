/* Fuzz target: the guided-decoding compilers (lib/engine/text/guided/), one target dispatching
 * on the first byte, then a walk of cursor steps over the compiled constraint.
 *
 * Input: byte 0 = compiler (byte % 4: 0 guided_regex, 1 JSON schema, 2 guided_choice with one
 * choice per line, 3 the any-JSON-object grammar of response_format json_object, which reads no
 * text and is compiled once per process), then the pattern / schema / choices up to the first NUL, then one byte per step: the
 * step takes the (byte)-th allowed token (modulo how many are allowed); bytes 0xF0 and above try
 * a token that is not allowed instead.
 *
 * The vocabulary is small and fixed: every single byte (incl. invalid UTF-8), a few dozen
 * multi-byte JSON and text pieces, a special token that is never allowed and EOS.
 *
 * Checked: compilation succeeds, or fails naming the parameter with a message; gd_allowed's count
 * is the number of 1s of its mask; the special token is never allowed; EOS is allowed exactly
 * when the output is complete; an allowed token advances, a not allowed one is refused and
 * changes nothing; gd_min_remaining_after is SIZE_MAX exactly for tokens not allowed and 0 for
 * EOS when allowed; gd_min_remaining is 0 exactly when complete; a cursor walked beside the
 * constraint's own position answers the same at every step (guided.h: cursors). */
#include "engine/text/guided/guided.h"
#include "fuzz_common.h"

#define FZ_STEPS_MAX 48

static const char *const multi[] = {
    "true", "false", "null", "{\"", "\":", "\": \"", "\",", "\"}", "}", "{", "[", "]", "],", ", ", "  ", "\n",
    "abc", "hello", " world", "12", "0.5", "-1", "e+", "1e3", "\\\"", "\\u00", "é", "\xe2\x82", "\xac", "😀",
    "\"name\"", "\"type\"", "\"a\"", "yes", "no", "aa", "ab", "ba", "...", "\t", "0", "00"};
#define N_MULTI (sizeof multi / sizeof multi[0])
#define N_VOCAB (256 + N_MULTI + 2)
#define TOK_SPECIAL ((int32_t)(256 + N_MULTI))
#define TOK_EOS ((int32_t)(256 + N_MULTI + 1))

static const gd_vocab *vocab(void)
{
    static char bytes[256];
    static const char *piece[N_VOCAB];
    static size_t piece_len[N_VOCAB];
    static uint8_t special[N_VOCAB];
    static gd_vocab v;
    if (v.n == 0) {
        for (int i = 0; i < 256; i++) {
            bytes[i] = (char)i;
            piece[i] = &bytes[i];
            piece_len[i] = 1;
        }
        for (size_t i = 0; i < N_MULTI; i++) {
            piece[256 + i] = multi[i];
            piece_len[256 + i] = strlen(multi[i]);
        }
        piece[TOK_SPECIAL] = "<|special|>";
        piece_len[TOK_SPECIAL] = strlen(piece[TOK_SPECIAL]);
        special[TOK_SPECIAL] = 1;
        piece[TOK_EOS] = "<|eos|>";
        piece_len[TOK_EOS] = strlen(piece[TOK_EOS]);
        special[TOK_EOS] = 1;
        v = (gd_vocab){N_VOCAB, piece, piece_len, special, TOK_EOS};
    }
    return &v;
}

static size_t count_ones(const uint8_t *mask)
{
    size_t n = 0;
    for (size_t i = 0; i < N_VOCAB; i++) {
        FZ_CHECK(mask[i] == 0 || mask[i] == 1);
        n += mask[i];
    }
    return n;
}

static gd_constraint *json_object_c; /* the json_object grammar, compiled once */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_touch();
    const gd_vocab *v = vocab();
    fz_input in = {data, size};
    unsigned which = fz_byte(&in) % 4u;
    const char *text_start = (const char *)in.p;
    const uint8_t *nul = memchr(in.p, 0, in.n);
    size_t text_len = nul ? (size_t)(nul - in.p) : in.n;
    char *text = malloc(text_len + 1);
    if (text == NULL)
        return 0;
    memcpy(text, text_start, text_len);
    text[text_len] = '\0';
    in.p += text_len;
    in.n -= text_len;
    fz_byte(&in); /* the NUL */

    genapi_error err;
    genapi_error_clear(&err);
    gd_constraint *c = NULL;
    const char *param = "guided_regex";
    if (which == 0) {
        c = gd_compile_regex(NULL, v, text, param, &err);
    } else if (which == 1) {
        param = "guided_json";
        c = gd_compile_json_schema(NULL, v, text, param, &err);
    } else if (which == 2) {
        param = "guided_choice";
        const char *choices[16];
        size_t n = 0;
        for (char *p = text; n < 16;) {
            choices[n++] = p;
            char *lf = strchr(p, '\n');
            if (lf == NULL)
                break;
            *lf = '\0';
            p = lf + 1;
        }
        c = gd_compile_choice(NULL, v, choices, n, param, &err);
    } else {
        /* The grammar reads no text and costs about 80 ms to compile under the sanitizers: it is
         * compiled once and reused (gd_reset, as for the n choices of a request), and compiled
         * again when its life's work budget is spent. */
        param = "response_format";
        if (json_object_c != NULL && gd_status(json_object_c, NULL) != GENAPI_OK) {
            gd_free(json_object_c);
            json_object_c = NULL;
        }
        if (json_object_c == NULL)
            json_object_c = gd_compile_json_object(NULL, v, param, &err);
        c = json_object_c;
        FZ_CHECK(c != NULL);
    }
    if (c == NULL) {
        FZ_CHECK(err.status < 0);
        FZ_CHECK(strcmp(err.param, param) == 0);
        FZ_CHECK(err.message[0] != '\0');
        free(text);
        return 0;
    }

    uint8_t mask[N_VOCAB], cmask[N_VOCAB];
    gd_cursor cur;
    gd_cursor_start(c, &cur);
    gd_reset(c);
    int finished = 0; /* EOS was accepted */
    for (int step = 0; step <= FZ_STEPS_MAX; step++) {
        int healthy = gd_status(c, NULL) == GENAPI_OK;
        size_t allowed = gd_allowed(c, mask);
        size_t callowed = gd_cursor_allowed(c, &cur, cmask);
        healthy = healthy && gd_status(c, NULL) == GENAPI_OK;
        FZ_CHECK(allowed == count_ones(mask));
        FZ_CHECK(allowed == callowed && memcmp(mask, cmask, N_VOCAB) == 0);
        FZ_CHECK(mask[TOK_SPECIAL] == 0);
        int complete = gd_complete(c);
        FZ_CHECK(complete == gd_cursor_complete(c, &cur));
        size_t rem = gd_min_remaining(c);
        FZ_CHECK(rem == gd_cursor_min_remaining(c, &cur));
        if (finished) {
            FZ_CHECK(allowed == 0 && complete == 1 && rem == 0);
        } else if (healthy) {
            FZ_CHECK(mask[TOK_EOS] == (uint8_t)complete);
            FZ_CHECK((rem == 0) == (complete != 0));
        }
        if (in.n == 0 || step == FZ_STEPS_MAX || allowed == 0)
            break;
        uint8_t pick = fz_byte(&in);
        if (pick >= 0xF0) {
            /* A token that is not allowed: refused, nothing changes. */
            for (int32_t t = (int32_t)(pick - 0xF0) * 17; t < (int32_t)N_VOCAB; t++) {
                if (mask[t])
                    continue;
                FZ_CHECK(gd_min_remaining_after(c, t) == SIZE_MAX);
                FZ_CHECK(gd_advance(c, t) == -1);
                FZ_CHECK(gd_cursor_advance(c, &cur, t) == -1);
                break;
            }
            continue;
        }
        size_t k = pick % allowed;
        int32_t tok = 0;
        for (int32_t t = 0; t < (int32_t)N_VOCAB; t++)
            if (mask[t] && k-- == 0) {
                tok = t;
                break;
            }
        size_t after = gd_min_remaining_after(c, tok);
        FZ_CHECK(after == gd_cursor_min_remaining_after(c, &cur, tok));
        if (healthy)
            FZ_CHECK(after != SIZE_MAX);
        if (tok == TOK_EOS)
            FZ_CHECK(after == 0);
        int adv = gd_advance(c, tok);
        FZ_CHECK(adv == gd_cursor_advance(c, &cur, tok));
        if (healthy)
            FZ_CHECK(adv == 0);
        if (adv == 0 && tok == TOK_EOS)
            finished = 1;
    }
    gd_stats stats;
    gd_get_stats(c, &stats);
    if (c != json_object_c)
        gd_free(c);
    free(text);
    return 0;
}
