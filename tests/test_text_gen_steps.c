/* Generation in bounded steps (lib/engine/text/gen.h): fixed requests give pinned results
 * (digests of tokens, text, finish fields, text ends and logprobs, recorded from the
 * generation loop before it was split into steps), stepping a generation and reading its
 * partial views after every step never changes a settled prefix and ends on the final
 * choices, each step evaluates the model at most once per running sequence, and stopping
 * after any number of steps leaks nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <genapi/genapi.h>

#include "engine/text/engine.h"
#include "engine/text/gen.h"
#include "engine/text/select.h"
#include "failing_alloc.h"

/* An engine over a counting allocator: every block the engine and the arena take is given back. */
typedef struct fixture {
    fa_counter count;
    ga_alloc alloc;
    gx_text_engine *e;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (f == NULL)
        return -1;
    f->alloc = (ga_alloc)FA_HOOKS(&f->count);
    f->e = gx_text_engine_new(&f->alloc);
    if (f->e == NULL)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    gx_text_engine_free(f->e);
    int leaked = f->count.live != 0;
    free(f);
    return leaked ? -1 : 0;
}

/* ---- the requests ------------------------------------------------------------------------ */
typedef struct gen_case {
    const char *name;
    const char *prompt; /* completion text, or the user message when chat is set */
    int chat;
    const char *params; /* JSON request body (sampling fields only) */
    int64_t top_logprobs;
    int adapter; /* 1: the reference LoRA adapter at multiplier 1 */
    int topic;   /* 1: topic marks from the prompt */
    uint64_t digest;
} gen_case;

#define RIVER "The river ran past the old mill, and the children"
#define GARDEN "In the garden the rain fell softly on the leaves while the old man"

