#include "util/detmath.h"

#include <math.h>

/* ln 2 split so that k * LN2_HI is exact for |k| < 2^11. */
static const double LN2_HI = 6.93147180369123816490e-01;
static const double LN2_LO = 1.90821492927058770002e-10;

double ga_log(double x)
{
    if (isnan(x) || x < 0)
        return NAN;
    if (x == 0)
        return -INFINITY;
    if (isinf(x))
        return x;
    int e;
    double m = frexp(x, &e); /* x = m * 2^e, m in [0.5, 1) */
    if (m < 0.70710678118654752440) {
        m *= 2;
        e -= 1;
    }
    /* log(m) = 2 atanh(f), f = (m - 1) / (m + 1), |f| <= 0.1716 */
    double f = (m - 1) / (m + 1), f2 = f * f;
    double s = 1.0 / 23;
    for (int k = 21; k >= 1; k -= 2)
        s = 1.0 / k + f2 * s;
    return (double)e * LN2_HI + ((double)e * LN2_LO + 2 * f * s);
}

double ga_exp(double x)
{
    if (isnan(x))
        return x;
    if (x > 709.782712893384)
        return INFINITY;
    if (x < -745.1332191019412)
        return 0.0;
    double k = floor(x / 0.69314718055994530942 + 0.5);
    double r = (x - k * LN2_HI) - k * LN2_LO; /* |r| <= 0.35 */
    double t = 1.0;
    for (int i = 16; i >= 1; i--)
        t = 1.0 + t * r / i;
    return ldexp(t, (int)k);
}

double ga_pow(double a, double b)
{
    if (isnan(a) || isnan(b) || a < 0)
        return NAN;
    if (b == 0)
        return 1.0;
    if (a == 0)
        return b > 0 ? 0.0 : INFINITY;
    if (a == 1)
        return 1.0;
    return ga_exp(b * ga_log(a));
}
