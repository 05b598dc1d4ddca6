/* The reference image generator: a deterministic procedural landscape (sky gradient, clouds from
 * value-noise fBm, a sun, three ridge layers, a few rounded shapes) whose
 *   - palette comes from a hash of the prompt words, its hue from the first colour word
 *     (negative-prompt words are removed from the prompt and each one desaturates the palette;
 *     clip_skip > 1 desaturates it too),
 *   - subjects are the prompt's nouns drawn as simple shapes in front (image_shapes.c),
 *   - layout (horizon, sun, ridges, shapes, subjects, noise lattice) comes from seed + index,
 *   - detail comes from steps: octave k of the noise fades in as steps grow, with geometrically
 *     decreasing amplitude, so the picture at s steps refines the one at s - 1 and converges,
 *   - sampler (image_samplers.c) picks the noise persistence, lattice spacing, convergence rate
 *     and lattice salt of the detail octaves (octave 0 is shared, so samplers give related
 *     pictures); ancestral samplers ("... a", SDE) add per-pixel grain; SD.Next's sampler
 *     settings (sched_effects) change the rate, the fine detail, the grain and the tonal range,
 *   - cfg_scale sets palette saturation and global contrast.
 * Only + - * / floor and sqrt on doubles plus integer hashing (SplitMix64 of seed, octave, x, y),
 * so identical bytes on every platform.
 *
 * The detailer: the subjects its detector keeps (image_detailer.c) are re-rendered in phases of
 * their own after the picture, by a second generator with the pass's prompt, steps and sampler
 * whose texture is that of the region magnified, blended by strength under a feathered box.
 *
 * img2img: the init image is fitted to width x height by resize_mode, then
 *   out = init + (G - init) * d,  G = S + (T - S) * d
 * where T is the txt2img picture, S a picture in the prompt's palette whose luminance follows the
 * init image, and d = denoising_strength (d = 0: the fitted init exactly; d = 1: T exactly).
 * Inpainting: the mask (luminance > 127, optionally inverted, then a two-pass box blur of radius
 * mask_blur) gives a soft alpha; the masked area is pre-filled per inpainting_fill, denoised as
 * above and composited: out = init + (P - init) * alpha, so alpha 0 keeps the init's bytes.
 * inpaint_full_res works on the blurred mask's bounding box + padding (grown to the target
 * aspect ratio) of the unresized init, rendered at width x height and pasted back; the output then
 * has the init's size, as on A1111. */
#include <math.h>
#include <string.h>

#include "engine/image/image_internal.h"
#include "util/err.h"

/* ---------------------------------------------------------------------------------------------
 * Hashing and small maths */

static uint64_t mix64(uint64_t z)
{
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static uint64_t hash4(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
    return mix64(mix64(mix64(a ^ mix64(b)) ^ c) + d);
}

static double unit(uint64_t h)
{
    return (double)(h >> 11) * 0x1.0p-53;
}

static double clamp01(double v)
{
    return v < 0.0 ? 0.0 : v > 1.0 ? 1.0 : v;
}

static double lerp(double a, double b, double t)
{
    return a + (b - a) * t;
}

static uint8_t to_u8(double v)
{
    v = floor(v + 0.5);
    if (v <= 0.0)
        return 0;
    if (v >= 255.0)
        return 255;
    return (uint8_t)v;
}

typedef gi_rgb rgb;

static rgb hsv(double h, double s, double v)
{
    h = h - floor(h);
    s = clamp01(s);
    v = clamp01(v);
    double h6 = h * 6.0, sector = floor(h6), f = h6 - sector;
    double p = v * (1.0 - s), q = v * (1.0 - s * f), t = v * (1.0 - s * (1.0 - f));
    switch ((int)sector) {
    case 0: return (rgb){v, t, p};
    case 1: return (rgb){q, v, p};
    case 2: return (rgb){p, v, t};
    case 3: return (rgb){p, q, v};
    case 4: return (rgb){t, p, v};
    default: return (rgb){v, p, q};
    }
}

static rgb rgb_lerp(rgb a, rgb b, double t)
{
    return (rgb){lerp(a.r, b.r, t), lerp(a.g, b.g, t), lerp(a.b, b.b, t)};
}

static rgb rgb_scale(rgb a, double k)
{
    return (rgb){a.r * k, a.g * k, a.b * k};
}

static double luma(rgb c)
{
    return 0.299 * c.r + 0.587 * c.g + 0.114 * c.b;
}

/* ---------------------------------------------------------------------------------------------
 * Prompt words */

#define MAX_WORDS 256

static size_t prompt_words(const char *s, uint64_t *out, size_t cap)
{
    size_t n = 0;
    if (!s)
        return 0;
    while (*s) {
        while (*s && !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
                       (unsigned char)*s >= 0x80))
            s++;
        if (!*s)
            break;
        uint64_t h = 0xcbf29ce484222325ULL;
        while ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
               (unsigned char)*s >= 0x80) {
            unsigned char c = (unsigned char)*s;
            if (c >= 'A' && c <= 'Z')
                c = (unsigned char)(c - 'A' + 'a');
            h = (h ^ c) * 0x100000001b3ULL;
            s++;
        }
        /* Numbers such as attention weights ("(word:1.2)") only count if they are words. */
        if (n < cap)
            out[n++] = h;
    }
    return n;
}

/* ---------------------------------------------------------------------------------------------
 * Generator context */

#define MAX_OCT 10
#define N_LAYERS 3
#define MAX_BLOBS 8

typedef struct octave {
    double cell, amp, fade;
    int32_t gw, gh;
    double *lat;      /* gw * gh lattice values in [0, 1), filled row by row as rendering needs */
    int32_t lat_rows; /* lattice rows filled */
    uint64_t key, salt; /* lattice hash inputs */
    int32_t *col_i;   /* per column lattice index */
    double *col_s;    /* per column smoothed fraction */
} octave;

typedef struct blob {
    double cx, cy, rx, ry;
    rgb col;
} blob;

typedef struct gen {
    const ga_alloc *a;
    int32_t w, h;
    uint64_t seed;
    const sampler_info *smp;
    double contrast, grain, nm;
    /* palette */
    rgb sky_top, sky_hor, sun, far, nearc, accent, cloud;
    rgb ramp[4]; /* palette ordered by luminance, for structure-following renders */
    /* layout */
    double horizon, sun_x, sun_y, sun_r, cloudiness;
    double *ridge; /* N_LAYERS * w ridge heights (pixel rows) */
    int n_blobs;
    blob blobs[MAX_BLOBS];
    int n_oct;
    octave oct[MAX_OCT];
    double norm;
    /* subjects: the prompt's nouns drawn as shapes */
    gi_subject subj[GI_MAX_SUBJECTS];
    int n_subj;
    double soft;   /* edge width of the subjects in pixels (clip_skip softens them) */
    int thresh;    /* dynamic thresholding */
    /* the detailer pass renders its texture zoomed into a crop (0 = no zoom) */
    double zx0, zy0, zsx, zsy;
} gen;

static void gen_free(gen *g)
{
    for (int k = 0; k < g->n_oct; k++) {
        if (g->oct[k].lat)
            ga_free(g->a, g->oct[k].lat);
        if (g->oct[k].col_i)
            ga_free(g->a, g->oct[k].col_i);
        if (g->oct[k].col_s)
            ga_free(g->a, g->oct[k].col_s);
    }
    if (g->ridge)
        ga_free(g->a, g->ridge);
    memset(g, 0, sizeof *g);
}

static double smooth(double t)
{
    return t * t * (3.0 - 2.0 * t);
}

/* Detail level reached after `steps` with n usable octaves: grows strictly with steps and
 * converges to n, so there is always a partly faded-in octave and more steps add detail. */
static double detail_level(int32_t steps, double rate, int n)
{
    double s = (double)steps * rate;
    return 1.0 + (double)(n - 1) * (1.0 - 1.0 / (1.0 + s / 5.0));
}

static double octave_fade(int k, double level)
{
    return k == 0 ? 1.0 : clamp01(level - (double)k);
}