static const gen_case cases[] = {
    {"n1", RIVER, 0, "{\"max_tokens\": 40, \"seed\": 7}", -1, 0, 0, 0x9f71e002b9779934u},
    {"default_max_tokens", GARDEN, 0, "{\"seed\": 7}", -1, 0, 0, 0xec68bbd078880703u},
    {"n4", RIVER, 0, "{\"n\": 4, \"max_tokens\": 30, \"seed\": 11, \"temperature\": 0.9}", -1, 0, 1, 0x83e7050529a79df7u},
    {"chat_n4", "Tell me about the sea.", 1, "{\"n\": 4, \"max_tokens\": 60, \"seed\": 5}", -1, 0, 1, 0xa2bba6d571567eb4u},
    {"stop", GARDEN, 0, "{\"n\": 4, \"max_tokens\": 60, \"seed\": 3, \"stop\": [\"the\", \"rain\"]}", -1, 0, 0, 0x46e4a42326526639u},
    {"stop_mid_token", GARDEN, 0, "{\"n\": 4, \"max_tokens\": 60, \"seed\": 3, \"stop\": [\"he r\", \"s o\"]}", 2, 0,
     0, 0x9d9a595e78fa8d7cu},
    {"stop_include", GARDEN, 0,
     "{\"n\": 2, \"max_tokens\": 60, \"seed\": 9, \"stop\": [\"and\"], \"include_stop_str_in_output\": true}", -1, 0,
     0, 0xfb07269f02778764u},
    {"logprobs_top5", RIVER, 0, "{\"n\": 2, \"max_tokens\": 25, \"seed\": 21}", 5, 0, 0, 0x2b4cceaa5eb8ecb5u},
    {"min_tokens", GARDEN, 0, "{\"n\": 2, \"max_tokens\": 50, \"seed\": 3, \"min_tokens\": 20, \"stop\": [\"the\"]}",
     0, 0, 0, 0x00ba6d0d8b6ad2abu},
    {"chat_min_tokens", "Say hello.", 1, "{\"n\": 2, \"max_tokens\": 80, \"seed\": 2, \"min_tokens\": 30}", -1, 0, 0,
     0xbdf7833627d2eecdu},
    {"ignore_eos", "Say hello.", 1, "{\"max_tokens\": 80, \"seed\": 2, \"ignore_eos\": true}", -1, 0, 0, 0x2e86fefe85a718ffu},
    {"stop_token_ids", RIVER, 0, "{\"n\": 3, \"max_tokens\": 40, \"seed\": 4, \"stop_token_ids\": [11, 12, 13]}", 1,
     0, 0, 0x4b6f1dd25cabae72u},
    {"penalties", RIVER, 0,
     "{\"n\": 3, \"max_tokens\": 40, \"seed\": 8, \"repetition_penalty\": 1.3, \"dry_multiplier\": 1.0, "
     "\"presence_penalty\": 0.5}",
     -1, 0, 0, 0x5f9ff31845e73616u},
    {"mirostat", RIVER, 0, "{\"n\": 3, \"max_tokens\": 40, \"seed\": 8, \"mirostat_mode\": 2, \"mirostat_tau\": 3.0}",
     -1, 0, 0, 0xa71edb395761db77u},
    {"guided_regex", "Name a colour and a number.", 1,
     "{\"n\": 3, \"max_tokens\": 40, \"seed\": 6, \"guided_regex\": \"[a-z]+ (river|sea) [0-9]{2,4}\"}", 3, 0, 0, 0x83b20466324231e6u},
    {"guided_tight", "Name a colour and a number.", 1,
     "{\"n\": 3, \"max_tokens\": 9, \"seed\": 6, \"guided_regex\": \"[a-z]+ (river|sea) [0-9]{2,4}\"}", 0, 0, 0, 0x937bd1145b2da21cu},
    {"guided_choice", "Pick one.", 1,
     "{\"n\": 3, \"max_tokens\": 20, \"seed\": 6, \"guided_choice\": [\"the river\", \"the sea\", \"a forest\"]}", -1,
     0, 0, 0x56a1a5a80b42aed1u},
    {"guided_json", "A person.", 1,
     "{\"n\": 2, \"max_tokens\": 120, \"seed\": 1, \"guided_json\": {\"type\": \"object\", \"properties\": "
     "{\"name\": {\"type\": \"string\", \"maxLength\": 8}, \"age\": {\"type\": \"integer\"}}, "
     "\"required\": [\"name\", \"age\"]}}",
     -1, 0, 0, 0x7c7ba698a855c605u},
    {"best_of", RIVER, 0, "{\"n\": 2, \"best_of\": 4, \"max_tokens\": 20, \"seed\": 13}", 2, 0, 0, 0x2c895859c53acb00u},
    {"best_of_stop", GARDEN, 0, "{\"n\": 1, \"best_of\": 3, \"max_tokens\": 30, \"seed\": 13, \"stop\": [\"rain\"]}",
     -1, 0, 0, 0x612e16476651f6f4u},
    {"beam", RIVER, 0, "{\"n\": 3, \"use_beam_search\": true, \"max_tokens\": 16, \"seed\": 1}", 0, 0, 0, 0x481abfe04557064fu},
    {"beam_chat", "Say hello.", 1,
     "{\"n\": 3, \"use_beam_search\": true, \"max_tokens\": 24, \"length_penalty\": 0.5, \"seed\": 1}", -1, 0, 0, 0x9610419590b617a1u},
    {"deepconf", RIVER, 0,
     "{\"n\": 2, \"max_tokens\": 60, \"seed\": 17, \"enable_deepconf\": true, \"deepconf_window_size\": 6, "
     "\"deepconf_threshold\": 3.5}",
     -1, 0, 0, 0x3577b00837356399u},
    {"adapter", GARDEN, 0, "{\"n\": 2, \"max_tokens\": 40, \"seed\": 19}", 1, 1, 1, 0xebf1b684586b74b9u},
    {"specials_shown", "Say hello.", 1,
     "{\"n\": 2, \"max_tokens\": 40, \"seed\": 2, \"ignore_eos\": true, \"skip_special_tokens\": false}", -1, 0, 0,
     0x19064531fccc5e69u},
};
#define N_CASES (sizeof cases / sizeof cases[0])

/* A prepared request: parameters, prompt ids, constraint, topic marks. */
typedef struct prepared {
    genapi_text_params p;
    int32_t *ids;
    size_t n_ids;
    uint8_t *topic;
    gd_constraint *guided;
    gx_gen_request req;
} prepared;

