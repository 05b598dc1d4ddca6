/* What a person can see of the prompt in the reference engine's picture: colour words set the
 * palette, and common nouns are drawn as simple shapes (a sun with rays, a crescent moon, a tree,
 * a house with a roof and a door, a mountain with a snow cap, a river winding to the front, a cat,
 * a fox, ...) placed by the seed. Each shape is a few primitives (ellipses, rectangles, triangles,
 * ellipses cut away) in a unit box around the subject's centre, y down; a pixel's coverage comes
 * from its distance to each primitive's edge, so edges are antialiased over `soft` pixels.
 * The shapes are the subjects the detailer finds (image_detailer.c). Only + - * / floor and sqrt
 * (correctly rounded in IEEE 754), so the same bytes everywhere. */
#include <math.h>
#include <string.h>

#include "engine/image/image_internal.h"

uint64_t gi__word_hash(const char *w, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)w[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        h = (h ^ c) * 0x100000001b3ULL;
    }
    return h;
}

static uint64_t mix(uint64_t z)
{
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static double rnd(uint64_t ls, uint64_t a, uint64_t b)
{
    return (double)(mix(mix(ls ^ 0x5348415045ULL) + a * 131 + b) >> 11) * 0x1.0p-53;
}

static double clamp01(double v)
{
    return v < 0.0 ? 0.0 : v > 1.0 ? 1.0 : v;
}

/* ---------------------------------------------------------------------------------------------
 * Colour words */

static const struct {
    const char *word;
    double h, s, v;
} COLOURS[] = {
    {"red", 0.0, 0.85, 0.85},      {"crimson", 0.97, 0.85, 0.75}, {"orange", 0.07, 0.9, 0.95},
    {"yellow", 0.15, 0.85, 0.95},  {"gold", 0.12, 0.8, 0.9},      {"golden", 0.12, 0.8, 0.9},
    {"green", 0.33, 0.75, 0.7},    {"emerald", 0.4, 0.8, 0.65},   {"teal", 0.48, 0.7, 0.6},
    {"cyan", 0.5, 0.75, 0.9},      {"blue", 0.62, 0.8, 0.85},     {"navy", 0.64, 0.8, 0.45},
    {"purple", 0.78, 0.7, 0.65},   {"violet", 0.76, 0.6, 0.8},    {"magenta", 0.85, 0.8, 0.85},
    {"pink", 0.92, 0.45, 0.95},    {"brown", 0.07, 0.65, 0.45},   {"black", 0.0, 0.05, 0.12},
    {"white", 0.0, 0.03, 0.97},    {"grey", 0.0, 0.03, 0.55},     {"gray", 0.0, 0.03, 0.55},
    {"silver", 0.6, 0.06, 0.8},
};

int gi__colour_word(uint64_t word, double *h, double *s, double *v)
{
    for (size_t i = 0; i < sizeof COLOURS / sizeof COLOURS[0]; i++)
        if (gi__word_hash(COLOURS[i].word, strlen(COLOURS[i].word)) == word) {
            *h = COLOURS[i].h;
            *s = COLOURS[i].s;
            *v = COLOURS[i].v;
            return 1;
        }
    return 0;
}

/* ---------------------------------------------------------------------------------------------
 * Shapes */

enum { P_END = 0, P_ELL, P_RECT, P_TRI, P_CUT };
enum { R_SKY, R_GROUND, R_HORIZON, R_RIVER };
enum { FACE = 1, PERSON = 2 };

/* A primitive: ellipse (a, b centre, c, d radii), rectangle (a, b) - (c, d), triangle (a, b),
 * (c, d), (e, f), or an ellipse cut away from what is drawn so far. Colour: r, g, b, or the
 * palette's accent when r < 0. */
typedef struct prim {
    int kind;
    double a, b, c, d, e, f;
    double r, g, bl;
} prim;

#define ACC -1.0, 0.0, 0.0
#define MAX_PRIMS 9

typedef struct noun {
    const char *name, *alias1, *alias2;
    int region, traits;
    double size; /* half-size as a fraction of the smaller image side */
    prim p[MAX_PRIMS];
} noun;

#define E(x, y, rx, ry, ...) {P_ELL, x, y, rx, ry, 0, 0, __VA_ARGS__}
#define R(x0, y0, x1, y1, ...) {P_RECT, x0, y0, x1, y1, 0, 0, __VA_ARGS__}
#define T(x0, y0, x1, y1, x2, y2, ...) {P_TRI, x0, y0, x1, y1, x2, y2, __VA_ARGS__}
#define C(x, y, rx, ry) {P_CUT, x, y, rx, ry, 0, 0, 0, 0, 0}
#define YELLOW 1.0, 0.85, 0.2
#define WHITE 0.96, 0.96, 0.96
#define DARK 0.12, 0.1, 0.1
#define BARK 0.4, 0.26, 0.13
#define LEAF 0.2, 0.55, 0.2
#define SKIN 0.93, 0.76, 0.62
#define WATER 0.2, 0.45, 0.8
#define STONE 0.5, 0.5, 0.52

static const noun NOUNS[] = {
    {"sun", NULL, NULL, R_SKY, 0, 0.12,
     {E(0, 0, 0.55, 0.55, YELLOW), T(-0.15, -0.65, 0.15, -0.65, 0, -1, YELLOW), T(-0.15, 0.65, 0.15, 0.65, 0, 1, YELLOW),
      T(-0.65, -0.15, -0.65, 0.15, -1, 0, YELLOW), T(0.65, -0.15, 0.65, 0.15, 1, 0, YELLOW)}},
    {"moon", "crescent", NULL, R_SKY, 0, 0.1, {E(0, 0, 0.9, 0.9, 0.95, 0.93, 0.78), C(0.45, -0.2, 0.75, 0.75)}},
    {"star", "stars", NULL, R_SKY, 0, 0.06,
     {T(0, -1, -0.87, 0.5, 0.87, 0.5, 1.0, 0.95, 0.55), T(0, 1, -0.87, -0.5, 0.87, -0.5, 1.0, 0.95, 0.55)}},
    {"cloud", "clouds", NULL, R_SKY, 0, 0.14,
     {E(-0.45, 0.15, 0.5, 0.4, WHITE), E(0.15, -0.1, 0.55, 0.5, WHITE), E(0.55, 0.2, 0.45, 0.35, WHITE)}},
    {"bird", "birds", NULL, R_SKY, 0, 0.05,
     {T(-1, -0.4, 0, 0.2, -0.2, 0.4, DARK), T(1, -0.4, 0, 0.2, 0.2, 0.4, DARK)}},
    {"balloon", NULL, NULL, R_SKY, 0, 0.08,
     {R(-0.03, 0.6, 0.03, 1.0, DARK), E(0, -0.15, 0.6, 0.75, ACC), T(-0.1, 0.65, 0.1, 0.65, 0, 0.55, ACC)}},
    {"mountain", "mountains", "peak", R_HORIZON, 0, 0.3,
     {T(-1, 1, 0, -1, 1, 1, 0.42, 0.45, 0.55), T(-0.3, -0.4, 0, -1, 0.3, -0.4, WHITE)}},
    {"volcano", NULL, NULL, R_HORIZON, 0, 0.28,
     {T(-1, 1, -0.15, -0.8, 0.15, -0.8, 0.3, 0.25, 0.25), T(0.15, -0.8, 1, 1, -1, 1, 0.3, 0.25, 0.25),
      R(-0.15, -0.85, 0.15, -0.7, 0.95, 0.3, 0.1)}},
    {"river", "stream", NULL, R_RIVER, 0, 0.0, {{P_END, 0, 0, 0, 0, 0, 0, 0, 0, 0}}},
    {"lake", "pond", NULL, R_GROUND, 0, 0.2, {E(0, 0.6, 1.0, 0.35, WATER), E(-0.2, 0.5, 0.5, 0.08, 0.45, 0.65, 0.9)}},
    {"tree", "trees", "oak", R_GROUND, 0, 0.13, {R(-0.12, 0.2, 0.12, 1, BARK), E(0, -0.3, 0.7, 0.65, LEAF)}},
    {"pine", "forest", "fir", R_GROUND, 0, 0.13,
     {R(-0.1, 0.6, 0.1, 1, BARK), T(0, -1, -0.6, 0.2, 0.6, 0.2, 0.12, 0.4, 0.2), T(0, -0.5, -0.75, 0.65, 0.75, 0.65, 0.12, 0.4, 0.2)}},
    {"flower", "flowers", "rose", R_GROUND, 0, 0.07,
     {R(-0.05, 0, 0.05, 1, LEAF), E(0, -0.75, 0.28, 0.28, ACC), E(-0.35, -0.4, 0.28, 0.28, ACC),
      E(0.35, -0.4, 0.28, 0.28, ACC), E(0, -0.1, 0.28, 0.28, ACC), E(0, -0.42, 0.2, 0.2, YELLOW)}},
    {"mushroom", NULL, NULL, R_GROUND, 0, 0.07,
     {R(-0.2, -0.1, 0.2, 1, 0.95, 0.9, 0.8), E(0, -0.2, 0.85, 0.5, 0.85, 0.15, 0.1), C(0, 0.3, 0.9, 0.25),
      E(-0.3, -0.4, 0.1, 0.08, WHITE), E(0.3, -0.35, 0.1, 0.08, WHITE)}},
    {"house", "cottage", "home", R_GROUND, 0, 0.14,
     {R(-0.7, -0.1, 0.7, 1, ACC), T(-0.9, -0.05, 0, -0.85, 0.9, -0.05, 0.6, 0.15, 0.1), R(-0.15, 0.4, 0.15, 1, BARK),
      R(0.3, 0.15, 0.55, 0.4, 0.95, 0.9, 0.6), R(-0.55, 0.15, -0.3, 0.4, 0.95, 0.9, 0.6)}},
    {"castle", NULL, NULL, R_GROUND, 0, 0.18,
     {R(-0.75, -0.2, 0.75, 1, STONE), R(-0.95, -0.65, -0.55, 1, STONE), R(0.55, -0.65, 0.95, 1, STONE),
      T(-1.0, -0.62, -0.75, -1.0, -0.5, -0.62, 0.55, 0.15, 0.15), T(0.5, -0.62, 0.75, -1.0, 1.0, -0.62, 0.55, 0.15, 0.15),
      R(-0.2, 0.4, 0.2, 1, DARK)}},
    {"tower", "lighthouse", NULL, R_GROUND, 0, 0.16,
     {R(-0.25, -0.6, 0.25, 1, ACC), T(-0.35, -0.6, 0, -1, 0.35, -0.6, 0.6, 0.15, 0.1), R(-0.1, -0.35, 0.1, -0.1, YELLOW)}},
    {"boat", "ship", "sailboat", R_GROUND, 0, 0.11,
     {R(-0.8, 0.5, 0.8, 0.85, BARK), T(-1, 0.5, -0.8, 0.5, -0.8, 0.85, BARK), T(0.8, 0.5, 1, 0.5, 0.8, 0.85, BARK),
      R(-0.04, -0.9, 0.04, 0.5, BARK), T(0.08, -0.85, 0.08, 0.4, 0.7, 0.4, WHITE)}},
    {"car", "cars", NULL, R_GROUND, 0, 0.1,
     {R(-1, 0.1, 1, 0.65, ACC), R(-0.55, -0.35, 0.45, 0.15, ACC), R(-0.45, -0.25, 0.35, 0.1, 0.7, 0.85, 0.95),
      E(-0.55, 0.7, 0.25, 0.25, DARK), E(0.55, 0.7, 0.25, 0.25, DARK)}},
    {"bridge", NULL, NULL, R_GROUND, 0, 0.2,
     {R(-1, -0.2, 1, 0.05, STONE), R(-0.9, 0.05, -0.6, 1, STONE), R(0.6, 0.05, 0.9, 1, STONE)}},
    {"cat", "cats", "kitten", R_GROUND, FACE, 0.1,
     {E(-0.15, 0.45, 0.6, 0.4, 0.45, 0.42, 0.4), E(0.75, 0.5, 0.35, 0.07, 0.45, 0.42, 0.4),
      E(-0.55, -0.05, 0.33, 0.3, 0.45, 0.42, 0.4), T(-0.85, -0.15, -0.8, -0.55, -0.6, -0.25, 0.45, 0.42, 0.4),
      T(-0.5, -0.25, -0.3, -0.55, -0.25, -0.15, 0.45, 0.42, 0.4), E(-0.65, -0.07, 0.05, 0.05, 0.6, 0.8, 0.2),
      E(-0.45, -0.07, 0.05, 0.05, 0.6, 0.8, 0.2)}},
    {"dog", "dogs", "puppy", R_GROUND, FACE, 0.11,
     {E(0, 0.4, 0.65, 0.35, 0.6, 0.42, 0.25), R(-0.5, 0.5, -0.35, 1, 0.6, 0.42, 0.25), R(0.35, 0.5, 0.5, 1, 0.6, 0.42, 0.25),
      E(-0.7, -0.1, 0.32, 0.3, 0.6, 0.42, 0.25), E(-0.95, -0.02, 0.18, 0.12, 0.6, 0.42, 0.25),
      E(-0.55, 0.05, 0.1, 0.25, 0.4, 0.25, 0.12), E(0.75, 0.15, 0.22, 0.07, 0.6, 0.42, 0.25), E(-0.78, -0.15, 0.05, 0.05, DARK)}},
    {"fox", "foxes", NULL, R_GROUND, FACE, 0.1,
     {E(0, 0.45, 0.6, 0.32, 0.9, 0.45, 0.1), E(0.8, 0.3, 0.4, 0.16, 0.9, 0.45, 0.1), E(1.1, 0.25, 0.15, 0.1, WHITE),
      E(-0.6, 0.0, 0.3, 0.27, 0.9, 0.45, 0.1), T(-0.8, -0.1, -1.15, 0.1, -0.75, 0.15, 0.9, 0.45, 0.1),
      T(-0.85, -0.15, -0.75, -0.6, -0.6, -0.2, 0.9, 0.45, 0.1), T(-0.55, -0.2, -0.35, -0.6, -0.35, -0.1, 0.9, 0.45, 0.1),
      E(-0.1, 0.55, 0.35, 0.15, WHITE)}},
    {"rabbit", "bunny", NULL, R_GROUND, FACE, 0.08,
     {E(0.1, 0.5, 0.55, 0.45, 0.85, 0.83, 0.8), E(-0.45, -0.05, 0.3, 0.28, 0.85, 0.83, 0.8),
      E(-0.55, -0.65, 0.08, 0.38, 0.85, 0.83, 0.8), E(-0.3, -0.65, 0.08, 0.38, 0.85, 0.83, 0.8), E(0.65, 0.45, 0.15, 0.15, WHITE)}},
    {"horse", "horses", "pony", R_GROUND, FACE, 0.15,
     {E(0.05, 0.0, 0.6, 0.3, 0.45, 0.28, 0.15), R(-0.45, 0.1, -0.33, 1, 0.45, 0.28, 0.15), R(0.4, 0.1, 0.52, 1, 0.45, 0.28, 0.15),
      T(-0.45, -0.1, -0.65, -0.7, -0.35, -0.65, 0.45, 0.28, 0.15), E(-0.75, -0.6, 0.3, 0.14, 0.45, 0.28, 0.15),
      E(0.7, 0.1, 0.08, 0.35, 0.2, 0.12, 0.08)}},
    {"fish", NULL, NULL, R_GROUND, 0, 0.07,
     {E(-0.15, 0, 0.7, 0.4, ACC), T(0.45, 0, 1, -0.45, 1, 0.45, ACC), E(-0.55, -0.08, 0.08, 0.08, DARK)}},
    {"person", "man", "woman", R_GROUND, FACE | PERSON, 0.13,
     {R(-0.3, 0.35, -0.05, 1, 0.2, 0.22, 0.35), R(0.05, 0.35, 0.3, 1, 0.2, 0.22, 0.35), R(-0.32, -0.45, 0.32, 0.38, ACC),
      R(-0.45, -0.4, -0.32, 0.2, SKIN), R(0.32, -0.4, 0.45, 0.2, SKIN), E(0, -0.72, 0.22, 0.24, SKIN),
      E(0, -0.88, 0.24, 0.12, 0.3, 0.18, 0.1)}},
    {"girl", "boy", "child", R_GROUND, FACE | PERSON, 0.1,
     {R(-0.28, 0.4, -0.05, 1, 0.2, 0.22, 0.35), R(0.05, 0.4, 0.28, 1, 0.2, 0.22, 0.35), T(-0.45, 0.45, 0, -0.45, 0.45, 0.45, ACC),
      E(0, -0.68, 0.25, 0.27, SKIN), E(0, -0.86, 0.27, 0.13, 0.55, 0.3, 0.12)}},
    {"face", "portrait", "head", R_GROUND, FACE | PERSON, 0.16,
     {E(0, 0, 0.7, 0.9, SKIN), E(0, -0.6, 0.75, 0.45, 0.35, 0.2, 0.1), C(0, -0.15, 0.62, 0.5),
      E(-0.28, -0.05, 0.1, 0.07, DARK), E(0.28, -0.05, 0.1, 0.07, DARK), R(-0.25, 0.45, 0.25, 0.52, 0.7, 0.25, 0.25)}},
    {"snowman", NULL, NULL, R_GROUND, FACE | PERSON, 0.12,
     {E(0, 0.55, 0.5, 0.45, WHITE), E(0, -0.1, 0.38, 0.33, WHITE), E(0, -0.62, 0.27, 0.25, WHITE),
      E(-0.1, -0.68, 0.04, 0.04, DARK), E(0.1, -0.68, 0.04, 0.04, DARK), T(0, -0.6, 0.25, -0.55, 0, -0.52, 0.95, 0.5, 0.1)}},
    {"heart", "love", NULL, R_GROUND, 0, 0.08,
     {E(-0.42, -0.35, 0.48, 0.45, 0.85, 0.1, 0.2), E(0.42, -0.35, 0.48, 0.45, 0.85, 0.1, 0.2),
      T(-0.88, -0.2, 0.88, -0.2, 0, 0.95, 0.85, 0.1, 0.2)}},
    {"apple", "apples", NULL, R_GROUND, 0, 0.06,
     {E(0, 0.1, 0.8, 0.75, 0.8, 0.1, 0.1), R(-0.05, -0.95, 0.05, -0.55, BARK), E(0.25, -0.75, 0.22, 0.1, LEAF)}},
    {"ball", "sphere", NULL, R_GROUND, 0, 0.06, {E(0, 0, 0.95, 0.95, ACC), E(-0.3, -0.35, 0.2, 0.15, WHITE)}},
    {"rock", "stone", "boulder", R_GROUND, 0, 0.09, {E(0, 0.3, 0.95, 0.6, STONE), E(-0.3, 0.05, 0.3, 0.15, 0.62, 0.62, 0.64)}},
    {"tent", NULL, NULL, R_GROUND, 0, 0.11, {T(-1, 1, 0, -0.8, 1, 1, ACC), T(-0.2, 1, 0, 0.3, 0.2, 1, DARK)}},
    {"cactus", NULL, NULL, R_GROUND, 0, 0.11,
     {R(-0.18, -0.9, 0.18, 1, 0.25, 0.55, 0.25), R(-0.65, -0.2, -0.18, 0.0, 0.25, 0.55, 0.25),
      R(-0.65, -0.6, -0.48, -0.1, 0.25, 0.55, 0.25), R(0.18, 0.0, 0.6, 0.2, 0.25, 0.55, 0.25),
      R(0.45, -0.4, 0.6, 0.1, 0.25, 0.55, 0.25)}},
};
#define N_NOUNS ((int)(sizeof NOUNS / sizeof NOUNS[0]))

const char *gi__subject_label(int kind)
{
    return kind >= 0 && kind < N_NOUNS ? NOUNS[kind].name : "";
}

static int starts_with_ci(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++) {
        char a = *s, b = *prefix;
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (a != b)
            return 0;
    }
    return 1;
}