static void build_palette(gen *g, const gi_gen_config *cfg)
{
    uint64_t pos[MAX_WORDS], neg[MAX_WORDS];
    size_t np = prompt_words(cfg->prompt, pos, MAX_WORDS);
    size_t nn = prompt_words(cfg->negative_prompt, neg, MAX_WORDS);
    uint64_t p = 0;
    size_t kept = 0;
    int n_col = 0;
    double ch[2] = {0, 0}, cs[2] = {0, 0}, cv[2] = {0, 0};
    for (size_t i = 0; i < np; i++) {
        int banned = 0;
        for (size_t j = 0; j < nn && !banned; j++)
            banned = pos[i] == neg[j];
        if (!banned) {
            p += mix64(pos[i]); /* order-independent */
            kept++;
            if (n_col < 2 && gi__colour_word(pos[i], &ch[n_col], &cs[n_col], &cv[n_col]))
                n_col++;
        }
    }
    uint64_t hp = mix64(p ^ (uint64_t)kept);
    double base_hue = unit(hp);
    double sat = kept ? 0.45 + 0.4 * unit(mix64(hp + 1)) : 0.08;
    static const double SCHEME[4] = {0.06, 0.12, 0.2, 0.33};
    double off = SCHEME[(hp >> 7) & 3];
    double bright = unit(mix64(hp + 4)), dark = unit(mix64(hp + 5));
    if (n_col > 0) { /* the first colour word sets the palette, a second one the accent */
        base_hue = ch[0];
        sat = cs[0];
        off = 0.03;
        bright = cv[0];
        dark = cv[0] * 0.8;
    }
    sat /= 1.0 + 0.35 * (double)nn;
    if (cfg->clip_skip > 1) /* a coarser reading of the prompt: less of its colour */
        sat /= 1.0 + 0.3 * (double)(cfg->clip_skip - 1);
    double warm = 0.04 + 0.1 * unit(mix64(hp + 2));
    double gcfg = cfg->cfg_scale / (cfg->cfg_scale + 5.0) * 1.7;
    double s = clamp01(sat * (0.3 + 0.9 * gcfg));
    g->contrast = 0.45 + 0.55 * gcfg;
    g->sky_top = hsv(base_hue, s * 0.85, 0.42 + 0.35 * bright);
    g->sky_hor = hsv(base_hue + 0.05, s * 0.45, 0.8 + 0.15 * bright);
    g->sun = hsv(base_hue + warm, s * 0.7, 1.0);
    g->far = hsv(base_hue + off, s * 0.6, 0.55 + 0.2 * dark);
    g->nearc = hsv(base_hue + off + 0.06, s * 0.95, 0.18 + 0.22 * dark);
    g->accent = n_col > 1 ? hsv(ch[1], clamp01(cs[1] * (0.3 + 0.9 * gcfg)), cv[1] < 0.3 ? 0.3 : cv[1])
                          : hsv(base_hue + off * 0.5 + 0.5, s * 1.2, 0.8);
    g->cloud = rgb_lerp(g->sky_hor, (rgb){1.0, 1.0, 1.0}, 0.6);
    rgb r[4] = {rgb_scale(g->nearc, 0.6), g->far, g->sky_top, g->cloud};
    for (int i = 1; i < 4; i++) /* insertion sort by luminance */
        for (int j = i; j > 0 && luma(r[j]) < luma(r[j - 1]); j--) {
            rgb t = r[j];
            r[j] = r[j - 1];
            r[j - 1] = t;
        }
    memcpy(g->ramp, r, sizeof r);
}

static double noise1d(uint64_t seed, uint64_t layer, int k, double x, double cell)
{
    double u = x / cell, f0 = floor(u), f = smooth(u - f0);
    int64_t i = (int64_t)f0;
    double a = unit(hash4(seed, layer, (uint64_t)k, (uint64_t)i));
    double b = unit(hash4(seed, layer, (uint64_t)k, (uint64_t)(i + 1)));
    return lerp(a, b, f);
}

/* What SD.Next's sampler settings do to the picture: how fast detail converges (rate), how
 * strong fine detail is (gain), tonal range (contrast), per-pixel noise (grain), flow shift, and
 * per-octave amplitude factors (beta start / end, sigma adjust window). */
typedef struct sched_fx {
    double rate, gain, contrast, grain, shift;
    double coarse, fine;             /* amplitude of octave 0 / of the others */
    double adjust, adj_min, adj_max; /* sigma adjust factor and window */
    int thresh;
} sched_fx;

static void sched_effects(const gi_gen_config *cfg, const sampler_info *smp, int32_t w, int32_t h, sched_fx *fx)
{
    *fx = (sched_fx){1.0, 1.0, 1.0, smp->grain, 1.0, 1.0, 1.0, 1.0, 0.2, 0.8, 0};
    if (!cfg->has_sched)
        return;
    /* eta: the noise of ancestral / SDE samplers scales with it; DDIM and DDPM get theirs from it */
    if (smp->eta)
        fx->grain = smp->grain > 0.0 ? smp->grain * cfg->eta : 0.025 * cfg->eta;
    /* a higher solver order converges in fewer steps */
    if (cfg->solver_order > 0)
        fx->rate *= (0.75 + 0.25 * (double)cfg->solver_order) / (0.75 + 0.25 * (double)smp->order);
    static const double SIGMA_RATE[6] = {1.0, 1.2, 1.05, 1.1, 1.15, 0.9};
    static const double SIGMA_GAIN[6] = {1.0, 1.06, 1.1, 0.95, 0.98, 1.12};
    int32_t sg = cfg->sigma >= 0 && cfg->sigma < 6 ? cfg->sigma : 0;
    fx->rate *= SIGMA_RATE[sg];
    fx->gain *= SIGMA_GAIN[sg];
    static const double BETA_CONTRAST[5] = {1.0, 1.08, 1.0, 0.9, 1.15};
    static const double BETA_GAIN[5] = {1.0, 1.03, 1.0, 0.92, 1.04};
    int32_t bs = cfg->beta_schedule >= 0 && cfg->beta_schedule < 5 ? cfg->beta_schedule : 0;
    fx->contrast *= BETA_CONTRAST[bs];
    fx->gain *= BETA_GAIN[bs];
    if (cfg->rescale_betas) /* zero terminal SNR reaches true black and white */
        fx->contrast *= 1.2;
    fx->thresh = cfg->thresholding != 0;
    if (cfg->beta_start > 0.0) /* more noise at the start: stronger coarse structure */
        fx->coarse = sqrt(sqrt(cfg->beta_start / 0.00085));
    if (cfg->beta_end > 0.0) /* more noise at the end: stronger fine detail */
        fx->fine = sqrt(sqrt(cfg->beta_end / 0.012));
    if (cfg->timesteps > 0) /* finer training discretisation: detail converges sooner */
        fx->rate *= sqrt((double)cfg->timesteps / 1000.0);
    /* flow shift, neutral at 3; 0: grows with the resolution as SD.Next's dynamic shifting */
    fx->shift = cfg->shift > 0.0 ? cfg->shift / 3.0 : 0.5 + 0.5 * sqrt((double)w * (double)h) / 1024.0;
    fx->adjust = cfg->sigma_adjust > 0.0 ? cfg->sigma_adjust : 1.0;
    fx->adj_min = cfg->sigma_adjust_min;
    fx->adj_max = cfg->sigma_adjust_max;
}

/* The flow shift applied to the noise left: s * r / (1 + (s - 1) * r), r = 1 - detail done. */
static double shifted_level(double level, double shift, int n)
{
    if (shift == 1.0 || n <= 1)
        return level;
    double r = 1.0 - (level - 1.0) / (double)(n - 1);
    r = shift * r / (1.0 + (shift - 1.0) * r);
    return 1.0 + (double)(n - 1) * (1.0 - r);
}

/* Amplitude factor of octave k of n: beta start on the coarse octave, beta end on the others,
 * and the sigma adjustment on the octaves that settle inside its window (octave k settles at
 * the fraction 1 - k / (n - 1) of the timesteps: coarse structure first). */
static double octave_factor(const sched_fx *fx, int k, int n)
{
    double f = k == 0 ? fx->coarse : fx->fine;
    if (k > 0 && fx->adjust != 1.0 && n > 1) {
        double t = 1.0 - (double)k / (double)(n - 1);
        if (t > fx->adj_min && t < fx->adj_max)
            f /= fx->adjust;
    }
    return f;
}

/* The prompt's nouns (minus negative-prompt words) as subjects. */
static int place_subjects(const gi_gen_config *cfg, uint64_t ls, double W, double H, double horizon, gi_subject *out)
{
    uint64_t pos[MAX_WORDS], neg[MAX_WORDS];
    size_t np = prompt_words(cfg->prompt, pos, MAX_WORDS);
    size_t nn = prompt_words(cfg->negative_prompt, neg, MAX_WORDS), k = 0;
    for (size_t i = 0; i < np; i++) {
        int banned = 0;
        for (size_t j = 0; j < nn && !banned; j++)
            banned = pos[i] == neg[j];
        if (!banned)
            pos[k++] = pos[i];
    }
    return gi__subjects_place(pos, k, ls, W, H, horizon, out);
}

