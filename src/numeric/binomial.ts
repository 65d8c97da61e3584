/**
 * Binomial probabilities for very large n (up to 1e15) without cancellation: the point mass by Loader's
 * saddle-point form (C. Loader, "Fast and accurate computation of binomial probabilities", 2000),
 *   P(X = k) = sqrt(n / (2 pi k (n - k))) exp(stirlerr(n) - stirlerr(k) - stirlerr(n - k) - bd0(k, n p) - bd0(n - k, n q)),
 * and tails by summing point masses outward from k with the exact ratio P(k+1)/P(k) = (n-k)/(k+1) p/q until
 * the terms are negligible.
 */
const { abs, exp, log, log1p, PI } = Math;

/** ln k! for small k, exact up to rounding */
const LOG_FACTORIALS: number[] = [0];
for (let k = 1; k <= 30; k++) LOG_FACTORIALS.push(LOG_FACTORIALS[k - 1] + log(k));

/** stirlerr(n) = ln n! - (n + 1/2) ln n + n - ln sqrt(2 pi), the error of Stirling's formula */
function stirlerr(n: number): number {
  if (n <= 30) return LOG_FACTORIALS[n] - (n + 0.5) * log(n) + n - 0.5 * log(2 * PI);
  const n2 = n * n;
  return (1 / 12 - (1 / 360 - (1 / 1260 - 1 / (1680 * n2)) / n2) / n2) / n;
}

/** bd0(x, m) = x ln(x / m) + m - x, accurate when x is close to m */
function bd0(x: number, m: number): number {
  if (x === 0) return m;
  const d = (x - m) / m;
  if (abs(d) < 0.1) {
    // (1 + d) ln(1 + d) - d = sum_{j>=2} (-1)^j d^j / (j (j - 1))
    let term = d * d;
    let sum = 0;
    for (let j = 2; j < 60; j++) {
      const t = term / (j * (j - 1));
      sum += j % 2 === 0 ? t : -t;
      if (abs(t) < 1e-18 * abs(sum)) break;
      term *= d;
    }
    return m * sum;
  }
  return x * log(x / m) + m - x;
}

/** ln P(X = k) for X ~ Binomial(n, p), 0 < p < 1. */
export function binomialLogPmf(k: number, n: number, p: number): number {
  if (k < 0 || k > n) return -Infinity;
  if (k === 0) return n * log1p(-p);
  if (k === n) return n * log(p);
  return stirlerr(n) - stirlerr(k) - stirlerr(n - k) - bd0(k, n * p) - bd0(n - k, n * (1 - p)) + 0.5 * log(n / (2 * PI * k * (n - k)));
}

/** P(X >= k) for X ~ Binomial(n, p), accurate when small (relative error ~1e-12). */
export function binomialSf(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  const mean = n * p;
  if (k - 1 < mean) return 1 - binomialCdf(k - 1, n, p);
  return sumOutward(k, n, p, +1);
}

/** P(X <= k) for X ~ Binomial(n, p). */
export function binomialCdf(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (k + 1 > n * p) return 1 - binomialSf(k + 1, n, p);
  return sumOutward(k, n, p, -1);
}

/** sum of P(X = j) for j from k moving away from the mean (direction +1 up, -1 down); terms fall geometrically */
function sumOutward(k: number, n: number, p: number, direction: 1 | -1): number {
  const odds = p / (1 - p);
  const logTerm = binomialLogPmf(k, n, p);
  if (logTerm === -Infinity) return 0;
  let term = 1;
  let sum = 0;
  for (let j = k; j >= 0 && j <= n; j += direction) {
    sum += term;
    if (term < 1e-17 * sum) break;
    term *= direction === 1 ? ((n - j) / (j + 1)) * odds : j / (n - j + 1) / odds;
  }
  return exp(logTerm + log(sum));
}
