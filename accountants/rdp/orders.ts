/**
 * The Renyi orders the RDP accountant evaluates by default. They are dp_accounting's RdpAccountant defaults
 * (rdp_privacy_accountant.DEFAULT_RDP_ORDERS), so that dpacct's RDP figures can be compared number for number:
 * 1.1, 1.2, ..., 10.9 (step 0.1, built as 1 + x/10 exactly as Python does), then 11, 12, ..., 63, then
 * 128, 256, 512, 1024; 156 orders in all.
 */
export const DEFAULT_RDP_ORDERS: readonly number[] = Object.freeze([
  ...Array.from({ length: 99 }, (_, i) => 1 + (i + 1) / 10),
  ...Array.from({ length: 53 }, (_, i) => 11 + i),
  128,
  256,
  512,
  1024,
]);