static void prepare(fixture *f, const gen_case *c, prepared *r)
{
    gx_text_engine *e = f->e;
    genapi_error err;
    memset(r, 0, sizeof *r);
    assert_int_equal(genapi_text_params_init(&r->p, sizeof r->p), GENAPI_OK);
    char body[1024];
    snprintf(body, sizeof body, "{\"model\": \"genapi-ref\", %s", c->params + 1);
    if (genapi_text_params_from_json(&r->p, body, &err) != GENAPI_OK ||
        genapi_text_params_validate(&r->p, &err) != GENAPI_OK)
        fail_msg("%s: %s", c->name, err.message);
    size_t cap = 0;
    if (c->chat) {
        gx_message m = {"user", c->prompt};
        assert_int_equal(gx_apply_chat_template(e, &m, 1, 1, &r->ids, &r->n_ids, &cap), 0);
    } else {
        assert_int_equal(gx_tokenize(e->tok, c->prompt, strlen(c->prompt), &r->ids, &r->n_ids, &cap), 0);
    }
    if (gx_check_request(e, &r->p, r->n_ids, &err) != GENAPI_OK)
        fail_msg("%s: %s", c->name, err.message);
    size_t vocab = gx_tokenizer_vocab_size(e->tok);
    if (c->topic) {
        r->topic = ga_calloc(&e->alloc, vocab, 1);
        assert_non_null(r->topic);
        gx_mark_topic(e, c->prompt, r->topic);
    }
    if (gx_guided_compile(e, &r->p, &r->guided, &err) != GENAPI_OK)
        fail_msg("%s: %s", c->name, err.message);
    int seeded = genapi_text_params_is_set(&r->p, GENAPI_TEXT_PARAM_seed);
    r->req = (gx_gen_request){r->ids,    r->n_ids,         &r->p, 16, r->topic, seeded ? (uint64_t)r->p.seed : 1234,
                              c->top_logprobs, 0, c->adapter ? gx_adapter_weights(e) : NULL, r->guided};
}

static void release(fixture *f, prepared *r)
{
    gd_free(r->guided);
    ga_free(&f->e->alloc, r->topic);
    ga_free(&f->e->alloc, r->ids);
    genapi_text_params_clear(&r->p);
}

/* ---- digests ------------------------------------------------------------------------------- */
typedef struct fnv {
    uint64_t h;
} fnv;

static void fnv_bytes(fnv *d, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        d->h ^= b[i];
        d->h *= 1099511628211u;
    }
}

static void fnv_u64(fnv *d, uint64_t v) { fnv_bytes(d, &v, sizeof v); }

static void fnv_str(fnv *d, const char *s)
{
    if (s == NULL) {
        fnv_u64(d, UINT64_MAX);
        return;
    }
    fnv_u64(d, strlen(s));
    fnv_bytes(d, s, strlen(s));
}

static void fnv_float(fnv *d, float x)
{
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    fnv_u64(d, u);
}

static void fnv_double(fnv *d, double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    fnv_u64(d, u);
}

static void digest_choice(fnv *d, const gx_choice *c)
{
    fnv_u64(d, c->n_tokens);
    for (size_t i = 0; i < c->n_tokens; i++)
        fnv_u64(d, (uint64_t)(int64_t)c->tokens[i]);
    fnv_u64(d, c->text_len);
    fnv_bytes(d, c->text, c->text_len);
    fnv_str(d, c->finish_reason);
    fnv_u64(d, (uint64_t)(int64_t)c->stop_kind);
    fnv_u64(d, (uint64_t)c->stop_token);
    fnv_str(d, c->stop_string);
    fnv_double(d, c->cum_logprob);
    for (size_t i = 0; c->text_ends && i < c->n_tokens; i++)
        fnv_u64(d, c->text_ends[i]);
    fnv_u64(d, c->logprobs != NULL);
    for (size_t i = 0; c->logprobs && i < c->n_tokens; i++) {
        const gx_logprob *l = &c->logprobs[i];
        fnv_u64(d, (uint64_t)(int64_t)l->id);
        fnv_float(d, l->logprob);
        fnv_u64(d, (uint64_t)l->rank);
        fnv_u64(d, l->n_top);
        for (size_t k = 0; k < l->n_top; k++) {
            fnv_u64(d, (uint64_t)(int64_t)l->top[k].id);
            fnv_float(d, l->top[k].logprob);
        }
    }
}

static uint64_t digest_choices(const gx_choice *cs, size_t n, int64_t completion_tokens)
{
    fnv d = {14695981039346656037u};
    fnv_u64(&d, n);
    fnv_u64(&d, (uint64_t)completion_tokens);
    for (size_t i = 0; i < n; i++)
        digest_choice(&d, &cs[i]);
    return d.h;
}