static genapi_status gen_init(gen *g, const ga_alloc *a, const gi_gen_config *cfg, const sampler_info *smp,
                              uint64_t seed, int32_t w, int32_t h, genapi_error *err)
{
    memset(g, 0, sizeof *g);
    g->a = a;
    g->w = w;
    g->h = h;
    g->seed = seed;
    g->smp = smp;
    double nm = cfg->initial_noise_multiplier == 0.0 ? 1.0 : cfg->initial_noise_multiplier;
    g->nm = nm;
    sched_fx fx;
    sched_effects(cfg, smp, w, h, &fx);
    g->grain = fx.grain * nm * 255.0;
    build_palette(g, cfg);
    g->contrast *= fx.contrast;
    g->thresh = fx.thresh;
    g->soft = cfg->clip_skip > 1 ? 1.0 + 0.75 * (double)(cfg->clip_skip - 1) : 1.0;
    double W = (double)w, H = (double)h, mn = W < H ? W : H;
    uint64_t ls = mix64(seed ^ 0x6C61796F7574ULL); /* layout stream */
#define RND(i) unit(hash4(ls, 0x10, (uint64_t)(i), 0))
    g->horizon = H * (0.42 + 0.18 * RND(0));
    g->n_subj = place_subjects(cfg, ls, W, H, g->horizon, g->subj);
    g->sun_x = W * (0.15 + 0.7 * RND(1));
    g->sun_y = g->horizon * (0.25 + 0.45 * RND(2));
    g->sun_r = mn * (0.05 + 0.06 * RND(3));
    g->cloudiness = 0.3 + 0.6 * RND(4);
    g->n_blobs = 3 + (int)(RND(5) * 5.0);
    for (int i = 0; i < g->n_blobs; i++) {
        blob *b = &g->blobs[i];
        b->cx = W * RND(20 + i);
        b->cy = g->horizon + (H - g->horizon) * (0.45 + 0.5 * RND(40 + i));
        b->rx = mn * (0.025 + 0.05 * RND(60 + i));
        b->ry = b->rx * (0.55 + 0.5 * RND(80 + i));
        b->col = rgb_lerp(g->accent, g->nearc, 0.5 * RND(100 + i));
    }
    int n_avail = 0;
    for (double cl = (W > H ? W : H) / 2.5; n_avail < MAX_OCT && cl >= 1.0; cl /= smp->lacunarity)
        n_avail++;
    double level = shifted_level(detail_level(cfg->steps, smp->rate * fx.rate, n_avail), fx.shift, n_avail);
    /* Ridges: 1-D fBm per layer. */
    g->ridge = ga_calloc(a, (size_t)N_LAYERS * (size_t)w, sizeof *g->ridge);
    if (!g->ridge)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "Out of memory");
    for (int L = 0; L < N_LAYERS; L++) {
        double base = g->horizon + (H - g->horizon) * (0.02 + 0.27 * (double)L);
        double amp = H * (0.17 - 0.035 * (double)L);
        double cell0 = W / (2.5 + 1.5 * (double)L);
        for (int32_t x = 0; x < w; x++) {
            double sum = 0.0, norm = 0.0, am = 1.0, cell = cell0;
            for (int k = 0; k < MAX_OCT && cell >= 1.0; k++) {
                uint64_t salt = k == 0 ? 0 : smp->salt;
                sum += octave_fade(k, level) * am * (noise1d(ls ^ salt, (uint64_t)(200 + L), k, (double)x + 0.5, cell) - 0.5);
                norm += am;
                am *= smp->gain * fx.gain;
                cell /= smp->lacunarity;
            }
            g->ridge[(size_t)L * (size_t)w + (size_t)x] = base - amp * clamp01(0.5 + 1.6 * sum / norm);
        }
    }
    /* 2-D fBm lattices. */
    double cell = (W > H ? W : H) / 2.5, am = 1.0;
    g->norm = 0.0;
    for (int k = 0; k < MAX_OCT && cell >= 1.0; k++) {
        octave *o = &g->oct[k];
        g->n_oct = k + 1;
        o->cell = cell;
        o->amp = am * octave_factor(&fx, k, n_avail);
        o->fade = octave_fade(k, level);
        g->norm += o->amp;
        if (o->fade > 0.0) {
            o->gw = (int32_t)floor(W / cell) + 2;
            o->gh = (int32_t)floor(H / cell) + 2;
            o->lat = ga_malloc(a, (size_t)o->gw * (size_t)o->gh * sizeof *o->lat);
            o->col_i = ga_malloc(a, (size_t)w * sizeof *o->col_i);
            o->col_s = ga_malloc(a, (size_t)w * sizeof *o->col_s);
            if (!o->lat || !o->col_i || !o->col_s)
                return ga_err(err, GENAPI_E_NOMEM, NULL, "Out of memory");
            o->salt = ls ^ (k == 0 ? 0 : smp->salt);
            o->key = (uint64_t)k * (uint64_t)0x10001 + (uint64_t)7;
            for (int32_t x = 0; x < w; x++) {
                double u = ((double)x + 0.5) / cell, f0 = floor(u);
                o->col_i[x] = (int32_t)f0;
                o->col_s[x] = smooth(u - f0);
            }
        }
        am *= smp->gain * fx.gain;
        cell /= smp->lacunarity;
    }
#undef RND
    return GENAPI_OK;
}

/* Fill the lattice rows that image rows [0, y_end) read (rendering goes top to bottom). */
static void gen_lattice_rows(gen *g, int32_t y_end)
{
    for (int k = 0; k < g->n_oct; k++) {
        octave *o = &g->oct[k];
        if (o->fade <= 0.0)
            continue;
        int32_t need = (int32_t)floor(((double)y_end - 0.5) / o->cell) + 2;
        need = need > o->gh ? o->gh : need;
        for (int32_t j = o->lat_rows; j < need; j++)
            for (int32_t i = 0; i < o->gw; i++)
                o->lat[(size_t)j * (size_t)o->gw + (size_t)i] = unit(hash4(o->salt, o->key, (uint64_t)i, (uint64_t)j));
        if (need > o->lat_rows)
            o->lat_rows = need;
    }
}

/* fBm value in [0, 1] at (x, y); row data per octave precomputed by the caller. */
static double field(const gen *g, int32_t x, const int32_t *row_j, const double *row_s)
{
    double sum = 0.0;
    for (int k = 0; k < g->n_oct; k++) {
        const octave *o = &g->oct[k];
        if (o->fade <= 0.0)
            continue;
        int32_t i = o->col_i[x], j = row_j[k];
        double sx = o->col_s[x], sy = row_s[k];
        const double *l0 = o->lat + (size_t)j * (size_t)o->gw + (size_t)i, *l1 = l0 + o->gw;
        double v = lerp(lerp(l0[0], l0[1], sx), lerp(l1[0], l1[1], sx), sy);
        sum += o->fade * o->amp * (v - 0.5);
    }
    return clamp01(0.5 + 1.5 * sum / g->norm);
}

static rgb landscape(const gen *g, int32_t x, int32_t y, double f)
{
    double X = (double)x + 0.5, Y = (double)y + 0.5;
    double t = clamp01(Y / g->horizon);
    rgb c = rgb_lerp(g->sky_top, g->sky_hor, t);
    /* sun glow and disc */
    double dx = X - g->sun_x, dy = Y - g->sun_y, d2 = dx * dx + dy * dy, r2 = g->sun_r * g->sun_r;
    double glow = 0.35 * r2 / (r2 + d2 * 0.12);
    c = rgb_lerp(c, g->sun, glow);
    c = rgb_lerp(c, g->sun, clamp01((r2 - d2) / (2.0 * g->sun_r) + 0.5));
    /* clouds */
    double cm = clamp01((f - (0.62 - 0.22 * g->cloudiness)) * 4.0) * (1.0 - 0.6 * t);
    c = rgb_lerp(c, g->cloud, 0.85 * cm);
    /* ridges, far to near */
    for (int L = 0; L < N_LAYERS; L++) {
        double ry = g->ridge[(size_t)L * (size_t)g->w + (size_t)x];
        double a = clamp01(Y - ry + 0.5);
        if (a <= 0.0)
            continue;
        double depth = (double)L / (double)(N_LAYERS - 1);
        rgb base = rgb_lerp(g->far, g->nearc, depth);
        base = rgb_lerp(base, g->sky_hor, 0.35 * (1.0 - depth));
        double dd = clamp01((Y - ry) / (double)g->h * 3.0);
        base = rgb_scale(base, (1.0 - 0.3 * dd) * (0.8 + 0.45 * (f - 0.5)));
        c = rgb_lerp(c, base, a);
    }
    /* rounded shapes */
    for (int i = 0; i < g->n_blobs; i++) {
        const blob *b = &g->blobs[i];
        double bx = (X - b->cx) / b->rx, by = (Y - b->cy) / b->ry;
        if (bx < -1.2 || bx > 1.2 || by < -1.2 || by > 1.2)
            continue;
        double q = bx * bx + by * by;
        double a = clamp01((1.0 - q) * b->rx * 0.5);
        if (a <= 0.0)
            continue;
        rgb bc = rgb_scale(b->col, 0.8 + 0.25 * (-by) + 0.2 * (f - 0.5));
        c = rgb_lerp(c, bc, a);
    }
    /* the prompt's subjects, in front */
    for (int i = 0; i < g->n_subj; i++) {
        rgb sc;
        double a = gi__subject_paint(&g->subj[i], X, Y, g->soft, g->accent, &sc);
        if (a > 0.0)
            c = rgb_lerp(c, rgb_scale(sc, 0.88 + 0.24 * (f - 0.5)), a);
    }
    return c;
}

/* A palette picture whose luminance follows the given value in [0, 1]. */
static rgb structured(const gen *g, double lum, double f)
{
    double v = clamp01(lum + 0.25 * (f - 0.5)) * 3.0;
    int seg = v >= 3.0 ? 2 : (int)v;
    return rgb_lerp(g->ramp[seg], g->ramp[seg + 1], v - (double)seg);
}

static double finish(const gen *g, double v, double grain)
{
    v = 0.5 + (v - 0.5) * g->contrast;
    if (g->thresh) { /* dynamic thresholding: values past the 10 % margins are pulled in */
        if (v > 0.9)
            v = 0.9 + (v - 0.9) * 0.25;
        else if (v < 0.1)
            v = 0.1 + (v - 0.1) * 0.25;
    }
    return v * 255.0 + grain;
}

/* Render rows [y0, y1) into out (w x h). With init == NULL: the txt2img picture. Otherwise the
 * img2img blend of init (w x h) at denoising strength d. */
static void gen_render_rows(gen *g, const gi_image *init, double d, gi_image *out, int32_t y0, int32_t y1)
{
    int32_t row_j[MAX_OCT];
    double row_s[MAX_OCT];
    gen_lattice_rows(g, y1);
    for (int32_t y = y0; y < y1; y++) {
        for (int k = 0; k < g->n_oct; k++) {
            double u = ((double)y + 0.5) / g->oct[k].cell, f0 = floor(u);
            row_j[k] = (int32_t)f0;
            row_s[k] = smooth(u - f0);
        }
        for (int32_t x = 0; x < g->w; x++) {
            size_t px = ((size_t)y * (size_t)g->w + (size_t)x) * 4;
            double f = field(g, x, row_j, row_s);
            double grain = 0.0;
            if (g->grain > 0.0)
                grain = g->grain * (unit(hash4(g->seed, 0xA5, (uint64_t)x, (uint64_t)y)) - 0.5);
            rgb c = landscape(g, x, y, f);
            uint8_t T[3] = {to_u8(finish(g, c.r, grain)), to_u8(finish(g, c.g, grain)), to_u8(finish(g, c.b, grain))};
            if (!init) {
                memcpy(out->rgba + px, T, 3);
                out->rgba[px + 3] = 255;
                continue;
            }
            const uint8_t *ip = init->rgba + px;
            if (d <= 0.0) {
                memcpy(out->rgba + px, ip, 3);
            } else if (d >= 1.0) {
                memcpy(out->rgba + px, T, 3);
            } else {
                double lum = (0.299 * ip[0] + 0.587 * ip[1] + 0.114 * ip[2]) / 255.0;
                rgb s = structured(g, lum, f);
                uint8_t S[3] = {to_u8(finish(g, s.r, grain)), to_u8(finish(g, s.g, grain)),
                                to_u8(finish(g, s.b, grain))};
                for (int ch = 0; ch < 3; ch++) {
                    double gv = lerp((double)S[ch], (double)T[ch], d);
                    out->rgba[px + (size_t)ch] = to_u8(lerp((double)ip[ch], gv, d));
                }
            }
            out->rgba[px + 3] = 255;
        }
    }
}

