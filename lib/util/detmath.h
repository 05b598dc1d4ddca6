/* Deterministic elementary functions: built only from IEEE-754 operations that are correctly
 * rounded everywhere (+, -, *, /, floor, frexp, ldexp), so results are the same bytes on every
 * platform and C library, unlike libm's log/exp/pow. Accurate to a few units in the last place,
 * which is all the reference engine needs. */
#ifndef GENAPI_UTIL_DETMATH_H
#define GENAPI_UTIL_DETMATH_H

/* Natural logarithm; -inf for 0, NaN for negative or NaN input, +inf for +inf. */
double ga_log(double x);
/* e^x; 0 below -745, +inf above 709.78, NaN for NaN. */
double ga_exp(double x);
/* a^b for a >= 0 (a^0 = 1; 0^b = 0 for b > 0, +inf for b < 0); NaN for a < 0. */
double ga_pow(double a, double b);

#endif