int gi__subject_detectable(int kind, const char *model)
{
    if (kind < 0 || kind >= N_NOUNS)
        return 0;
    if (model == NULL)
        return 1;
    if (starts_with_ci(model, "face") || starts_with_ci(model, "eyes") || starts_with_ci(model, "mediapipe_face"))
        return (NOUNS[kind].traits & FACE) != 0;
    if (starts_with_ci(model, "person"))
        return (NOUNS[kind].traits & PERSON) != 0;
    if (starts_with_ci(model, "hand"))
        return 0;
    return 1;
}

static int noun_of(uint64_t w)
{
    for (int k = 0; k < N_NOUNS; k++) {
        const char *names[3] = {NOUNS[k].name, NOUNS[k].alias1, NOUNS[k].alias2};
        for (int i = 0; i < 3; i++) {
            if (names[i] == NULL)
                continue;
            char buf[32];
            size_t n = strlen(names[i]);
            if (gi__word_hash(names[i], n) == w)
                return k;
            if (n + 1 < sizeof buf) { /* the plural with -s */
                memcpy(buf, names[i], n);
                buf[n] = 's';
                if (gi__word_hash(buf, n + 1) == w)
                    return k;
            }
        }
    }
    return -1;
}

static void set_box(gi_subject *s, double W, double H, double x0, double y0, double x1, double y1)
{
    x0 = floor(x0) - 1.0;
    y0 = floor(y0) - 1.0;
    x1 = floor(x1) + 2.0;
    y1 = floor(y1) + 2.0;
    s->bx0 = (int32_t)(x0 < 0.0 ? 0.0 : x0 > W ? W : x0);
    s->by0 = (int32_t)(y0 < 0.0 ? 0.0 : y0 > H ? H : y0);
    s->bx1 = (int32_t)(x1 < 0.0 ? 0.0 : x1 > W ? W : x1);
    s->by1 = (int32_t)(y1 < 0.0 ? 0.0 : y1 > H ? H : y1);
}