/* The fBm value field() gives at pixel centre (X, Y), for any point: the lattice values are
 * hashed where they are needed instead of read from the rows filled so far. */
static double field_at(const gen *g, double X, double Y)
{
    double sum = 0.0;
    for (int k = 0; k < g->n_oct; k++) {
        const octave *o = &g->oct[k];
        if (o->fade <= 0.0)
            continue;
        double u = X / o->cell, v = Y / o->cell, fu = floor(u), fv = floor(v);
        double sx = smooth(u - fu), sy = smooth(v - fv);
        uint64_t i = (uint64_t)(int64_t)fu, jj = (uint64_t)(int64_t)fv;
        double l00 = unit(hash4(o->salt, o->key, i, jj)), l10 = unit(hash4(o->salt, o->key, i + 1, jj));
        double l01 = unit(hash4(o->salt, o->key, i, jj + 1)), l11 = unit(hash4(o->salt, o->key, i + 1, jj + 1));
        sum += o->fade * o->amp * (lerp(lerp(l00, l10, sx), lerp(l01, l11, sx), sy) - 0.5);
    }
    return clamp01(0.5 + 1.5 * sum / g->norm);
}

/* Detailer rows [y0, y1) of detection d: inside its box (feathered by blur pixels) the picture
 * of the pass's generator g2 replaces out by `strength`. The pass renders the crop of the box
 * grown by `pad` at the full image size, as an inpainting of only the masked area does: its
 * texture is that of the crop magnified, so more padding gives a coarser texture. */
static void detail_rows(const gen *g2, const gi_detection *d, int32_t pad, int32_t blur, double strength, gi_image *out,
                        int32_t y0, int32_t y1)
{
    double cx0 = (double)(d->x0 - pad < 0 ? 0 : d->x0 - pad), cy0 = (double)(d->y0 - pad < 0 ? 0 : d->y0 - pad);
    double cx1 = (double)(d->x1 + pad > out->width ? out->width : d->x1 + pad);
    double cy1 = (double)(d->y1 + pad > out->height ? out->height : d->y1 + pad);
    double zx = (double)out->width / (cx1 - cx0), zy = (double)out->height / (cy1 - cy0);
    for (int32_t y = y0; y < y1; y++) {
        double Y = (double)y + 0.5;
        for (int32_t x = d->rx0; x < d->rx1; x++) {
            double X = (double)x + 0.5;
            double e = X - (double)d->x0;
            double e2 = (double)d->x1 - X, e3 = Y - (double)d->y0, e4 = (double)d->y1 - Y;
            e = e2 < e ? e2 : e;
            e = e3 < e ? e3 : e;
            e = e4 < e ? e4 : e;
            double m = blur > 0 ? clamp01(0.5 + e / (double)blur) : (e > 0.0 ? 1.0 : 0.0);
            if (m <= 0.0)
                continue;
            double zX = (X - cx0) * zx, zY = (Y - cy0) * zy;
            double f = field_at(g2, zX, zY);
            double grain = 0.0;
            if (g2->grain > 0.0)
                grain = g2->grain * (unit(hash4(g2->seed, 0xA5, (uint64_t)(int64_t)zX, (uint64_t)(int64_t)zY)) - 0.5);
            rgb c = landscape(g2, x, y, f);
            double v[3] = {finish(g2, c.r, grain), finish(g2, c.g, grain), finish(g2, c.b, grain)};
            uint8_t *p = out->rgba + ((size_t)y * (size_t)out->width + (size_t)x) * 4;
            double t = strength * m;
            for (int ch = 0; ch < 3; ch++)
                p[ch] = to_u8(lerp((double)p[ch], (double)to_u8(v[ch]), t));
        }
    }
}

/* ---------------------------------------------------------------------------------------------
 * img2img helpers, each over a range of rows (or lines) so the work can be split in steps */

/* Size an image is resized to before it is cropped / filled to w x h by resize_mode 1 (cover +
 * centre crop) or 2 (fit + edge fill); modes 0 and 3 stretch straight to w x h. */
static genapi_status fit_size(const gi_image *src, int32_t w, int32_t h, int32_t mode, int32_t *rw_out,
                              int32_t *rh_out, genapi_error *err)
{
    if (mode != 1 && mode != 2) {
        *rw_out = w;
        *rh_out = h;
        return GENAPI_OK;
    }
    double sx = (double)w / (double)src->width, sy = (double)h / (double)src->height;
    double s = mode == 1 ? (sx > sy ? sx : sy) : (sx < sy ? sx : sy);
    double rw = floor((double)src->width * s + 0.5), rh = floor((double)src->height * s + 0.5);
    if (mode == 1) {
        if (rw < (double)w)
            rw = (double)w;
        if (rh < (double)h)
            rh = (double)h;
    } else {
        rw = rw < 1.0 ? 1.0 : rw > (double)w ? (double)w : rw;
        rh = rh < 1.0 ? 1.0 : rh > (double)h ? (double)h : rh;
    }
    if (rw > (double)GI_MAX_SIDE || rh > (double)GI_MAX_SIDE || rw * rh > (double)GI_MAX_PIXELS)
        return ga_err(err, GENAPI_E_INVALID_ARG, "init_images", "Init image too large to fit");
    *rw_out = (int32_t)rw;
    *rh_out = (int32_t)rh;
    return GENAPI_OK;
}

/* Rows [y0, y1) of out (w x h) from the resized image mid, centred: mode 1 crops, mode 2
 * repeats the edge pixels. */
static void fit_copy_rows(const gi_image *mid, gi_image *out, int32_t y0, int32_t y1)
{
    int32_t w = out->width, h = out->height;
    int32_t ox = (mid->width - w) / 2, oy = (mid->height - h) / 2; /* mode 1: >= 0; mode 2: <= 0 */
    for (int32_t y = y0; y < y1; y++) {
        int32_t yy = y + oy;
        yy = yy < 0 ? 0 : yy >= mid->height ? mid->height - 1 : yy;
        for (int32_t x = 0; x < w; x++) {
            int32_t xx = x + ox;
            xx = xx < 0 ? 0 : xx >= mid->width ? mid->width - 1 : xx;
            memcpy(out->rgba + ((size_t)y * (size_t)w + (size_t)x) * 4,
                   mid->rgba + ((size_t)yy * (size_t)mid->width + (size_t)xx) * 4, 4);
        }
    }
}

/* Rows [y0, y1) of the binary mask: luminance > 127 (inverted on request) gives 255. */
static void threshold_rows(const gi_image *mask, int invert, uint8_t *m, int32_t y0, int32_t y1)
{
    size_t w = (size_t)mask->width;
    for (size_t i = (size_t)y0 * w; i < (size_t)y1 * w; i++) {
        const uint8_t *p = mask->rgba + i * 4;
        uint32_t l = (299u * p[0] + 587u * p[1] + 114u * p[2] + 500u) / 1000u;
        int on = l > 127;
        if (invert)
            on = !on;
        m[i] = on ? 255 : 0;
    }
}

/* Lines [l0, l1) of one box-blur pass of radius r along rows (horiz) or columns, edges clamped.
 * Two passes per axis, twice, make a triangle kernel, close to a Gaussian of sigma ~ blur / 1.7. */
static void box_lines(const uint8_t *src, uint8_t *dst, int32_t w, int32_t h, int32_t r, int horiz, int32_t l0,
                      int32_t l1)
{
    int32_t n = horiz ? w : h;
    size_t step = horiz ? 1 : (size_t)w, lstep = horiz ? (size_t)w : 1;
    uint32_t div = (uint32_t)(2 * r + 1);
    for (int32_t l = l0; l < l1; l++) {
        const uint8_t *s = src + (size_t)l * lstep;
        uint8_t *d = dst + (size_t)l * lstep;
        uint32_t sum = 0;
        for (int32_t i = -r; i <= r; i++) {
            int32_t c = i < 0 ? 0 : i >= n ? n - 1 : i;
            sum += s[(size_t)c * step];
        }
        for (int32_t i = 0; i < n; i++) {
            d[(size_t)i * step] = (uint8_t)((sum + div / 2) / div);
            int32_t out_i = i - r, in_i = i + r + 1;
            out_i = out_i < 0 ? 0 : out_i;
            in_i = in_i >= n ? n - 1 : in_i;
            sum = sum - s[(size_t)out_i * step] + s[(size_t)in_i * step];
        }
    }
}

/* Bounding box of the non-zero alpha values (x1 < 0 when there is none). */
typedef struct bbox {
    int32_t x0, y0, x1, y1;
} bbox;

static void bbox_rows(const uint8_t *alpha, int32_t w, bbox *b, int32_t y0, int32_t y1)
{
    for (int32_t y = y0; y < y1; y++)
        for (int32_t x = 0; x < w; x++)
            if (alpha[(size_t)y * (size_t)w + (size_t)x]) {
                b->x0 = x < b->x0 ? x : b->x0;
                b->x1 = x > b->x1 ? x : b->x1;
                b->y0 = y < b->y0 ? y : b->y0;
                b->y1 = y > b->y1 ? y : b->y1;
            }
}

