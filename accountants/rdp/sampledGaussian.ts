/**
 * Renyi divergence of the Poisson-subsampled Gaussian mechanism (add/remove adjacency, sensitivity 1, noise
 * multiplier sigma, sampling rate q): Mironov, Talwar, Zhang 2019, "Renyi Differential Privacy of the Sampled
 * Gaussian Mechanism" (arXiv 1908.10530). With mu0 = N(0, sigma^2), mu1 = N(1, sigma^2) and
 * mu = (1-q) mu0 + q mu1, the RDP at order alpha is ln(A_alpha) / (alpha - 1) with
 *   A_alpha = E_{z ~ mu0} [ (mu(z) / mu0(z))^alpha ],
 * which is D_alpha(mu || mu0) and, as the paper shows, also bounds D_alpha(mu0 || mu): both directions.
 * Everything is computed in log space, so tiny q, huge sigma and large orders neither overflow nor underflow.
 */
import { logAddExp, logSubExp } from '../../src/numeric/logsumexp.js';
import { normalLogSf } from '../../src/numeric/normal.js';

/**
 * Most terms summed by the fractional-order series (dp_accounting's cap too); beyond it the remainder is bounded
 * instead, which keeps the result an upper bound whatever the count.
 */
const FRACTIONAL_SERIES_TERMS = 1000;
/** Stop the fractional series once both term sequences are falling and below total * e^-30 (as dp_accounting). */
const NEGLIGIBLE_LOG_RATIO = 30;
// The series loops run thousands of times per curve; Math functions are bound once because a global `Math`
// lookup is about 10x slower inside a vm context (jest runs modules in one).
const { abs, ceil, exp, expm1, log, log1p, max, min } = Math;
const LOG_SQRT_2PI = 0.5 * log(2 * Math.PI);
const LN_HALF = log(0.5);

/** RDP at one order of one step of the Poisson-subsampled Gaussian; q = 1 is the plain Gaussian. */
export function sampledGaussianRenyi(o: {
  readonly samplingRate: number;
  readonly noiseMultiplier: number;
  readonly order: number;
}): number {
  const { samplingRate: q, noiseMultiplier: sigma, order: alpha } = o;
  if (q === 1) return alpha / (2 * sigma * sigma);
  const logA = Number.isInteger(alpha) ? logAIntegerOrder(q, sigma, alpha) : logAFractionalOrder(q, sigma, alpha);
  return max(0, logA / (alpha - 1));
}

/** ln(e^x - 1) for x > 0 without overflow. */
function logExpm1(x: number): number {
  return x > 30 ? x + log1p(-exp(-x)) : log(expm1(x));
}

/**
 * ln A_alpha for integer alpha >= 2 (MTZ19 Section 3.2): with z ~ mu0 the ratio is 1 - q + q e^((2z-1)/(2 sigma^2)),
 * and the binomial expansion gives A_alpha = sum_i C(alpha, i) q^i (1-q)^(alpha-i) e^((i^2-i)/(2 sigma^2)).
 * The binomial weights sum to 1 and the terms i = 0, 1 have exponent 0, so
 *   A_alpha = 1 + sum_{i>=2} C(alpha, i) q^i (1-q)^(alpha-i) expm1((i^2-i)/(2 sigma^2)),
 * a sum of positive terms: ln A_alpha = log1p(S) keeps full relative accuracy even when A_alpha - 1 is far below
 * float64 epsilon (tiny q), where summing the raw terms to about 1 would cancel.
 */
function logAIntegerOrder(q: number, sigma: number, alpha: number): number {
  const logQ = log(q);
  const log1mQ = log1p(-q);
  const twoVar = 2 * sigma * sigma;
  let logBinom = log(alpha); // ln C(alpha, 1)
  let logS = -Infinity;
  for (let i = 2; i <= alpha; i++) {
    logBinom += log(alpha - i + 1) - log(i);
    const term = logBinom + i * logQ + (alpha - i) * log1mQ + logExpm1((i * i - i) / twoVar);
    logS = logAddExp(logS, term);
  }
  return logAddExp(0, logS);
}

/**
 * ln A_alpha for fractional alpha (MTZ19 Section 3.3). Split the expectation at
 * z0 = sigma^2 ln(1/q - 1) + 1/2, where q e^((2z-1)/(2 sigma^2)) = 1 - q, and expand each side in a binomial
 * series that converges there:
 *   A = sum_i C(alpha,i) (1-q)^(alpha-i) q^i e^((i^2-i)/(2s^2)) Phi((z0-i)/s)            (z <= z0)
 *     + sum_i C(alpha,i) (1-q)^i q^(alpha-i) e^((j^2-j)/(2s^2)) Phi((j-z0)/s), j = alpha-i  (z > z0).
 * From i = ceil(alpha) on, the generalized binomial coefficients alternate in sign. Like dp_accounting we add
 * the magnitudes |C(alpha, i)| of the first M terms, and stop as it does (see NEGLIGIBLE_LOG_RATIO).
 *
 * Why the result is an upper bound: with c_i the signed terms, the true A = sum_{i<M} c_i + R with
 * R <= sum_{i>=M} |c_i| <= `logRemainderBound`, while what we summed is sum_{i<M} |c_i| = sum_{i<M} c_i + 2 N,
 * N = the magnitude of the negative terms summed. So sum_{i<M} |c_i| + max(0, bound - 2 N) >= A. In practice
 * 2 N (it contains the term i = ceil(alpha) + 1) dwarfs the remainder and the correction is 0, so the figure
 * agrees with dp_accounting's to rounding; where dp_accounting's series has not converged after M terms it drops the
 * order (infinite RDP), while the correction keeps the order usable here.
 */
