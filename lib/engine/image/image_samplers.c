/* The samplers of the reference image engine: SD.Next's names (its diffusers list, which is the
 * listing), each with the texture it gives the picture (persistence and spacing of the detail
 * octaves, convergence rate, ancestral grain, lattice salt, its own solver order, whether eta
 * sets its noise), and the lookup SD.Next does (case-insensitive), plus AUTOMATIC1111's names and
 * their " Karras" / " Exponential" suffixes. */
#include <string.h>

#include "engine/image/image_internal.h"
/* ---------------------------------------------------------------------------------------------
 * Samplers */



/* SD.Next's sampler names (its diffusers list, in its order), each with its own texture. */
static const sampler_info SAMPLERS[] = {
    {"Default", 0.55, 2.00, 1.00, 0.035, 0x12, 1, 1},
    {"UniPC", 0.58, 1.95, 1.35, 0.0, 0x20, 2, 0},
    {"DDIM", 0.50, 2.05, 0.90, 0.0, 0x1e, 1, 1},
    {"Euler", 0.55, 2.00, 1.00, 0.0, 0x11, 1, 0},
    {"Euler a", 0.55, 2.00, 1.00, 0.035, 0x12, 1, 1},
    {"Euler SGM", 0.55, 2.00, 1.05, 0.0, 0x21, 1, 0},
    {"Euler EDM", 0.56, 1.98, 1.10, 0.0, 0x22, 1, 0},
    {"Euler FlowMatch", 0.57, 1.96, 1.10, 0.0, 0x23, 1, 0},
    {"DPM++", 0.60, 1.90, 1.20, 0.0, 0x24, 1, 0},
    {"DPM++ 2M", 0.60, 1.90, 1.20, 0.0, 0x19, 2, 0},
    {"DPM++ 3M", 0.61, 1.88, 1.30, 0.0, 0x25, 3, 0},
    {"DPM++ 1S", 0.58, 1.90, 1.15, 0.0, 0x26, 1, 0},
    {"DPM++ SDE", 0.62, 1.85, 1.30, 0.02, 0x1b, 1, 1},
    {"DPM++ 2M SDE", 0.61, 1.88, 1.30, 0.015, 0x1d, 2, 1},
    {"DPM++ 2M EDM", 0.60, 1.90, 1.25, 0.0, 0x27, 2, 0},
    {"DPM++ Cosine", 0.59, 1.92, 1.20, 0.0, 0x28, 2, 0},
    {"DPM SDE", 0.62, 1.86, 1.28, 0.02, 0x29, 1, 1},
    {"DPM++ Inverse", 0.60, 1.90, 1.10, 0.0, 0x2a, 1, 0},
    {"DPM++ 2M Inverse", 0.60, 1.90, 1.15, 0.0, 0x2b, 2, 0},
    {"DPM++ 3M Inverse", 0.61, 1.88, 1.20, 0.0, 0x2c, 3, 0},
    {"UniPC FlowMatch", 0.58, 1.95, 1.30, 0.0, 0x2d, 2, 0},
    {"DPM2 FlowMatch", 0.57, 1.95, 1.35, 0.0, 0x2e, 2, 0},
    {"DPM2a FlowMatch", 0.57, 1.95, 1.35, 0.03, 0x2f, 2, 1},
    {"DPM2++ 2M FlowMatch", 0.60, 1.90, 1.25, 0.0, 0x30, 2, 0},
    {"DPM2++ 2S FlowMatch", 0.58, 1.90, 1.30, 0.0, 0x31, 2, 0},
    {"DPM2++ SDE FlowMatch", 0.62, 1.85, 1.30, 0.02, 0x32, 1, 1},
    {"DPM2++ 2M SDE FlowMatch", 0.61, 1.88, 1.30, 0.015, 0x33, 2, 1},
    {"DPM2++ 3M SDE FlowMatch", 0.61, 1.87, 1.35, 0.015, 0x34, 3, 1},
    {"Heun", 0.56, 2.00, 1.60, 0.0, 0x13, 1, 0},
    {"Heun FlowMatch", 0.56, 1.98, 1.55, 0.0, 0x35, 1, 0},
    {"Flash FlowMatch", 0.54, 2.00, 1.80, 0.0, 0x36, 1, 0},
    {"DEIS", 0.59, 1.93, 1.30, 0.0, 0x37, 2, 0},
    {"SA Solver", 0.60, 1.90, 1.30, 0.02, 0x38, 2, 1},
    {"DC Solver", 0.59, 1.92, 1.30, 0.0, 0x39, 2, 0},
    {"VDM Solver", 0.57, 1.95, 1.20, 0.0, 0x3a, 1, 0},
    {"BDIA DDIM", 0.50, 2.05, 0.95, 0.0, 0x3b, 1, 1},
    {"PNDM", 0.50, 2.15, 0.85, 0.0, 0x1f, 1, 0},
    {"IPNDM", 0.51, 2.10, 0.95, 0.0, 0x3c, 1, 0},
    {"DDPM", 0.50, 2.05, 0.70, 0.0, 0x3d, 1, 1},
    {"LMSD", 0.52, 2.10, 0.80, 0.0, 0x14, 1, 0},
    {"KDPM2", 0.57, 1.95, 1.40, 0.0, 0x16, 1, 0},
    {"KDPM2 a", 0.57, 1.95, 1.40, 0.03, 0x17, 1, 1},
    {"CMSI", 0.53, 2.00, 1.50, 0.0, 0x3e, 1, 0},
    {"LCM", 0.52, 2.00, 2.20, 0.0, 0x3f, 1, 0},
    {"LCM FlowMatch", 0.52, 2.00, 2.10, 0.0, 0x40, 1, 0},
    {"TCD", 0.53, 2.00, 2.00, 0.01, 0x41, 1, 1},
    {"TDD", 0.53, 2.00, 2.00, 0.0, 0x42, 1, 0},
    {"PeRFlow", 0.55, 2.00, 1.70, 0.0, 0x43, 1, 0},
    {"UFOGen", 0.52, 2.00, 2.40, 0.0, 0x44, 1, 0},
    {"Same as primary", 0.55, 2.00, 1.00, 0.035, 0x12, 1, 1},
};
#define N_SAMPLERS (sizeof SAMPLERS / sizeof SAMPLERS[0])