/* Pre-fill of the masked pixels (alpha > 0) per inpainting_fill: 0 the mean of the unmasked
 * pixels around the masked area (its bounding box grown by 16 px + 1/16 of the image side; the
 * whole image if that ring has none), 2 noise, 3 black; 1 keeps the pixels. */
typedef struct prefill_state {
    const gi_image *img; /* read */
    gi_image *dst;       /* written (may be img) */
    const uint8_t *alpha;
    bbox box;
    int32_t ax0, ay0, ax1, ay1; /* the ring being averaged */
    double acc[3], cnt, avg[3];
    int found;
} prefill_state;

static void prefill_ring(prefill_state *s, int whole)
{
    int32_t w = s->img->width, h = s->img->height;
    int32_t margin = 16 + (w > h ? w : h) / 16;
    int32_t ax0 = whole ? 0 : s->box.x0 - margin, ay0 = whole ? 0 : s->box.y0 - margin;
    int32_t ax1 = whole ? w - 1 : s->box.x1 + margin, ay1 = whole ? h - 1 : s->box.y1 + margin;
    s->ax0 = ax0 < 0 ? 0 : ax0;
    s->ay0 = ay0 < 0 ? 0 : ay0;
    s->ax1 = ax1 >= w ? w - 1 : ax1;
    s->ay1 = ay1 >= h ? h - 1 : ay1;
    s->acc[0] = s->acc[1] = s->acc[2] = 0.0;
    s->cnt = 0.0;
}

/* Rows [ay0 + r0, ay0 + r1) of the ring. */
static void prefill_avg_rows(prefill_state *s, int32_t r0, int32_t r1)
{
    size_t w = (size_t)s->img->width;
    for (int32_t y = s->ay0 + r0; y < s->ay0 + r1; y++)
        for (int32_t x = s->ax0; x <= s->ax1; x++) {
            size_t i = (size_t)y * w + (size_t)x;
            if (s->alpha[i] == 0) {
                for (int c = 0; c < 3; c++)
                    s->acc[c] += s->img->rgba[i * 4 + (size_t)c];
                s->cnt += 1.0;
            }
        }
}

static void prefill_avg_end(prefill_state *s)
{
    if (s->cnt > 0.0) {
        for (int c = 0; c < 3; c++)
            s->avg[c] = s->acc[c] / s->cnt;
        s->found = 1;
    }
}

static void prefill_fill_rows(prefill_state *s, int32_t fill, uint64_t seed, double nm, int32_t y0, int32_t y1)
{
    size_t w = (size_t)s->img->width;
    if (s->dst != s->img)
        memcpy(s->dst->rgba + (size_t)y0 * w * 4, s->img->rgba + (size_t)y0 * w * 4, (size_t)(y1 - y0) * w * 4);
    for (size_t i = (size_t)y0 * w; i < (size_t)y1 * w; i++) {
        if (s->alpha[i] == 0)
            continue;
        uint8_t *p = s->dst->rgba + i * 4;
        for (int c = 0; c < 3; c++) {
            double v = 0.0;
            if (fill == 0)
                v = s->avg[c];
            else if (fill == 2)
                v = 127.5 + 255.0 * nm * (unit(hash4(seed, 0x4E, (uint64_t)i, (uint64_t)c)) - 0.5);
            p[c] = to_u8(v);
        }
    }
}

/* Rows [y0, y1) of p (placed at (x0, y0 + row) of dst) blended over dst by alpha (row width aw,
 * same offset): dst = dst + (p - dst) * alpha. */
static void composite_rows(gi_image *dst, const gi_image *p, const uint8_t *alpha, int32_t x0, int32_t oy, int32_t aw,
                           int32_t y0, int32_t y1)
{
    for (int32_t y = y0; y < y1; y++)
        for (int32_t x = 0; x < p->width; x++) {
            uint8_t al = alpha[(size_t)(y + oy) * (size_t)aw + (size_t)(x + x0)];
            if (al == 0)
                continue;
            uint8_t *o = dst->rgba + ((size_t)(y + oy) * (size_t)dst->width + (size_t)(x + x0)) * 4;
            const uint8_t *s = p->rgba + ((size_t)y * (size_t)p->width + (size_t)x) * 4;
            double t = (double)al / 255.0;
            for (int c = 0; c < 3; c++)
                o[c] = to_u8(lerp((double)o[c], (double)s[c], t));
        }
}

/* The region inpaint_full_res works on: the mask's bounding box + padding, grown toward the
 * target aspect ratio while staying inside the W0 x H0 image. */
static void full_res_box(const gi_gen_config *cfg, bbox b, int32_t W0, int32_t H0, int32_t *cx, int32_t *cy,
                         int32_t *cw, int32_t *ch)
{
    int64_t pad = cfg->inpaint_full_res_padding;
    int64_t bx0 = b.x0 - pad, by0 = b.y0 - pad, bx1 = (int64_t)b.x1 + 1 + pad, by1 = (int64_t)b.y1 + 1 + pad;
    bx0 = bx0 < 0 ? 0 : bx0;
    by0 = by0 < 0 ? 0 : by0;
    bx1 = bx1 > W0 ? W0 : bx1;
    by1 = by1 > H0 ? H0 : by1;
    double target = (double)cfg->width / (double)cfg->height;
    double bw = (double)(bx1 - bx0), bh = (double)(by1 - by0);
    if (bw / bh < target) {
        int64_t want = (int64_t)floor(bh * target + 0.5);
        if (want > W0)
            want = W0;
        int64_t grow = want - (bx1 - bx0);
        bx0 -= grow / 2;
        bx1 = bx0 + want;
        if (bx0 < 0) {
            bx1 -= bx0;
            bx0 = 0;
        }
        if (bx1 > W0) {
            bx0 -= bx1 - W0;
            bx1 = W0;
        }
    } else {
        int64_t want = (int64_t)floor(bw / target + 0.5);
        if (want > H0)
            want = H0;
        int64_t grow = want - (by1 - by0);
        by0 -= grow / 2;
        by1 = by0 + want;
        if (by0 < 0) {
            by1 -= by0;
            by0 = 0;
        }
        if (by1 > H0) {
            by0 -= by1 - H0;
            by1 = H0;
        }
    }
    *cx = (int32_t)bx0;
    *cy = (int32_t)by0;
    *cw = (int32_t)(bx1 - bx0);
    *ch = (int32_t)(by1 - by0);
}

/* ---------------------------------------------------------------------------------------------
 * Validation */

static int image_valid(const gi_image *im)
{
    return im && im->rgba && im->width > 0 && im->height > 0 && im->width <= GI_MAX_SIDE &&
           im->height <= GI_MAX_SIDE && (int64_t)im->width * im->height <= GI_MAX_PIXELS;
}

static genapi_status validate(const gi_gen_config *cfg, genapi_error *err)
{
    if (cfg->width < 8 || cfg->width > 4096)
        return ga_err(err, GENAPI_E_INVALID_ARG, "width", "width must be in 8..4096, got %d", (int)cfg->width);
    if (cfg->height < 8 || cfg->height > 4096)
        return ga_err(err, GENAPI_E_INVALID_ARG, "height", "height must be in 8..4096, got %d", (int)cfg->height);
    if (cfg->steps < 1)
        return ga_err(err, GENAPI_E_INVALID_ARG, "steps", "steps must be >= 1, got %d", (int)cfg->steps);
    if (!(cfg->cfg_scale >= 0.0 && cfg->cfg_scale <= 1e6))
        return ga_err(err, GENAPI_E_INVALID_ARG, "cfg_scale", "cfg_scale must be a number >= 0");
    if (!(cfg->initial_noise_multiplier >= 0.0 && cfg->initial_noise_multiplier <= 100.0))
        return ga_err(err, GENAPI_E_INVALID_ARG, "initial_noise_multiplier",
                      "initial_noise_multiplier must be in 0..100");
    if (cfg->sampler_name && gi_sampler_index(cfg->sampler_name) < 0)
        return ga_err(err, GENAPI_E_INVALID_ARG, "sampler_name",
                      "Sampler not found: '%.200s' (valid: Euler, Euler a, DPM++ 2M, DPM++ 2M Karras, DPM++ SDE, "
                      "DDIM, UniPC, Heun, LMS, ...)",
                      cfg->sampler_name);
    if (!cfg->init)
        return GENAPI_OK;
    if (!image_valid(cfg->init))
        return ga_err(err, GENAPI_E_INVALID_ARG, "init_images", "Init image is empty or invalid");
    if (!(cfg->denoising_strength >= 0.0 && cfg->denoising_strength <= 1.0))
        return ga_err(err, GENAPI_E_INVALID_ARG, "denoising_strength", "denoising_strength must be in [0, 1]");
    if (cfg->resize_mode < 0 || cfg->resize_mode > 3)
        return ga_err(err, GENAPI_E_INVALID_ARG, "resize_mode", "resize_mode must be 0..3, got %d",
                      (int)cfg->resize_mode);
    if (cfg->mask) {
        if (!image_valid(cfg->mask) || cfg->mask->width != cfg->init->width ||
            cfg->mask->height != cfg->init->height)
            return ga_err(err, GENAPI_E_INVALID_ARG, "mask", "mask must be a valid image of the init image's size");
        if (cfg->mask_blur < 0 || cfg->mask_blur > 512)
            return ga_err(err, GENAPI_E_INVALID_ARG, "mask_blur", "mask_blur must be in 0..512");
        if (cfg->inpainting_fill < 0 || cfg->inpainting_fill > 3)
            return ga_err(err, GENAPI_E_INVALID_ARG, "inpainting_fill", "inpainting_fill must be 0..3");
        if (cfg->inpaint_full_res_padding < 0 || cfg->inpaint_full_res_padding > GI_MAX_SIDE)
            return ga_err(err, GENAPI_E_INVALID_ARG, "inpaint_full_res_padding",
                          "inpaint_full_res_padding must be >= 0");
    }
    return GENAPI_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Generation in steps
 *
 * A job is a fixed list of phases, each a loop over rows (or lines) of one image. A step runs
 * whole rows of the current phase, and of the next ones, until its work budget is spent (at
 * least one row). Every phase's share of the total work is fixed when the job begins (from the
 * sizes then known; the region of a full-resolution inpainting is estimated at the output size),
 * so the progress never goes back. */