/* ---- pinned results ------------------------------------------------------------------------- */
static void test_pinned_results(void **state)
{
    fixture *f = *state;
    int print = getenv("GENAPI_PRINT_DIGESTS") != NULL;
    for (size_t k = 0; k < N_CASES; k++) {
        prepared r;
        prepare(f, &cases[k], &r);
        ga_arena ar;
        ga_arena_init(&ar, &f->e->alloc);
        gx_choice *cs = NULL;
        size_t n = 0;
        int64_t used = 0;
        genapi_error err;
        if (gx_generate_choices(f->e, &r.req, &ar, &cs, &n, &used, &err) != GENAPI_OK)
            fail_msg("%s: %s", cases[k].name, err.message);
        uint64_t h = digest_choices(cs, n, used);
        if (print) {
            printf("%-16s 0x%016llxu\n", cases[k].name, (unsigned long long)h);
            for (size_t i = 0; i < n; i++)
                printf("   [%zu] %zu tok %s kind %d '%s' | %s\n", i, cs[i].n_tokens, cs[i].finish_reason,
                       cs[i].stop_kind, cs[i].stop_string ? cs[i].stop_string : "", cs[i].text);
        } else if (h != cases[k].digest) {
            fail_msg("%s: digest 0x%016llx, pinned 0x%016llx", cases[k].name, (unsigned long long)h,
                     (unsigned long long)cases[k].digest);
        }
        ga_arena_free(&ar);
        release(f, &r);
    }
}

/* ---- stepping --------------------------------------------------------------------------- */

/* What a view showed as settled, to compare with every later view of the same choice. */
typedef struct seen {
    size_t settled;
    int finished;
    int32_t *tokens;
    size_t *ends;
    gx_logprob *lps;
    char *text;
    size_t text_len;
} seen;

static void seen_free(seen *w)
{
    free(w->tokens);
    free(w->ends);
    free(w->lps);
    free(w->text);
    memset(w, 0, sizeof *w);
}

static int same_logprob(const gx_logprob *a, const gx_logprob *b)
{
    if (a->id != b->id || memcmp(&a->logprob, &b->logprob, sizeof a->logprob) != 0 || a->rank != b->rank ||
        a->n_top != b->n_top)
        return 0;
    for (size_t k = 0; k < a->n_top; k++)
        if (a->top[k].id != b->top[k].id || memcmp(&a->top[k].logprob, &b->top[k].logprob, sizeof(float)) != 0)
            return 0;
    return 1;
}

/* The settled prefix recorded in w is still what v shows. */
static void check_prefix(const char *name, size_t i, const seen *w, const gx_choice *v)
{
    assert_true(v->n_tokens >= w->settled);
    for (size_t t = 0; t < w->settled; t++) {
        if (v->tokens[t] != w->tokens[t] || v->text_ends[t] != w->ends[t])
            fail_msg("%s: choice %zu token %zu changed after it was settled", name, i, t);
        if (w->lps && !same_logprob(&v->logprobs[t], &w->lps[t]))
            fail_msg("%s: choice %zu logprob %zu changed after it was settled", name, i, t);
    }
    assert_true(v->text_len >= w->text_len);
    if (w->text_len > 0)
        assert_memory_equal(v->text, w->text, w->text_len);
}

static void record(seen *w, const gx_choice *v, size_t settled, int finished)
{
    seen_free(w);
    w->settled = settled;
    w->finished = finished;
    w->tokens = malloc((settled + 1) * sizeof *w->tokens);
    w->ends = malloc((settled + 1) * sizeof *w->ends);
    w->lps = v->logprobs ? malloc((settled + 1) * sizeof *w->lps) : NULL;
    w->text_len = settled ? v->text_ends[settled - 1] : 0;
    w->text = malloc(w->text_len + 1);
    assert_true(w->tokens && w->ends && w->text && (!v->logprobs || w->lps));
    if (settled == 0)
        return;
    memcpy(w->tokens, v->tokens, settled * sizeof *w->tokens);
    memcpy(w->ends, v->text_ends, settled * sizeof *w->ends);
    if (w->lps)
        memcpy(w->lps, v->logprobs, settled * sizeof *w->lps); /* top arrays live in the arena */
    memcpy(w->text, v->text, w->text_len);
}

/* Step one case to the end, checking every view after every step; returns how many steps
 * left some settled tokens behind the generated ones. */