int gi__subjects_place(const uint64_t *words, size_t n, uint64_t ls, double W, double H, double horizon,
                       gi_subject *out)
{
    int kinds[GI_MAX_SUBJECTS], count = 0;
    for (size_t i = 0; i < n && count < GI_MAX_SUBJECTS; i++) {
        int k = noun_of(words[i]);
        int dup = k < 0;
        for (int j = 0; j < count && !dup; j++)
            dup = kinds[j] == k;
        if (!dup)
            kinds[count++] = k;
    }
    /* in noun-table order, so the word order of the prompt does not matter */
    for (int i = 1; i < count; i++)
        for (int j = i; j > 0 && kinds[j] < kinds[j - 1]; j--) {
            int t = kinds[j];
            kinds[j] = kinds[j - 1];
            kinds[j - 1] = t;
        }
    int n_sky = 0, n_ground = 0;
    for (int i = 0; i < count; i++)
        NOUNS[kinds[i]].region == R_SKY ? n_sky++ : n_ground++;
    double mn = W < H ? W : H;
    int i_sky = 0, i_ground = 0;
    /* Slots across the width, in an order drawn from the seed, so subjects rarely overlap. */
    uint64_t rot_s = (uint64_t)(rnd(ls, 1, 0) * 64.0), rot_g = (uint64_t)(rnd(ls, 2, 0) * 64.0);
    for (int i = 0; i < count; i++) {
        const noun *nn = &NOUNS[kinds[i]];
        gi_subject *s = &out[i];
        memset(s, 0, sizeof *s);
        s->kind = kinds[i];
        s->flip = rnd(ls, 3, (uint64_t)i) < 0.5 ? -1.0 : 1.0;
        double jitter = rnd(ls, 4, (uint64_t)i) - 0.5;
        s->size = mn * nn->size * (0.85 + 0.3 * rnd(ls, 5, (uint64_t)i));
        if (nn->region == R_RIVER) {
            s->cx = W * (0.3 + 0.4 * rnd(ls, 6, (uint64_t)i));
            s->cy = (horizon + H) * 0.5;
            s->size = mn * 0.06;
            set_box(s, W, H, 0.0, horizon, W, H);
        } else {
            int sky = nn->region == R_SKY;
            int slots = sky ? n_sky : n_ground, idx = (int)(((uint64_t)(sky ? i_sky++ : i_ground++) + (sky ? rot_s : rot_g)) %
                                                             (uint64_t)slots);
            s->cx = W * (((double)idx + 0.5 + 0.5 * jitter) / (double)slots);
            if (sky)
                s->cy = horizon * (0.2 + 0.45 * rnd(ls, 7, (uint64_t)i));
            else if (nn->region == R_HORIZON)
                s->cy = horizon + (H - horizon) * 0.1 - s->size;
            else
                s->cy = horizon + (H - horizon) * (0.35 + 0.4 * rnd(ls, 7, (uint64_t)i)) - s->size * 0.5;
            double r = s->size * 1.2;
            set_box(s, W, H, s->cx - r, s->cy - r, s->cx + r, s->cy + r);
        }
        /* The detector's confidence: larger subjects are found more surely. */
        double frac = s->size / (mn * 0.15);
        s->conf = clamp01(0.3 + 0.45 * clamp01(frac) + 0.25 * rnd(ls, 8, (uint64_t)i));
    }
    return count;
}