/* Work units per pixel of each kind of row (about a nanosecond each on the reference machine). */
#define U_RENDER 60    /* txt2img picture */
#define U_RENDER_I2I 95 /* img2img blend (two palettes) */
#define U_THRESH 3
#define U_BLUR 3       /* one box pass */
#define U_SCAN 2
#define U_AVG 2
#define U_FILL 3
#define U_FILL_NOISE 45
#define U_COPY 3       /* fit copy, crop */
#define U_COMPOSITE 8
#define U_DETAIL 250   /* detailer pass: the picture again, its texture hashed at zoomed points */

enum ph_kind {
    PH_RS,       /* arg: resample id (RS_*) */
    PH_FIT_COPY, /* arg: 0 init, 1 mask */
    PH_THRESH,
    PH_BLUR,     /* arg: 0 along rows, 1 along columns */
    PH_BBOX,     /* full-res: bounding box of the mask; sets up the region */
    PH_CROP,     /* full-res: the region of the init image and of the alpha */
    PH_PF_SCAN,
    PH_PF_AVG,   /* arg: 0 the ring, 1 the whole image */
    PH_PF_FILL,
    PH_RENDER,   /* txt2img / img2img: into out; full-res: the region picture */
    PH_RENDER_COMP, /* inpainting: picture row, then composited over the fitted init */
    PH_FINAL,    /* full-res: init rows with the region composited */
    PH_DETAIL    /* detailer: arg = detection; rows of its region re-rendered and blended */
};

enum { RS_INIT, RS_MASK, RS_REGION, RS_BACK };
enum { MODE_TXT, MODE_I2I, MODE_MASK, MODE_FULL };

#define MAX_PHASES 20

typedef struct phase {
    int kind, arg;
    int32_t rows;  /* set when the phase starts */
    int64_t cost;  /* work units of one row; set when the phase starts */
    int64_t share; /* of the total work, fixed at begin */
} phase;

struct gi_gen_job {
    const ga_alloc *a;
    gi_gen_config cfg; /* copy; the init and mask images stay borrowed */
    int mode;
    uint64_t seed;
    double nm;
    gen g;
    gi_image out;
    int32_t rows_ready;
    int32_t fit_w, fit_h; /* size before the crop / fill of resize modes 1 and 2 */
    gi__rs rs;
    gi_image mid, initf, maskf, base, p;
    uint8_t *alpha, *btmp;
    int32_t aw, ah, blur_r;
    prefill_state pf;
    /* full-res region */
    bbox box;
    int32_t cx, cy, cw, ch;
    gi_image c, cwimg, pc;
    uint8_t *ca;
    /* phases */
    phase ph[MAX_PHASES];
    int n_ph, cur, started;
    int32_t pos;
    int64_t done_before, total;
    genapi_status failed;
    /* detailer */
    gen g2; /* the pass's generator: its prompt, steps and sampler, the same subjects */
    gi_detection det[GI_MAX_DETECTIONS];
    int n_det;
    int32_t detail_y0; /* rows above are final once rendered */
};

static void add_phase(gi_gen_job *j, int kind, int arg, int32_t rows, int64_t cost)
{
    phase *p = &j->ph[j->n_ph++];
    p->kind = kind;
    p->arg = arg;
    p->rows = rows;
    p->cost = cost;
    p->share = (int64_t)rows * cost;
    j->total += p->share;
}

/* Phases of a resample of an sw x sh image to w x h (share estimated from the sizes: tap-table
 * widths of the AUTO kernel, 2 when growing, ceil(scale) + 2 when shrinking). */
static void add_resample(gi_gen_job *j, int id, int32_t sw, int32_t sh, int32_t w, int32_t h)
{
    int32_t tx = sw > w ? (sw + w - 1) / w + 2 : 2, ty = sh > h ? (sh + h - 1) / h + 2 : 2;
    int64_t w4 = (int64_t)w * 4;
    add_phase(j, PH_RS, id, h, (w4 * (ty + 1) + w4 * (tx + 1) * sh / h) * 3 / 2);
}

static void add_prefill(gi_gen_job *j, int32_t w, int32_t h)
{
    int32_t fill = j->cfg.inpainting_fill;
    if (fill == 1)
        return;
    if (fill == 0) {
        add_phase(j, PH_PF_SCAN, 0, h, (int64_t)w * U_SCAN);
        add_phase(j, PH_PF_AVG, 0, h, (int64_t)w * U_AVG);
        add_phase(j, PH_PF_AVG, 1, h, (int64_t)w * U_AVG);
    }
    add_phase(j, PH_PF_FILL, 0, h, (int64_t)w * (fill == 2 ? U_FILL_NOISE : U_FILL));
}

static void add_mask_phases(gi_gen_job *j, int32_t w, int32_t h)
{
    add_phase(j, PH_THRESH, 0, h, (int64_t)w * U_THRESH);
    if (j->cfg.mask_blur > 0)
        for (int rep = 0; rep < 2; rep++) {
            add_phase(j, PH_BLUR, 0, h, (int64_t)w * U_BLUR);
            add_phase(j, PH_BLUR, 1, w, (int64_t)h * U_BLUR);
        }
}

static void add_fit(gi_gen_job *j, int id, int32_t w, int32_t h)
{
    const gi_image *src = id == RS_INIT ? j->cfg.init : j->cfg.mask;
    add_resample(j, id, src->width, src->height, j->fit_w, j->fit_h);
    if (j->cfg.resize_mode == 1 || j->cfg.resize_mode == 2)
        add_phase(j, PH_FIT_COPY, id, h, (int64_t)w * U_COPY);
}

static int64_t render_units(const gi_gen_job *j)
{
    double d = j->cfg.denoising_strength;
    return j->mode == MODE_TXT || d <= 0.0 || d >= 1.0 ? U_RENDER : U_RENDER_I2I;
}

static void add_detail_phases(gi_gen_job *j)
{
    for (int i = 0; i < j->n_det; i++) {
        const gi_detection *d = &j->det[i];
        add_phase(j, PH_DETAIL, i, d->ry1 - d->ry0, (int64_t)(d->rx1 - d->rx0) * U_DETAIL);
    }
}

static void build_phases(gi_gen_job *j)
{
    int32_t w = j->cfg.width, h = j->cfg.height;
    switch (j->mode) {
    case MODE_TXT:
        add_phase(j, PH_RENDER, 0, h, (int64_t)w * U_RENDER);
        break;
    case MODE_I2I:
        add_fit(j, RS_INIT, w, h);
        add_phase(j, PH_RENDER, 0, h, (int64_t)w * render_units(j));
        break;
    case MODE_MASK:
        add_fit(j, RS_INIT, w, h);
        add_fit(j, RS_MASK, w, h);
        add_mask_phases(j, w, h);
        add_prefill(j, w, h);
        add_phase(j, PH_RENDER_COMP, 0, h, (int64_t)w * (render_units(j) + U_COMPOSITE));
        break;
    default: { /* MODE_FULL: the region is estimated at the output size until it is known */
        int32_t W0 = j->cfg.init->width, H0 = j->cfg.init->height;
        add_mask_phases(j, W0, H0);
        add_phase(j, PH_BBOX, 0, H0, (int64_t)W0 * U_SCAN);
        add_phase(j, PH_CROP, 0, h, (int64_t)w * U_COPY);
        add_prefill(j, w, h);
        add_resample(j, RS_REGION, w, h, w, h);
        add_phase(j, PH_RENDER, 0, h, (int64_t)w * render_units(j));
        add_resample(j, RS_BACK, w, h, w, h);
        add_phase(j, PH_FINAL, 0, H0, (int64_t)W0 * (U_COPY + U_COMPOSITE));
        break;
    }
    }
    add_detail_phases(j);
}

/* The source, destination and size of a resample. */
static void rs_spec(gi_gen_job *j, int id, const gi_image **src, gi_image **dst, int32_t *w, int32_t *h)
{
    int crop = j->cfg.resize_mode == 1 || j->cfg.resize_mode == 2;
    switch (id) {
    case RS_INIT:
    case RS_MASK:
        *src = id == RS_INIT ? j->cfg.init : j->cfg.mask;
        *dst = crop ? &j->mid : id == RS_INIT ? &j->initf : &j->maskf;
        *w = j->fit_w;
        *h = j->fit_h;
        break;
    case RS_REGION:
        *src = &j->c;
        *dst = &j->cwimg;
        *w = j->g.w;
        *h = j->g.h;
        break;
    default:
        *src = &j->p;
        *dst = &j->pc;
        *w = j->cw;
        *h = j->ch;
        break;
    }
}

static genapi_status alloc_bytes(const ga_alloc *a, uint8_t **p, size_t n, genapi_error *err)
{
    *p = ga_malloc(a, n ? n : 1);
    return *p ? GENAPI_OK : ga_err(err, GENAPI_E_NOMEM, NULL, "Out of memory");
}

/* The image a prefill reads and the one it writes. */
static void prefill_target(gi_gen_job *j)
{
    if (j->mode == MODE_FULL) {
        j->pf.img = &j->c;
        j->pf.dst = &j->c;
        j->pf.alpha = j->ca;
    } else {
        j->pf.img = &j->initf;
        j->pf.dst = &j->base;
        j->pf.alpha = j->alpha;
    }
}