static size_t step_and_check(fixture *f, const gen_case *c)
{
    prepared r;
    prepare(f, c, &r);
    ga_arena ar;
    ga_arena_init(&ar, &f->e->alloc);
    genapi_error err;
    gx_gen *g = NULL;
    if (gx_gen_begin(f->e, &r.req, &ar, &g, &err) != GENAPI_OK)
        fail_msg("%s: %s", c->name, err.message);
    size_t n = gx_gen_choice_count(g);
    int incremental = gx_gen_incremental(g);
    int beam = genapi_text_params_is_set(&r.p, GENAPI_TEXT_PARAM_use_beam_search) && r.p.use_beam_search;
    int best_of = genapi_text_params_is_set(&r.p, GENAPI_TEXT_PARAM_best_of) && (size_t)r.p.best_of > n;
    assert_int_equal(incremental, !beam && !best_of);
    size_t n_seq = best_of ? (size_t)r.p.best_of : n;
    seen *w = calloc(n, sizeof *w);
    assert_non_null(w);
    size_t behind = 0, steps = 0;
    int rc = 0;
    while (rc == 0) {
        size_t running = 0;
        for (size_t i = 0; i < n; i++)
            running += !w[i].finished;
        uint64_t before = gx_gen_evaluations(g);
        rc = gx_gen_step(g, &err);
        if (rc < 0)
            fail_msg("%s: %s", c->name, err.message);
        steps++;
        uint64_t used = gx_gen_evaluations(g) - before;
        /* Bounded: one evaluation per running sequence (exactly one for plain sampling). */
        if (incremental)
            assert_int_equal(used, running);
        else
            assert_true(used >= 1 && used <= n_seq);
        for (size_t i = 0; i < n; i++) {
            size_t settled;
            int finished;
            const gx_choice *v = gx_gen_choice(g, i, &settled, &finished);
            assert_non_null(v);
            assert_true(settled <= v->n_tokens);
            check_prefix(c->name, i, &w[i], v);
            assert_true(settled >= w[i].settled);
            if (w[i].finished)
                assert_true(finished);
            if (finished) {
                assert_int_equal(settled, v->n_tokens);
                assert_non_null(v->finish_reason);
                assert_true(v->n_tokens == 0 || v->text_ends[v->n_tokens - 1] <= v->text_len);
            } else if (incremental) {
                assert_null(v->finish_reason);
                assert_int_equal(v->n_tokens, steps); /* one token per step */
                behind += settled < v->n_tokens;
            } else {
                assert_int_equal(v->n_tokens, 0);
                assert_int_equal(settled, 0);
            }
            record(&w[i], v, settled, finished);
        }
    }
    assert_int_equal(rc, 1);
    assert_int_equal(gx_gen_step(g, &err), 1); /* done stays done */
    gx_choice *cs = NULL;
    size_t n_out = 0;
    int64_t used = 0;
    assert_int_equal(gx_gen_end(g, &cs, &n_out, &used, &err), GENAPI_OK);
    assert_int_equal(n_out, n);
    if (digest_choices(cs, n_out, used) != c->digest)
        fail_msg("%s: stepped results differ from the pinned ones", c->name);
    for (size_t i = 0; i < n; i++) {
        size_t settled;
        int finished;
        const gx_choice *v = gx_gen_choice(g, i, &settled, &finished);
        assert_true(finished);
        assert_int_equal(settled, cs[i].n_tokens);
        fnv a = {1}, b = {1};
        digest_choice(&a, v);
        digest_choice(&b, &cs[i]);
        assert_true(a.h == b.h);
        check_prefix(c->name, i, &w[i], &cs[i]);
        seen_free(&w[i]);
    }
    assert_null(gx_gen_choice(g, n, &(size_t){0}, &(int){0}));
    free(w);
    gx_gen_free(g);
    ga_arena_free(&ar);
    release(f, &r);
    return behind;
}

static const gen_case *find_case(const char *name)
{
    for (size_t k = 0; k < N_CASES; k++)
        if (strcmp(cases[k].name, name) == 0)
            return &cases[k];
    fail_msg("no case %s", name);
    return NULL;
}

static void test_stepped_views(void **state)
{
    fixture *f = *state;
    for (size_t k = 0; k < N_CASES; k++) {
        size_t behind = step_and_check(f, &cases[k]);
        /* Without stop strings every token is settled as soon as it is made. */
        if (strstr(cases[k].params, "\"stop\"") == NULL)
            assert_int_equal(behind, 0);
    }
    /* With stop strings some tokens wait until the text after them rules a cut out. */
    assert_true(step_and_check(f, find_case("stop_mid_token")) > 0);
}

