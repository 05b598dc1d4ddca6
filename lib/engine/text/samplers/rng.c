/*
 * Counter-based uniform numbers: a pure function of (seed, step, stream), built from the
 * SplitMix64 finaliser (a bijective 64-bit mixer) applied to each input in turn. Only
 * 64-bit integer arithmetic and one exact int->double conversion, so every platform gives
 * the same value.
 */
#include "engine/text/samplers/samplers.h"

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

double gsamp_uniform(uint64_t seed, uint64_t step, uint32_t stream)
{
    uint64_t h = mix64(seed + 0x9e3779b97f4a7c15ULL);
    h = mix64(h ^ (step * 0xd1b54a32d192ed03ULL + 0x8cb92ba72f3d8dd7ULL));
    h = mix64(h ^ ((uint64_t)stream * 0xaef17502108ef2d9ULL + 0x2545f4914f6cdd1dULL));
    return (double)(h >> 11) * 0x1.0p-53;
}