function logAFractionalOrder(q: number, sigma: number, alpha: number): number {
  const logQ = log(q);
  const log1mQ = log1p(-q);
  const logOdds = log1mQ - logQ; // ln((1-q)/q)
  const z0 = sigma * sigma * logOdds + 0.5;
  const twoVar = 2 * sigma * sigma;
  const maxTerms = max(FRACTIONAL_SERIES_TERMS, ceil(alpha) + 1);
  let logA0 = -Infinity;
  let logA1 = -Infinity;
  let lastS0 = -Infinity;
  let lastS1 = -Infinity;
  let logAbsBinom = 0; // ln |C(alpha, i)|
  let logNegative = -Infinity; // ln of the magnitude of the negative terms summed
  const firstNegative = ceil(alpha) + 1; // C(alpha, i) < 0 for i = ceil(alpha) + 1, + 3, ...
  let i = 0;
  for (; i < maxTerms; i++) {
    if (i > 0) logAbsBinom += log(abs(alpha - i + 1)) - log(i);
    const j = alpha - i;
    const s0 = logAbsBinom + i * logQ + j * log1mQ + (i * i - i) / twoVar + normalLogSf((i - z0) / sigma);
    const s1 = logAbsBinom + j * logQ + i * log1mQ + (j * j - j) / twoVar + normalLogSf((z0 - j) / sigma);
    logA0 = logAddExp(logA0, s0);
    logA1 = logAddExp(logA1, s1);
    if (i >= firstNegative && (i - firstNegative) % 2 === 0) logNegative = logAddExp(logNegative, logAddExp(s0, s1));
    const total = logAddExp(logA0, logA1);
    const negligible = s0 < lastS0 && s1 < lastS1 && max(s0, s1) < total - NEGLIGIBLE_LOG_RATIO;
    if (negligible && i + 1 > alpha) break;
    lastS0 = s0;
    lastS1 = s1;
  }
  const lastIndex = min(i, maxTerms - 1);
  const remainder = logRemainderBound({ alpha, sigma, log1mQ, logOdds, z0, firstOmitted: lastIndex + 1, logAbsBinomLast: logAbsBinom });
  const slack = Math.LN2 + logNegative;
  const logCorrection = remainder > slack ? logSubExp(remainder, slack) : -Infinity;
  return logAddExp(logAddExp(logA0, logA1), logCorrection);
}

/**
 * ln of an upper bound on sum_{i >= M} (s0_i + s1_i), the terms of the fractional series not summed (M > alpha).
 *
 * Write g(t) = (t^2 - t)/(2 s^2) - t ln((1-q)/q), a convex function. Term i of the first sum is
 * |C(alpha,i)| (1-q)^alpha e^(g(i)) Pbar((i-z0)/s) and of the second |C(alpha,i)| (1-q)^alpha e^(g(j)) Pbar((z0-j)/s),
 * j = alpha - i (Pbar = normal upper tail). Where the Pbar argument x is >= 0 we use
 * Pbar(x) <= min(1/2, 1/(x sqrt(2 pi))) e^(-x^2/2), and g(i) - (i-z0)^2/(2 s^2) = g(z0) = -z0^2/(2 s^2) exactly; where
 * it is negative, Pbar <= 1 and convexity bounds e^g by its value at an end of the interval. So every omitted
 * term is at most |C(alpha,i)| (1-q)^alpha (B0 + B1) with B0, B1 below. Finally, for M > alpha the signs of
 * (-1)^i C(alpha,i) agree for all i >= M and sum_i (-1)^i C(alpha,i) = 0, so by the partial-sum identity
 * sum_{i<M} (-1)^i C(alpha,i) = (-1)^(M-1) C(alpha-1, M-1):
 *   sum_{i>=M} |C(alpha,i)| = |C(alpha-1, M-1)| = |C(alpha, M-1)| |alpha - M + 1| / alpha.
 */
function logRemainderBound(o: {
  readonly alpha: number;
  readonly sigma: number;
  readonly log1mQ: number;
  readonly logOdds: number;
  readonly z0: number;
  readonly firstOmitted: number;
  readonly logAbsBinomLast: number;
}): number {
  const { alpha, sigma, log1mQ, logOdds, z0, firstOmitted: m } = o;
  const twoVar = 2 * sigma * sigma;
  const g = (t: number): number => (t * t - t) / twoVar - t * logOdds;
  const gAtSplit = -(z0 * z0) / twoVar;
  const logTailFactor = (x: number): number => min(LN_HALF, -log(x) - LOG_SQRT_2PI);
  const logB0 = m >= z0 ? gAtSplit + logTailFactor((m - z0) / sigma) : max(g(m), gAtSplit);
  const logB1 = alpha - m <= z0 ? gAtSplit + logTailFactor((z0 - alpha + m) / sigma) : max(g(alpha - m), gAtSplit);
  const logSumAbsBinom = o.logAbsBinomLast + log(abs(alpha - m + 1) / alpha);
  return alpha * log1mQ + logAddExp(logB0, logB1) + logSumAbsBinom;
}