/* Two generations of the same request (one guided constraint, one arena) stepped in turn give
 * the pinned results each. */
static void test_interleaved_generations(void **state)
{
    fixture *f = *state;
    static const char *const names[] = {"guided_regex", "guided_json", "n4", "best_of", "beam", "mirostat"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        const gen_case *c = find_case(names[k]);
        prepared r;
        prepare(f, c, &r);
        ga_arena ar;
        ga_arena_init(&ar, &f->e->alloc);
        genapi_error err;
        gx_gen *g[2];
        assert_int_equal(gx_gen_begin(f->e, &r.req, &ar, &g[0], &err), GENAPI_OK);
        assert_int_equal(gx_gen_step(g[0], &err), 0); /* one ahead */
        assert_int_equal(gx_gen_begin(f->e, &r.req, &ar, &g[1], &err), GENAPI_OK);
        int rc[2] = {0, 0};
        while (rc[0] == 0 || rc[1] == 0)
            for (int j = 0; j < 2; j++)
                if (rc[j] == 0)
                    assert_true((rc[j] = gx_gen_step(g[j], &err)) >= 0);
        for (int j = 0; j < 2; j++) {
            gx_choice *cs;
            size_t n;
            int64_t used;
            assert_int_equal(gx_gen_end(g[j], &cs, &n, &used, &err), GENAPI_OK);
            if (digest_choices(cs, n, used) != c->digest)
                fail_msg("%s: interleaved generation %d differs from the pinned results", c->name, j);
            gx_gen_free(g[j]);
        }
        ga_arena_free(&ar);
        release(f, &r);
    }
}

/* Freeing after any number of steps gives every block back (results with the arena, the
 * automaton states and masks a guided constraint built with the constraint). */
static void test_cancel_leaks_nothing(void **state)
{
    fixture *f = *state;
    static const size_t after[] = {0, 1, 2, 7};
    for (size_t k = 0; k < N_CASES; k++)
        for (size_t a = 0; a < sizeof after / sizeof after[0]; a++) {
            long live = f->count.live;
            prepared r;
            prepare(f, &cases[k], &r);
            ga_arena ar;
            ga_arena_init(&ar, &f->e->alloc);
            genapi_error err;
            gx_gen *g = NULL;
            assert_int_equal(gx_gen_begin(f->e, &r.req, &ar, &g, &err), GENAPI_OK);
            for (size_t s = 0; s < after[a] && gx_gen_step(g, &err) == 0; s++) {
            }
            for (size_t i = 0; i < gx_gen_choice_count(g); i++) {
                size_t settled;
                int finished;
                assert_non_null(gx_gen_choice(g, i, &settled, &finished));
            }
            gx_gen_free(g);
            ga_arena_free(&ar);
            release(f, &r); /* the constraint keeps what it built while guiding */
            if (f->count.live != live)
                fail_msg("%s: %ld blocks leaked after %zu steps", cases[k].name, f->count.live - live, after[a]);
        }
    gx_gen_free(NULL);
}

/* Errors a request can only show with the engine come from gx_gen_begin, leaving nothing. */
static void test_begin_errors(void **state)
{
    fixture *f = *state;
    static const gen_case bad[] = {
        {"beam_guided", "Pick one.", 1,
         "{\"n\": 2, \"use_beam_search\": true, \"max_tokens\": 10, \"guided_choice\": [\"a\", \"b\"]}", -1, 0, 0, 0},
    };
    static const char *const param[] = {"use_beam_search"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        prepared r;
        prepare(f, &bad[k], &r);
        long live = f->count.live;
        ga_arena ar;
        ga_arena_init(&ar, &f->e->alloc);
        genapi_error err;
        gx_gen *g = (gx_gen *)&ar;
        assert_int_equal(gx_gen_begin(f->e, &r.req, &ar, &g, &err), GENAPI_E_INVALID_ARG);
        assert_null(g);
        assert_string_equal(err.param, param[k]);
        gx_choice *cs;
        size_t n;
        int64_t used;
        assert_int_equal(gx_generate_choices(f->e, &r.req, &ar, &cs, &n, &used, &err), GENAPI_E_INVALID_ARG);
        ga_arena_free(&ar);
        assert_int_equal(f->count.live, live);
        release(f, &r);
    }
    /* The end is not there before the last step. */
    prepared r;
    prepare(f, find_case("n4"), &r);
    ga_arena ar;
    ga_arena_init(&ar, &f->e->alloc);
    genapi_error err;
    gx_gen *g;
    assert_int_equal(gx_gen_begin(f->e, &r.req, &ar, &g, &err), GENAPI_OK);
    assert_int_equal(gx_gen_step(g, &err), 0);
    gx_choice *cs;
    size_t n;
    int64_t used;
    assert_int_equal(gx_gen_end(g, &cs, &n, &used, &err), GENAPI_E_INVALID_ARG);
    gx_gen_free(g);
    ga_arena_free(&ar);
    release(f, &r);
}

