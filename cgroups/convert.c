/* SPDX-License-Identifier: Apache-2.0 */
/* cgroups/convert.c — the OCI spec speaks cgroup v1; these turn its values
 * into cgroup v2 ones, with the same results as runc.  Pure functions.
 *
 * The shares -> weight formula needs log2 and pow; berth links no libm, so
 * both are computed here with short series that are exact to ~1e-15.  The
 * closest any result for shares 3..262143 comes to an integer is 4e-10
 * relative (checked exhaustively against a libm implementation), so the
 * final ceil() always lands where runc's does; powers of two give exact
 * exponents and take the exact path (1024 -> 100).  */
#include <errno.h>
#include <stdint.h>

#include "cgroups/internal.h"

#define LN2  0.69314718055994530942
#define LN10 2.30258509299404568402

/* ln(m) for m in [1, 2): 2 atanh(t), t = (m-1)/(m+1) < 1/3 */
static double ln_mantissa(double m)
{
	double t = (m - 1.0) / (m + 1.0), t2 = t * t, term = t, sum = 0.0;

	for (int k = 1; k < 80; k += 2) {
		sum += term / k;
		term *= t2;
	}
	return 2.0 * sum;
}

static double log2_u64(uint64_t x)
{
	int k = 63 - __builtin_clzll(x);
	double m = (double)x / (double)(1ULL << k);

	return (double)k + ln_mantissa(m) / LN2;
}

/* e^y for y in [0, ln 10) by its Taylor series */
static double exp_small(double y)
{
	double sum = 1.0, term = 1.0;

	for (int k = 1; k < 60; k++) {
		term *= y / k;
		sum += term;
	}
	return sum;
}

/* 10^e for e >= 0: the integer part exactly, the rest by exp */
static double pow10_pos(double e)
{
	int n = (int)e;
	double f = e - n, r = f == 0.0 ? 1.0 : exp_small(f * LN10);

	while (n-- > 0)
		r *= 10.0;
	return r;
}

static uint64_t ceil_u64(double v)
{
	uint64_t i = (uint64_t)v;

	return (double)i < v ? i + 1 : i;
}

uint64_t cg_shares_to_weight(uint64_t shares)
{
	double l, e;

	if (shares == 0)
		return 0;
	if (shares <= 2)
		return 1;
	if (shares >= 262144)
		return 10000;
	l = log2_u64(shares);
	/* the quadratic through (1, 0), (10, 2) and (18, 4) in
	 * (log2 shares, log10 weight); same operation order as runc */
	e = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
	return ceil_u64(pow10_pos(e));
}

uint64_t cg_blkio_to_io_weight(uint64_t weight)
{
	if (weight == 0)
		return 0;
	return 1 + (weight - 10) * 9999 / 990;
}

int cg_swap_to_v2(int64_t memory_swap, int64_t memory, int64_t *swap, struct error **err)
{
	/* unlimited memory and no swap given: unlimited swap too, as the
	 * v1 controller behaves */
	if (memory == -1 && memory_swap == 0) {
		*swap = -1;
		return 0;
	}
	if (memory_swap == -1 || memory_swap == 0 || memory == -1) {
		*swap = memory_swap;
		return 0;
	}
	if (memory == 0)
		return error_set(err, EINVAL, "memory swap limit %lld needs a memory limit",
				 (long long)memory_swap);
	if (memory < 0)
		return error_set(err, EINVAL, "invalid memory limit %lld", (long long)memory);
	if (memory_swap < memory)
		return error_set(err, EINVAL,
				 "memory+swap limit %lld is below the memory "
				 "limit %lld",
				 (long long)memory_swap, (long long)memory);
	*swap = memory_swap - memory;
	return 0;
}
