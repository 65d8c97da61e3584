/**
 * Renyi divergences with closed forms or finite supports: the Gaussian, the Laplace mechanism (Mironov 2017),
 * and any pair of distributions on a finite set (randomized response, the dominating pair of pure eps-DP).
 * All take an order alpha > 1 and return D_alpha(P || Q) in nats; +Infinity means P is not absolutely
 * continuous with respect to Q (no finite bound at that order).
 */

/** D_alpha(N(mu, s^2) || N(0, s^2)) = alpha mu^2 / (2 s^2); `ratio` is mu / s (sensitivity over noise std). */
export function gaussianRenyi(o: { readonly ratio: number; readonly order: number }): number {
  return (o.order * o.ratio * o.ratio) / 2;
}

/**
 * Laplace mechanism with eps = sensitivity / scale, Mironov 2017 ("Renyi Differential Privacy"), Proposition 6:
 *   D_alpha = 1/(alpha-1) ln[ alpha/(2 alpha-1) e^((alpha-1) eps) + (alpha-1)/(2 alpha-1) e^(-alpha eps) ],
 * rewritten as eps + ln(1 + (alpha-1)/(2 alpha-1) (e^((1-2 alpha) eps) - 1)) / (alpha-1), which needs no
 * exponent larger than 0 and keeps its accuracy as alpha -> 1 through log1p/expm1. The pair is symmetric.
 */
export function laplaceRenyi(o: { readonly epsilon: number; readonly order: number }): number {
  const a = o.order;
  const eps = o.epsilon;
  const y = ((a - 1) * Math.expm1(eps * (1 - 2 * a))) / (2 * a - 1);
  return Math.max(0, eps + Math.log1p(y) / (a - 1));
}

/**
 * D_alpha(P || Q) for distributions on a finite set given by their log masses (-Infinity for mass 0).
 *
 * D_alpha = 1/(alpha-1) ln sum_i P_i (P_i/Q_i)^(alpha-1). When no likelihood ratio is large we use
 * ln(1 + sum_i P_i expm1((alpha-1) L_i)) (L_i = ln P_i/Q_i), which has no cancellation as alpha -> 1; otherwise
 * a log-sum-exp, which cannot overflow. The result is clamped at 0, the true minimum of a divergence.
 */
export function discreteRenyi(o: { readonly logP: readonly number[]; readonly logQ: readonly number[]; readonly order: number }): number {
  const a1 = o.order - 1;
  let maxScaledLoss = -Infinity;
  let maxExponent = -Infinity;
  for (let i = 0; i < o.logP.length; i++) {
    if (o.logP[i] === -Infinity) continue;
    if (o.logQ[i] === -Infinity) return Infinity;
    const scaled = a1 * (o.logP[i] - o.logQ[i]);
    maxScaledLoss = Math.max(maxScaledLoss, scaled);
    maxExponent = Math.max(maxExponent, o.logP[i] + scaled);
  }
  if (maxScaledLoss === -Infinity) return 0;
  if (maxScaledLoss <= 1) {
    let s = 0;
    for (let i = 0; i < o.logP.length; i++) {
      if (o.logP[i] === -Infinity) continue;
      s += Math.exp(o.logP[i]) * Math.expm1(a1 * (o.logP[i] - o.logQ[i]));
    }
    return Math.max(0, Math.log1p(s) / a1);
  }
  let sum = 0;
  for (let i = 0; i < o.logP.length; i++) {
    if (o.logP[i] === -Infinity) continue;
    sum += Math.exp(o.logP[i] + a1 * (o.logP[i] - o.logQ[i]) - maxExponent);
  }
  return Math.max(0, (maxExponent + Math.log(sum)) / a1);
}

/**
 * The output distributions of k-ary randomized response on two different true values, as log masses:
 * P = [1 - p + p/k, p/k, (k-2) p/k] (truth of the first, truth of the second, all other categories) and Q with
 * the first two swapped. Given the pure-DP level eps instead of p, p = k / (e^eps + k - 1), and the masses are
 * written without forming e^eps (no overflow for huge eps): 1 - p + p/k = 1/(1 + (k-1) e^-eps),
 * p/k = e^-eps/(1 + (k-1) e^-eps).
 */
export function randomizedResponsePair(
  o: { readonly categories: number } & ({ readonly noiseParameter: number } | { readonly epsilon: number }),
): { readonly logP: readonly number[]; readonly logQ: readonly number[] } {
  const k = o.categories;
  let logTruth: number;
  let logOther: number;
  if ('epsilon' in o) {
    const logNorm = Math.log1p((k - 1) * Math.exp(-o.epsilon));
    logTruth = -logNorm;
    logOther = -o.epsilon - logNorm;
  } else {
    const p = o.noiseParameter;
    logTruth = Math.log1p((-p * (k - 1)) / k);
    logOther = Math.log(p) - Math.log(k);
  }
  const logRest = k > 2 ? Math.log(k - 2) + logOther : -Infinity;
  return { logP: [logTruth, logOther, logRest], logQ: [logOther, logTruth, logRest] };
}

/**
 * Randomized response: the larger of D_alpha(P || Q) and D_alpha(Q || P) over its pair of neighbouring output
 * distributions (the pair is symmetric, so the two agree; both are computed so the code states the intent).
 */
export function randomizedResponseRenyi(
  o: { readonly categories: number; readonly order: number } & ({ readonly noiseParameter: number } | { readonly epsilon: number }),
): number {
  const pair = randomizedResponsePair(o);
  return Math.max(
    discreteRenyi({ logP: pair.logP, logQ: pair.logQ, order: o.order }),
    discreteRenyi({ logP: pair.logQ, logQ: pair.logP, order: o.order }),
  );
}

/**
 * Any pure eps-DP step. Its pair of output distributions is dominated (Kairouz, Oh, Viswanath 2015) by binary
 * randomized response with likelihood ratio e^eps, so by data processing its Renyi divergence is at most
 *   D_alpha = 1/(alpha-1) ln[ (e^(alpha eps) + e^((1-alpha) eps)) / (1 + e^eps) ],
 * which is tight (it is attained by randomized response) and below both eps and the Bun-Steinke bound
 * alpha eps^2 / 2. dp_accounting's RdpAccountant uses the same expression for EpsilonDeltaDpEvent.
 */
export function pureDpRenyi(o: { readonly epsilon: number; readonly order: number }): number {
  return randomizedResponseRenyi({ categories: 2, epsilon: o.epsilon, order: o.order });
}