/* Signed distance (unit coordinates; < 0 inside) of (u, v) to a triangle. */
static double tri_dist(const prim *p, double u, double v)
{
    double xs[3] = {p->a, p->c, p->e}, ys[3] = {p->b, p->d, p->f};
    double area = (xs[1] - xs[0]) * (ys[2] - ys[0]) - (ys[1] - ys[0]) * (xs[2] - xs[0]);
    double sign = area < 0.0 ? -1.0 : 1.0, d = -1e9;
    for (int i = 0; i < 3; i++) {
        int j = (i + 1) % 3;
        double ex = xs[j] - xs[i], ey = ys[j] - ys[i], len = sqrt(ex * ex + ey * ey);
        if (len <= 0.0)
            continue;
        /* distance outward of the edge: the cross product is positive inside for either winding
         * once multiplied by the sign of the area */
        double e = -sign * (ex * (v - ys[i]) - ey * (u - xs[i])) / len;
        d = e > d ? e : d;
    }
    return d;
}

static double prim_dist(const prim *p, double u, double v)
{
    switch (p->kind) {
    case P_ELL:
    case P_CUT: {
        double du = (u - p->a) / p->c, dv = (v - p->b) / p->d;
        double q = sqrt(du * du + dv * dv), r = p->c < p->d ? p->c : p->d;
        return (q - 1.0) * r;
    }
    case P_RECT: {
        double cx = (p->a + p->c) * 0.5, cy = (p->b + p->d) * 0.5, hw = (p->c - p->a) * 0.5, hh = (p->d - p->b) * 0.5;
        double dx = fabs(u - cx) - hw, dy = fabs(v - cy) - hh;
        return dx > dy ? dx : dy;
    }
    default:
        return tri_dist(p, u, v);
    }
}