static const char *const SAMPLER_NAMES[N_SAMPLERS + 1] = {
    "Default", "UniPC", "DDIM", "Euler", "Euler a", "Euler SGM", "Euler EDM", "Euler FlowMatch", "DPM++", "DPM++ 2M",
    "DPM++ 3M", "DPM++ 1S", "DPM++ SDE", "DPM++ 2M SDE", "DPM++ 2M EDM", "DPM++ Cosine", "DPM SDE", "DPM++ Inverse",
    "DPM++ 2M Inverse", "DPM++ 3M Inverse", "UniPC FlowMatch", "DPM2 FlowMatch", "DPM2a FlowMatch",
    "DPM2++ 2M FlowMatch", "DPM2++ 2S FlowMatch", "DPM2++ SDE FlowMatch", "DPM2++ 2M SDE FlowMatch",
    "DPM2++ 3M SDE FlowMatch", "Heun", "Heun FlowMatch", "Flash FlowMatch", "DEIS", "SA Solver", "DC Solver",
    "VDM Solver", "BDIA DDIM", "PNDM", "IPNDM", "DDPM", "LMSD", "KDPM2", "KDPM2 a", "CMSI", "LCM", "LCM FlowMatch",
    "TCD", "TDD", "PeRFlow", "UFOGen", "Same as primary", NULL};

/* AUTOMATIC1111's names (and its k-diffusion aliases) that have another name on SD.Next. */
static const struct {
    const char *a1111, *sdnext;
} SAMPLER_ALIASES[] = {
    {"LMS", "LMSD"},          {"DPM2", "KDPM2"},         {"DPM2 a", "KDPM2 a"},       {"DPM++ 2S a", "KDPM2 a"},
    {"DPM++ 2M SDE Heun", "DPM++ 2M SDE"}, {"DPM++ 3M SDE", "DPM++ 3M"}, {"DPM fast", "DPM++ 1S"},
    {"DPM adaptive", "DPM++"}, {"Restart", "Heun"},      {"PLMS", "PNDM"},            {"k_euler", "Euler"},
    {"k_euler_a", "Euler a"}, {"k_lms", "LMSD"},         {"k_heun", "Heun"},          {"k_dpm_2", "KDPM2"},
    {"k_dpm_2_a", "KDPM2 a"}, {"k_dpmpp_2m", "DPM++ 2M"}, {"k_dpmpp_sde", "DPM++ SDE"},
};

static int equal_ci(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y || x == 0)
            return x == y;
    }
    return b[n] == 0;
}

static int find_exact_ci(const char *name, size_t n)
{
    for (size_t i = 0; i < N_SAMPLERS; i++)
        if (strlen(SAMPLERS[i].name) == n && equal_ci(name, SAMPLERS[i].name, n))
            return (int)i;
    for (size_t i = 0; i < sizeof SAMPLER_ALIASES / sizeof SAMPLER_ALIASES[0]; i++)
        if (strlen(SAMPLER_ALIASES[i].a1111) == n && equal_ci(name, SAMPLER_ALIASES[i].a1111, n))
            return find_exact_ci(SAMPLER_ALIASES[i].sdnext, strlen(SAMPLER_ALIASES[i].sdnext));
    return -1;
}

const char *const *gi_sampler_names(void)
{
    return SAMPLER_NAMES;
}

int gi_sampler_resolve(const char *name, int32_t *sigma)
{
    if (sigma)
        *sigma = GI_SIGMA_DEFAULT;
    if (!name)
        return -1;
    size_t n = strlen(name);
    int i = find_exact_ci(name, n);
    if (i >= 0)
        return i;
    /* A1111 before 1.9 put the schedule in the name: "DPM++ 2M Karras", "DPM++ 2M SDE Exponential". */
    static const struct {
        const char *suffix;
        int32_t sigma;
    } SUFFIX[] = {{" Karras", GI_SIGMA_KARRAS}, {" Exponential", GI_SIGMA_EXPONENTIAL}};
    for (size_t k = 0; k < 2; k++) {
        size_t m = strlen(SUFFIX[k].suffix);
        if (n > m && equal_ci(name + n - m, SUFFIX[k].suffix, m)) {
            i = find_exact_ci(name, n - m);
            if (i >= 0 && sigma)
                *sigma = SUFFIX[k].sigma;
            if (i >= 0)
                return i;
        }
    }
    return -1;
}

int gi_sampler_index(const char *name)
{
    return gi_sampler_resolve(name, NULL);
}


const sampler_info *gi__sampler(int index)
{
    return index >= 0 && (size_t)index < N_SAMPLERS ? &SAMPLERS[index] : &SAMPLERS[0];
}