/* Cursors over one constraint, advanced in turn, see exactly what the constraint's own position
 * sees after the same tokens. */
static void test_guided_cursors(void **state)
{
    fixture *f = *state;
    gx_text_engine *e = f->e;
    gd_alloc_hooks h = {NULL, NULL, NULL};
    genapi_error err;
    gd_constraint *shared = gd_compile_regex(&h, &e->gd_vocab, "(the|a) (river|sea|forest)[a-z ]{0,12}", "t", &err);
    gd_constraint *alone = gd_compile_regex(&h, &e->gd_vocab, "(the|a) (river|sea|forest)[a-z ]{0,12}", "t", &err);
    assert_non_null(shared);
    assert_non_null(alone);
    size_t vocab = e->gd_vocab.n;
    uint8_t *m1 = malloc(vocab), *m2 = malloc(vocab);
    assert_true(m1 && m2);
    enum { K = 4 };
    gd_cursor cur[K];
    uint64_t rng[K];
    int32_t path[K][64];
    size_t len[K] = {0};
    for (int j = 0; j < K; j++) {
        gd_cursor_start(shared, &cur[j]);
        rng[j] = 0x9E3779B97F4A7C15u * (uint64_t)(j + 1);
    }
    /* Random walks, interleaved, each ending on EOS once complete or out of room. */
    for (int round = 0, active = K; active > 0 && round < 64; round++) {
        active = 0;
        for (int j = 0; j < K; j++) {
            if (cur[j].finished)
                continue;
            active++;
            size_t na = gd_cursor_allowed(shared, &cur[j], m1);
            assert_true(na > 0);
            rng[j] = rng[j] * 6364136223846793005u + 1442695040888963407u;
            size_t pick = (size_t)(rng[j] >> 33) % na, t = 0;
            if (len[j] >= 40 && gd_cursor_complete(shared, &cur[j]))
                t = (size_t)e->gd_vocab.eos_id;
            else
                for (size_t seen_ = 0;; t++)
                    if (m1[t] && seen_++ == pick)
                        break;
            assert_int_equal(gd_cursor_min_remaining_after(shared, &cur[j], (int32_t)t) != SIZE_MAX, 1);
            assert_int_equal(gd_cursor_advance(shared, &cur[j], (int32_t)t), 0);
            path[j][len[j]++] = (int32_t)t;
        }
    }
    /* Replay each walk alone on the other constraint's own position. */
    for (int j = 0; j < K; j++) {
        gd_reset(alone);
        gd_cursor c;
        gd_cursor_start(shared, &c);
        for (size_t t = 0; t < len[j]; t++) {
            assert_int_equal(gd_cursor_allowed(shared, &c, m1), gd_allowed(alone, m2));
            assert_memory_equal(m1, m2, vocab);
            assert_int_equal(gd_cursor_min_remaining(shared, &c), gd_min_remaining(alone));
            assert_int_equal(gd_cursor_complete(shared, &c), gd_complete(alone));
            assert_int_equal(gd_cursor_advance(shared, &c, path[j][t]), 0);
            assert_int_equal(gd_advance(alone, path[j][t]), 0);
        }
        assert_int_equal(c.finished, cur[j].finished);
        assert_int_equal(c.state, cur[j].state);
    }
    /* The constraint's own position was never moved by the cursors. */
    gd_reset(alone);
    assert_int_equal(gd_allowed(shared, m1), gd_allowed(alone, m2));
    assert_memory_equal(m1, m2, vocab);
    free(m1);
    free(m2);
    gd_free(shared);
    gd_free(alone);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pinned_results),
        cmocka_unit_test(test_stepped_views),
        cmocka_unit_test(test_interleaved_generations),
        cmocka_unit_test(test_cancel_leaks_nothing),
        cmocka_unit_test(test_begin_errors),
        cmocka_unit_test(test_guided_cursors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