static double river_paint(const gi_subject *s, double X, double Y, double soft, gi_rgb *col)
{
    if (X < (double)s->bx0 || X >= (double)s->bx1 || Y < (double)s->by0 || Y >= (double)s->by1)
        return 0.0;
    double t = (Y - (double)s->by0) / ((double)(s->by1 - s->by0) + 1.0); /* 0 at the horizon, 1 in front */
    double width = s->size * (0.15 + 2.2 * t * t);
    double centre = s->cx + s->flip * s->size * 3.0 * gi__sin_pi(t * 2.2) * (0.3 + t);
    double d = fabs(X - centre) - width;
    *col = (gi_rgb){0.25 + 0.15 * t, 0.5 + 0.1 * t, 0.85};
    return clamp01(0.5 - d / soft);
}

double gi__subject_paint(const gi_subject *s, double X, double Y, double soft, gi_rgb accent, gi_rgb *col)
{
    const noun *nn = &NOUNS[s->kind];
    if (nn->region == R_RIVER)
        return river_paint(s, X, Y, soft, col);
    if (X < (double)s->bx0 || X >= (double)s->bx1 || Y < (double)s->by0 || Y >= (double)s->by1)
        return 0.0;
    double u = (X - s->cx) / s->size * s->flip, v = (Y - s->cy) / s->size, px = soft / s->size;
    double cov = 0.0;
    gi_rgb c = {0.0, 0.0, 0.0};
    for (int i = 0; i < MAX_PRIMS && nn->p[i].kind != P_END; i++) {
        const prim *p = &nn->p[i];
        double a = clamp01(0.5 - prim_dist(p, u, v) / px);
        if (a <= 0.0)
            continue;
        if (p->kind == P_CUT) {
            cov *= 1.0 - a;
            continue;
        }
        gi_rgb pc = p->r < 0.0 ? accent : (gi_rgb){p->r, p->g, p->bl};
        double w = cov + a * (1.0 - cov) > 0.0 ? a / (cov + a * (1.0 - cov)) : 1.0;
        c = (gi_rgb){c.r + (pc.r - c.r) * w, c.g + (pc.g - c.g) * w, c.b + (pc.b - c.b) * w};
        cov = cov + a * (1.0 - cov);
    }
    *col = c;
    return cov;
}