/* Allocate what a phase needs and fix its row count and row cost. Buffers are not zeroed:
 * every row is written before it is read (zeroing would touch every page up front, costing
 * about a millisecond per megabyte-sized image in one step). */
static genapi_status phase_start(gi_gen_job *j, phase *p, genapi_error *err)
{
    const ga_alloc *a = j->a;
    genapi_status st = GENAPI_OK;
    int empty = j->mode == MODE_FULL && j->box.x1 < 0;
    switch (p->kind) {
    case PH_RS: {
        if (empty && (p->arg == RS_REGION || p->arg == RS_BACK)) {
            p->rows = 0;
            break;
        }
        const gi_image *src;
        gi_image *dst;
        int32_t w, h;
        rs_spec(j, p->arg, &src, &dst, &w, &h);
        st = gi__rs_begin(a, src, w, h, GI_K_AUTO, &j->rs, dst, err);
        if (st != GENAPI_OK)
            break;
        p->rows = h;
        p->cost = gi__rs_row_cost(&j->rs);
        break;
    }
    case PH_FIT_COPY:
        st = gi__image_alloc_raw(a, j->cfg.width, j->cfg.height, p->arg == RS_INIT ? &j->initf : &j->maskf, err);
        break;
    case PH_THRESH: {
        const gi_image *m = j->mode == MODE_FULL ? j->cfg.mask : &j->maskf;
        j->aw = m->width;
        j->ah = m->height;
        st = alloc_bytes(a, &j->alpha, (size_t)j->aw * (size_t)j->ah, err);
        if (st == GENAPI_OK && j->cfg.mask_blur > 0)
            st = alloc_bytes(a, &j->btmp, (size_t)j->aw * (size_t)j->ah, err);
        j->blur_r = (j->cfg.mask_blur + 1) / 2;
        break;
    }
    case PH_BBOX:
        j->box = (bbox){j->aw, j->ah, -1, -1};
        break;
    case PH_CROP:
        if (empty) {
            p->rows = 0;
            break;
        }
        full_res_box(&j->cfg, j->box, j->aw, j->ah, &j->cx, &j->cy, &j->cw, &j->ch);
        st = gi__image_alloc_raw(a, j->cw, j->ch, &j->c, err);
        if (st == GENAPI_OK)
            st = alloc_bytes(a, &j->ca, (size_t)j->cw * (size_t)j->ch, err);
        p->rows = j->ch;
        p->cost = (int64_t)j->cw * U_COPY;
        break;
    case PH_PF_SCAN:
        if (empty) {
            p->rows = 0;
            break;
        }
        prefill_target(j);
        j->pf.box = (bbox){j->pf.img->width, j->pf.img->height, -1, -1};
        p->rows = j->pf.img->height;
        p->cost = (int64_t)j->pf.img->width * U_SCAN;
        break;
    case PH_PF_AVG:
        if (empty || (p->arg == 1 && j->pf.found)) {
            p->rows = 0;
            break;
        }
        prefill_ring(&j->pf, p->arg);
        p->rows = j->pf.ay1 >= j->pf.ay0 ? j->pf.ay1 - j->pf.ay0 + 1 : 0;
        p->cost = (int64_t)(j->pf.ax1 >= j->pf.ax0 ? j->pf.ax1 - j->pf.ax0 + 1 : 0) * U_AVG + 1;
        break;
    case PH_PF_FILL:
        if (empty) {
            p->rows = 0;
            break;
        }
        prefill_target(j);
        if (j->pf.dst == &j->base)
            st = gi__image_alloc_raw(a, j->cfg.width, j->cfg.height, &j->base, err);
        p->rows = j->pf.img->height;
        p->cost = (int64_t)j->pf.img->width * (j->cfg.inpainting_fill == 2 ? U_FILL_NOISE : U_FILL);
        break;
    case PH_RENDER:
        if (empty) {
            p->rows = 0;
            break;
        }
        if (j->mode == MODE_FULL)
            st = gi__image_alloc_raw(a, j->g.w, j->g.h, &j->p, err);
        else if (j->mode == MODE_TXT || j->mode == MODE_I2I)
            st = gi__image_alloc_raw(a, j->cfg.width, j->cfg.height, &j->out, err);
        break;
    case PH_RENDER_COMP:
        st = gi__image_alloc_raw(a, j->cfg.width, j->cfg.height, &j->p, err);
        if (st == GENAPI_OK)
            st = gi__image_alloc_raw(a, j->cfg.width, j->cfg.height, &j->out, err);
        break;
    case PH_FINAL:
        st = gi__image_alloc_raw(a, j->cfg.init->width, j->cfg.init->height, &j->out, err);
        break;
    default:
        break;
    }
    return st;
}

/* Rows [p0, p1) of the current phase. */
static void phase_rows(gi_gen_job *j, const phase *p, int32_t p0, int32_t p1)
{
    switch (p->kind) {
    case PH_RS:
        gi__rs_rows(&j->rs, p1 - p0);
        break;
    case PH_FIT_COPY:
        fit_copy_rows(&j->mid, p->arg == RS_INIT ? &j->initf : &j->maskf, p0, p1);
        break;
    case PH_THRESH:
        threshold_rows(j->mode == MODE_FULL ? j->cfg.mask : &j->maskf, j->cfg.inpainting_mask_invert, j->alpha, p0, p1);
        break;
    case PH_BLUR:
        if (p->arg == 0)
            box_lines(j->alpha, j->btmp, j->aw, j->ah, j->blur_r, 1, p0, p1);
        else
            box_lines(j->btmp, j->alpha, j->aw, j->ah, j->blur_r, 0, p0, p1);
        break;
    case PH_BBOX:
        bbox_rows(j->alpha, j->aw, &j->box, p0, p1);
        break;
    case PH_CROP:
        for (int32_t y = p0; y < p1; y++) {
            memcpy(j->c.rgba + (size_t)y * (size_t)j->cw * 4,
                   j->cfg.init->rgba + ((size_t)(y + j->cy) * (size_t)j->aw + (size_t)j->cx) * 4, (size_t)j->cw * 4);
            memcpy(j->ca + (size_t)y * (size_t)j->cw, j->alpha + (size_t)(y + j->cy) * (size_t)j->aw + (size_t)j->cx,
                   (size_t)j->cw);
        }
        break;
    case PH_PF_SCAN:
        bbox_rows(j->pf.alpha, j->pf.img->width, &j->pf.box, p0, p1);
        break;
    case PH_PF_AVG:
        prefill_avg_rows(&j->pf, p0, p1);
        break;
    case PH_PF_FILL:
        prefill_fill_rows(&j->pf, j->cfg.inpainting_fill, j->seed, j->nm, p0, p1);
        break;
    case PH_RENDER:
        if (j->mode == MODE_TXT)
            gen_render_rows(&j->g, NULL, 0.0, &j->out, p0, p1);
        else if (j->mode == MODE_I2I)
            gen_render_rows(&j->g, &j->initf, j->cfg.denoising_strength, &j->out, p0, p1);
        else
            gen_render_rows(&j->g, &j->cwimg, j->cfg.denoising_strength, &j->p, p0, p1);
        if (j->mode != MODE_FULL)
            j->rows_ready = p1 < j->detail_y0 ? p1 : j->detail_y0;
        break;
    case PH_DETAIL: {
        const gi_detection *d = &j->det[p->arg];
        detail_rows(&j->g2, d, j->cfg.detailer_padding, j->cfg.detailer_blur, j->cfg.detailer_strength, &j->out,
                    d->ry0 + p0, d->ry0 + p1);
        break;
    }
    case PH_RENDER_COMP: {
        const gi_image *src = j->base.rgba ? &j->base : &j->initf;
        gen_render_rows(&j->g, src, j->cfg.denoising_strength, &j->p, p0, p1);
        size_t row = (size_t)j->out.width * 4;
        memcpy(j->out.rgba + (size_t)p0 * row, j->initf.rgba + (size_t)p0 * row, (size_t)(p1 - p0) * row);
        composite_rows(&j->out, &j->p, j->alpha, 0, 0, j->out.width, p0, p1);
        j->rows_ready = p1 < j->detail_y0 ? p1 : j->detail_y0;
        break;
    }
    case PH_FINAL: {
        size_t row = (size_t)j->out.width * 4;
        memcpy(j->out.rgba + (size_t)p0 * row, j->cfg.init->rgba + (size_t)p0 * row, (size_t)(p1 - p0) * row);
        int32_t r0 = p0 - j->cy, r1 = p1 - j->cy;
        r0 = r0 < 0 ? 0 : r0;
        r1 = r1 > j->ch ? j->ch : r1;
        if (j->box.x1 >= 0 && r0 < r1)
            composite_rows(&j->out, &j->pc, j->alpha, j->cx, j->cy, j->aw, r0, r1);
        j->rows_ready = p1;
        break;
    }
    default:
        break;
    }
}

/* A phase is over: keep its results, free what is not needed any more. */
static void phase_end(gi_gen_job *j, const phase *p)
{
    const ga_alloc *a = j->a;
    switch (p->kind) {
    case PH_RS:
        gi__rs_end(&j->rs);
        if (p->arg == RS_REGION)
            gi_image_free(a, &j->c);
        else if (p->arg == RS_BACK)
            gi_image_free(a, &j->p);
        break;
    case PH_FIT_COPY:
        gi_image_free(a, &j->mid);
        break;
    case PH_THRESH:
        if (j->mode == MODE_MASK)
            gi_image_free(a, &j->maskf);
        break;
    case PH_PF_AVG:
        prefill_avg_end(&j->pf);
        break;
    case PH_RENDER:
        if (j->mode == MODE_FULL)
            gi_image_free(a, &j->cwimg);
        break;
    case PH_DETAIL:
        if (p->arg == j->n_det - 1) /* the last pass: every row is final */
            j->rows_ready = j->out.height;
        break;
    default:
        break;
    }
}

