/**
 * Standard normal quantile Phi^{-1}(p), by Wichura's algorithm AS 241 (PPND16; Applied Statistics 37(3),
 * 477-484, 1988): three rational approximations (centre |p - 1/2| <= 0.425, tail r = sqrt(-ln min(p, 1-p)) <= 5,
 * far tail r > 5), relative accuracy about 1e-16 over the whole float64 range of p. Only + - * / sqrt and log, so
 * the result is bit-identical on every machine (V8's Math.log is a port of fdlibm).
 *
 * Accuracy in the tails is limited by how p was computed, not by this function: callers that need the upper tail
 * pass the small upper-tail probability q and use -normalQuantile(q), never normalQuantile(1 - q).
 *
 * Why not @stdlib/stats-base-dists-normal-quantile: it computes sqrt(2) erfinv(2p - 1), and 2p - 1 rounds to -1
 * below p ~ 1e-17, so it returns -Infinity at p = 1e-20 (and 1e-200, which the importance sampler needs) and is
 * off in the 9th digit at p = 1e-10 (-6.3613408897 against -6.3613409024).
 */

// Math functions are bound once here: under jest (a vm context) every global lookup such as `Math` costs about
// a microsecond, which made the sampling loops tens of times slower in tests. Same functions, same results.
const { abs, sqrt, log } = Math;

/** Phi^{-1}(p) for p in (0, 1); -Infinity at 0, +Infinity at 1, NaN outside [0, 1]. */
export function normalQuantile(p: number): number {
  const q = p - 0.5;
  if (abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (
      (q *
        (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r + 45921.953931549871457) * r +
          13731.693765509461125) *
          r +
          1971.5909503065514427) *
          r +
          133.14166789178437745) *
          r +
          3.387132872796366608)) /
      (((((((5226.495278852854561 * r + 28729.085735721942674) * r + 39307.89580009271061) * r + 21213.794301586595867) * r +
        5394.1960214247511077) *
        r +
        687.1870074920579083) *
        r +
        42.313330701600911252) *
        r +
        1)
    );
  }
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    return NaN;
  }
  return q < 0 ? -tailQuantile(p) : tailQuantile(1 - p);
}

/** Phi^{-1}(1 - t) for a tail probability 0 < t < 0.075, i.e. the positive quantile whose upper tail is t. */
function tailQuantile(t: number): number {
  let r = sqrt(-log(t));
  if (r <= 5) {
    r -= 1.6;
    return (
      (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r + 1.27045825245236838258) * r +
        3.64784832476320460504) *
        r +
        5.7694972214606914055) *
        r +
        4.6303378461565452959) *
        r +
        1.42343711074968357734) /
      (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r + 0.14810397642748007459) * r +
        0.68976733498510000455) *
        r +
        1.6763848301838038494) *
        r +
        2.05319162663775882187) *
        r +
        1)
    );
  }
  r -= 5;
  return (
    (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r + 0.026532189526576123093) * r +
      0.29656057182850489123) *
      r +
      1.7848265399172913358) *
      r +
      5.4637849111641143699) *
      r +
      6.6579046435011037772) /
    (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r +
      0.0148753612908506148525) *
      r +
      0.13692988092273580531) *
      r +
      0.59983220655588793769) *
      r +
      1)
  );
}

/** The x with P(Z > x) = t for 0 < t <= 1/2, accurate for tiny t (the upper-tail quantile). */
export function normalUpperQuantile(t: number): number {
  return -normalQuantile(t);
}
