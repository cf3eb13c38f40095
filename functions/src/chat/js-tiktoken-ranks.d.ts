/** js-tiktoken ships this subpath's types under `exports` only, which node10 resolution does not read. */
declare module "js-tiktoken/ranks/o200k_base" {
  import type { TiktokenBPE } from "js-tiktoken/lite";
  const ranks: TiktokenBPE;
  export default ranks;
}