static void free_buffers(gi_gen_job *j)
{
    const ga_alloc *a = j->a;
    gi__rs_end(&j->rs);
    gi_image *ims[] = {&j->mid, &j->initf, &j->maskf, &j->base, &j->p, &j->c, &j->cwimg, &j->pc};
    for (size_t i = 0; i < sizeof ims / sizeof ims[0]; i++)
        gi_image_free(a, ims[i]);
    uint8_t **bufs[] = {&j->alpha, &j->btmp, &j->ca};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
        if (*bufs[i]) {
            ga_free(a, *bufs[i]);
            *bufs[i] = NULL;
        }
    gen_free(&j->g);
    gen_free(&j->g2);
}

/* Validation and the size the init image is first resized to. */
static genapi_status check(const gi_gen_config *cfg, int32_t *fw, int32_t *fh, genapi_error *err)
{
    genapi_status st = validate(cfg, err);
    *fw = cfg->width;
    *fh = cfg->height;
    if (st == GENAPI_OK && cfg->init && !(cfg->mask && cfg->inpaint_full_res))
        st = fit_size(cfg->init, cfg->width, cfg->height, cfg->resize_mode, fw, fh, err);
    return st;
}

genapi_status gi_gen_validate(const gi_gen_config *cfg, genapi_error *err)
{
    int32_t fw, fh;
    if (!cfg)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "gi_gen_validate: NULL argument");
    return check(cfg, &fw, &fh, err);
}

/* The detailer pass's generator: the same seed and size, its own prompt, negative prompt, steps
 * and sampler (hr_sampler_name; unknown names and "Same as primary" use the main one), and the
 * subjects of the main picture. */
static genapi_status detailer_init(gi_gen_job *j, const gi_gen_config *cfg, const sampler_info *smp,
                                   genapi_error *err)
{
    gi_gen_config c2 = *cfg;
    if (cfg->detailer_prompt && cfg->detailer_prompt[0])
        c2.prompt = cfg->detailer_prompt;
    if (cfg->detailer_negative && cfg->detailer_negative[0])
        c2.negative_prompt = cfg->detailer_negative;
    if (cfg->detailer_steps > 0)
        c2.steps = cfg->detailer_steps;
    int hi = cfg->hr_sampler_name ? gi_sampler_index(cfg->hr_sampler_name) : -1;
    const sampler_info *smp2 = hi >= 0 && strcmp(gi__sampler(hi)->name, "Same as primary") != 0 ? gi__sampler(hi) : smp;
    genapi_status st = gen_init(&j->g2, j->a, &c2, smp2, j->seed, cfg->width, cfg->height, err);
    if (st == GENAPI_OK) {
        memcpy(j->g2.subj, j->g.subj, sizeof j->g.subj);
        j->g2.n_subj = j->g.n_subj;
    }
    return st;
}

int gi_gen_detections(const gi_gen_config *cfg, uint32_t index, gi_detection *out)
{
    if (!cfg || !out || cfg->width < 8 || cfg->height < 8)
        return 0;
    uint64_t ls = mix64((cfg->seed + index) ^ 0x6C61796F7574ULL);
    double W = (double)cfg->width, H = (double)cfg->height;
    double horizon = H * (0.42 + 0.18 * unit(hash4(ls, 0x10, 0, 0)));
    gi_subject subj[GI_MAX_SUBJECTS];
    int n = place_subjects(cfg, ls, W, H, horizon, subj);
    return gi__detect(subj, n, cfg, cfg->width, cfg->height, out);
}

genapi_status gi_gen_begin(const ga_alloc *a, const gi_gen_config *cfg, uint32_t index, gi_gen_job **job,
                           genapi_error *err)
{
    if (job)
        *job = NULL;
    if (!a || !cfg || !job)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "gi_gen_begin: NULL argument");
    int32_t fw, fh;
    genapi_status st = check(cfg, &fw, &fh, err);
    if (st != GENAPI_OK)
        return st;
    gi_gen_job *j = ga_calloc(a, 1, sizeof *j);
    if (!j)
        return ga_err(err, GENAPI_E_NOMEM, NULL, "Out of memory");
    j->a = a;
    j->cfg = *cfg;
    j->cfg.prompt = NULL; /* read by gen_init only */
    j->cfg.negative_prompt = NULL;
    j->cfg.sampler_name = NULL;
    j->fit_w = fw;
    j->fit_h = fh;
    j->mode = !cfg->init ? MODE_TXT : !cfg->mask ? MODE_I2I : cfg->inpaint_full_res ? MODE_FULL : MODE_MASK;
    j->seed = cfg->seed + index;
    j->nm = cfg->initial_noise_multiplier == 0.0 ? 1.0 : cfg->initial_noise_multiplier;
    const sampler_info *smp = gi__sampler(cfg->sampler_name ? gi_sampler_index(cfg->sampler_name) : 0);
    st = gen_init(&j->g, a, cfg, smp, j->seed, cfg->width, cfg->height, err);
    j->detail_y0 = INT32_MAX;
    if (st == GENAPI_OK && cfg->detailer && cfg->detailer_strength > 0.0 && j->mode != MODE_FULL) {
        j->n_det = gi__detect(j->g.subj, j->g.n_subj, cfg, cfg->width, cfg->height, j->det);
        for (int i = 0; i < j->n_det; i++)
            j->detail_y0 = j->det[i].ry0 < j->detail_y0 ? j->det[i].ry0 : j->detail_y0;
        if (j->n_det > 0)
            st = detailer_init(j, cfg, smp, err);
    }
    if (st != GENAPI_OK) {
        gi_gen_free(j);
        return st;
    }
    j->cfg.detailer_prompt = j->cfg.detailer_negative = NULL; /* read here only */
    j->cfg.detailer_model = j->cfg.detailer_classes = j->cfg.hr_sampler_name = NULL;
    build_phases(j);
    *job = j;
    return GENAPI_OK;
}

genapi_status gi_gen_step(gi_gen_job *j, int64_t budget, genapi_error *err)
{
    if (!j)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "gi_gen_step: NULL job");
    if (j->failed != GENAPI_OK)
        return ga_err(err, j->failed, NULL, "The generation failed");
    if (budget <= 0)
        budget = GI_STEP_UNITS;
    while (j->cur < j->n_ph) {
        phase *p = &j->ph[j->cur];
        if (!j->started) {
            genapi_status st = phase_start(j, p, err);
            if (st != GENAPI_OK) {
                j->failed = st;
                return st;
            }
            j->started = 1;
            j->pos = 0;
        }
        if (j->pos < p->rows) {
            if (budget <= 0)
                break;
            int32_t n = gi__take_rows(&budget, p->cost, p->rows - j->pos);
            phase_rows(j, p, j->pos, j->pos + n);
            j->pos += n;
        }
        if (j->pos >= p->rows) {
            phase_end(j, p);
            j->done_before += p->share;
            j->cur++;
            j->started = 0;
            j->pos = 0;
        }
    }
    return GENAPI_OK;
}

int gi_gen_done(const gi_gen_job *j)
{
    return j->cur >= j->n_ph;
}

void gi_gen_progress(const gi_gen_job *j, int64_t *done, int64_t *total)
{
    int64_t d = j->done_before;
    if (j->cur < j->n_ph && j->started && j->ph[j->cur].rows > 0)
        d += j->ph[j->cur].share * j->pos / j->ph[j->cur].rows;
    *done = d;
    *total = j->total;
}

int32_t gi_gen_sampling_step(const gi_gen_job *j)
{
    int64_t done, total;
    gi_gen_progress(j, &done, &total);
    if (total <= 0 || done >= total)
        return j->cfg.steps;
    return (int32_t)(done * j->cfg.steps / total);
}

const gi_image *gi_gen_image(const gi_gen_job *j, int32_t *rows_ready)
{
    if (rows_ready)
        *rows_ready = j->out.rgba ? j->rows_ready : 0;
    return &j->out;
}

genapi_status gi_gen_end(gi_gen_job *j, gi_image *out, genapi_error *err)
{
    if (out) {
        out->width = 0;
        out->height = 0;
        out->rgba = NULL;
    }
    if (!j || !out) {
        gi_gen_free(j);
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "gi_gen_end: NULL argument");
    }
    genapi_status st = GENAPI_OK;
    while (st == GENAPI_OK && !gi_gen_done(j))
        st = gi_gen_step(j, INT64_MAX, err);
    if (st == GENAPI_OK) {
        *out = j->out;
        j->out.rgba = NULL;
    }
    gi_gen_free(j);
    return st;
}

void gi_gen_free(gi_gen_job *j)
{
    if (!j)
        return;
    free_buffers(j);
    gi_image_free(j->a, &j->out);
    ga_free(j->a, j);
}

genapi_status gi_generate(const ga_alloc *a, const gi_gen_config *cfg, uint32_t index, gi_image *out,
                          genapi_error *err)
{
    if (out) {
        out->width = 0;
        out->height = 0;
        out->rgba = NULL;
    }
    if (!a || !cfg || !out)
        return ga_err(err, GENAPI_E_INVALID_ARG, NULL, "gi_generate: NULL argument");
    gi_gen_job *j = NULL;
    genapi_status st = gi_gen_begin(a, cfg, index, &j, err);
    if (st != GENAPI_OK)
        return st;
    while (st == GENAPI_OK && !gi_gen_done(j))
        st = gi_gen_step(j, 0, err);
    if (st != GENAPI_OK) {
        gi_gen_free(j);
        return st;
    }
    return gi_gen_end(j, out, err);
}
